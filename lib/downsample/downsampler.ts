/**
 * One downsampling kept in InfluxDB, as the `iot-downsample` node runs it (no Node-RED here): at start the
 * target bucket and the task are made to match the options (retried at each poll until that succeeds), then
 * the task's last run is polled; a backfill runs on demand; on close the task stays unless asked otherwise.
 */
import type { InfluxDB, QueryApi } from '@influxdata/influxdb-client';
import { OrgsAPI, TasksAPI } from '@influxdata/influxdb-client-apis';
import { backfillWindow, runBackfill, type BackfillWindow } from './backfill';
import { downsampleTaskFlux } from './flux';
import type { DownsampleOptions } from './options';
import { lastRunOf, type RunSummary } from './run-status';
import { ensureTargetBucket, type BucketAction } from './target-bucket';
import { deleteTasks, ensureTask, type TaskAction } from './task-store';

/** Polling bounds: often enough to see a run soon, rarely enough to cost nothing. */
export const MIN_POLL_SECONDS = 1;
export const MAX_POLL_SECONDS = 3600;
export const DEFAULT_POLL_SECONDS = 60;

export type DownsampleState =
  | { phase: 'syncing' }
  | { phase: 'failed'; error: Error }
  | { phase: 'ready'; task: TaskAction; bucket: BucketAction; run: RunSummary }
  | { phase: 'backfilling' }
  | { phase: 'backfilled'; points: number; run: RunSummary };

export interface DownsamplerOptions {
  influx: InfluxDB;
  org: string;
  /** Names the task for good: the node's id. */
  key: string;
  /** The task's name as InfluxDB shows it. */
  taskName: string;
  options: DownsampleOptions;
  /** Seconds between polls of the task's last run (bounded). */
  pollSeconds: number;
  onState: (state: DownsampleState) => void;
  /** Turns a thrown value into the error to show (the node words InfluxDB errors). */
  describeError: (e: unknown, doing: string) => Error;
  now?: () => Date;
}

export interface BackfillResult {
  taskID: string;
  start: Date;
  stop: Date;
  points: number;
}

export class Downsampler {
  private orgID: string | undefined;
  private synced: Promise<{ taskID: string; task: TaskAction; bucket: BucketAction }> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;
  private readonly pollMs: number;
  readonly flux: string;

  constructor(private readonly o: DownsamplerOptions) {
    const seconds = Number.isFinite(o.pollSeconds) ? o.pollSeconds : DEFAULT_POLL_SECONDS;
    this.pollMs = Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, seconds)) * 1000;
    this.flux = downsampleTaskFlux(o.options, { name: o.taskName, org: o.org });
  }

  start(): void {
    void this.poll();
  }

  /** The task, once bucket and task match the options; rejects with the last failure. */
  async ready(): Promise<string> {
    return (await this.sync()).taskID;
  }

  /** Aggregates whole windows of the past `range` (e.g. `-7d`) into the target bucket. */
  async backfill(range: unknown): Promise<BackfillResult> {
    const window: BackfillWindow = backfillWindow(this.now(), range, this.o.options.every);
    const taskID = await this.ready();
    this.o.onState({ phase: 'backfilling' });
    try {
      const points = await runBackfill(this.queryApi(), this.o.options, this.o.org, window);
      this.o.onState({ phase: 'backfilled', points, run: await this.lastRun(taskID) });
      return { taskID, ...window, points };
    } catch (e) {
      const error = this.o.describeError(e, 'backfill the downsampled bucket');
      this.o.onState({ phase: 'failed', error });
      throw error;
    }
  }

  /** Stops polling; with `deleteTask`, deletes the task (the node was removed). Returns how many were deleted. */
  async close(deleteTask: boolean): Promise<number> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    if (!deleteTask) return 0;
    try {
      await this.synced;
    } catch {
      // Deleting still finds the task by its description.
    }
    return deleteTasks(this.o.influx, await this.orgIdOf(), this.o.key);
  }

  private poll(): Promise<void> {
    this.polling = (async () => {
      try {
        const synced = await this.sync();
        this.o.onState({ phase: 'ready', ...synced, run: await this.lastRun(synced.taskID) });
      } catch (e) {
        this.o.onState({ phase: 'failed', error: e instanceof Error ? e : this.o.describeError(e, 'poll the task') });
      }
      if (!this.closed) this.timer = setTimeout(() => void this.poll(), this.pollMs);
    })();
    return this.polling;
  }

  /** Bucket and task made to match, once; a failure is forgotten so that the next poll tries again. */
  private sync(): Promise<{ taskID: string; task: TaskAction; bucket: BucketAction }> {
    this.synced ??= (async () => {
      this.o.onState({ phase: 'syncing' });
      try {
        const orgID = await this.orgIdOf();
        const bucket = await ensureTargetBucket(
          this.o.influx,
          orgID,
          this.o.options.targetBucket,
          this.o.options.retentionSeconds,
        );
        const ensured = await ensureTask(this.o.influx, orgID, this.o.key, this.flux);
        return { taskID: ensured.task.id, task: ensured.action, bucket };
      } catch (e) {
        this.synced = undefined;
        throw this.o.describeError(e, 'create the downsampling task');
      }
    })();
    return this.synced;
  }

  private async lastRun(taskID: string): Promise<RunSummary> {
    try {
      return lastRunOf(await new TasksAPI(this.o.influx).getTasksID({ taskID }));
    } catch (e) {
      // The task was deleted by hand: the next poll makes it again.
      this.synced = undefined;
      throw this.o.describeError(e, 'read the downsampling task');
    }
  }

  private async orgIdOf(): Promise<string> {
    if (this.orgID) return this.orgID;
    const org = (await new OrgsAPI(this.o.influx).getOrgs({ org: this.o.org })).orgs?.find(
      (o) => o.name === this.o.org,
    );
    if (!org?.id) throw new Error(`no organization named "${this.o.org}" in InfluxDB`);
    this.orgID = org.id;
    return org.id;
  }

  private queryApi(): QueryApi {
    return this.o.influx.getQueryApi(this.o.org);
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }
}
