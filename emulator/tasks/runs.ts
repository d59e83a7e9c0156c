/**
 * Task runs and their log events, kept as points of measurement `runs` in the org's `_tasks` system
 * bucket (where OSS records them too), one series per run: durable, and readable with Flux.
 */
import { ApiError } from '../errors';
import { MAX_TIME, MIN_TIME } from '../flux/interpreter/time';
import type { EmulatorState } from '../state';
import type { Bucket, FieldValue, Point, SeriesData } from '../storage/types';

export type RunStatus = 'scheduled' | 'started' | 'success' | 'failed' | 'canceled';

export interface LogEvent {
  runID: string;
  /** ns */
  time: bigint;
  message: string;
}

export interface RunRecord {
  id: string;
  taskID: string;
  status: RunStatus;
  /** ns; the `now` of the run's script. */
  scheduledFor: bigint;
  /** ns; scheduledFor + offset for scheduled runs. */
  runAt?: bigint;
  /** ns; set for manual runs and retries. */
  requestedAt?: bigint;
  startedAt?: bigint;
  finishedAt?: bigint;
  flux: string;
  log: LogEvent[];
  /** ns; the point time of the record, fixed when the run is created so that updates overwrite it. */
  recordedAt: bigint;
}

const MEASUREMENT = 'runs';
const TIME_FIELDS = ['scheduledFor', 'runAt', 'requestedAt', 'startedAt', 'finishedAt'] as const;

export function tasksBucket(state: EmulatorState, orgID: string): Bucket {
  const bucket = state.meta.buckets.list().find((b) => b.orgID === orgID && b.name === '_tasks');
  if (!bucket) throw new ApiError('internal error', 'the org has no _tasks system bucket to record task runs in');
  return bucket;
}

/** Inserts or replaces a run. */
export function saveRun(state: EmulatorState, orgID: string, run: RunRecord): void {
  const bucket = tasksBucket(state, orgID);
  const fields = new Map<string, FieldValue>([
    ['status', { type: 'string', value: run.status }],
    ['flux', { type: 'string', value: run.flux }],
    ['logs', { type: 'string', value: JSON.stringify(run.log.map((e) => [e.time.toString(), e.message])) }],
  ]);
  for (const f of TIME_FIELDS) {
    const v = run[f];
    if (v !== undefined) fields.set(f, { type: 'long', value: v });
  }
  const point: Point = {
    measurement: MEASUREMENT,
    tags: [
      ['runID', run.id],
      ['taskID', run.taskID],
    ],
    fields,
    time: run.recordedAt,
  };
  // Retention 0 here: a run record is never dropped on write, the retention sweep ages it out.
  state.points.write(bucket.id, [point], 0, state.nowNs());
}

/** The runs of a task, oldest scheduledFor first. */
export function listRuns(state: EmulatorState, orgID: string, taskID: string): RunRecord[] {
  const bucket = tasksBucket(state, orgID);
  const series = state.points.read({
    bucketId: bucket.id,
    start: MIN_TIME,
    stop: MAX_TIME,
    measurements: [MEASUREMENT],
    tags: { taskID: [taskID] },
  });
  const byRun = new Map<string, SeriesData[]>();
  for (const s of series) {
    const runID = s.tags.find(([k]) => k === 'runID')?.[1];
    if (runID === undefined) continue;
    byRun.set(runID, [...(byRun.get(runID) ?? []), s]);
  }
  const runs = [...byRun.entries()].flatMap(([id, fields]) => {
    const run = runFromSeries(id, taskID, fields);
    return run ? [run] : [];
  });
  return runs.sort((a, b) => cmp(a.scheduledFor, b.scheduledFor) || cmp(a.recordedAt, b.recordedAt));
}

export function findRun(state: EmulatorState, orgID: string, taskID: string, runID: string): RunRecord | undefined {
  return listRuns(state, orgID, taskID).find((r) => r.id === runID);
}

function runFromSeries(id: string, taskID: string, fields: SeriesData[]): RunRecord | undefined {
  const last = (name: string) => {
    const s = fields.find((f) => f.field === name);
    if (!s || s.values.length === 0) return undefined;
    return { value: s.values[s.values.length - 1], time: s.times[s.times.length - 1] as bigint };
  };
  const status = last('status');
  const scheduledFor = last('scheduledFor');
  if (!status || !isRunStatus(status.value) || !scheduledFor || typeof scheduledFor.value !== 'bigint')
    return undefined;
  const flux = last('flux')?.value;
  const logs = last('logs')?.value;
  const run: RunRecord = {
    id,
    taskID,
    status: status.value,
    scheduledFor: scheduledFor.value,
    flux: typeof flux === 'string' ? flux : '',
    log: typeof logs === 'string' ? parseLogs(id, logs) : [],
    recordedAt: status.time,
  };
  for (const f of TIME_FIELDS) {
    const v = last(f)?.value;
    if (typeof v === 'bigint') run[f] = v;
  }
  return run;
}

function parseLogs(runID: string, text: string): LogEvent[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((e: unknown) =>
    Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string'
      ? [{ runID, time: BigInt(e[0]), message: e[1] }]
      : [],
  );
}

const RUN_STATUSES: readonly unknown[] = ['scheduled', 'started', 'success', 'failed', 'canceled'];

function isRunStatus(v: unknown): v is RunStatus {
  return RUN_STATUSES.includes(v);
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
