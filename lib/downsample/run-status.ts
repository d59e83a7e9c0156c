/** What a downsampling task's last run says, for a node status: state and time only (detail goes to the log). */
import type { Task } from '@influxdata/influxdb-client-apis';

export type RunState = 'waiting' | 'success' | 'failed' | 'canceled' | 'inactive';

export interface RunSummary {
  state: RunState;
  /** The last run's scheduled time, `2024-01-01 11:00Z`; absent before the first run. */
  at?: string;
  /** The last run's error, when it failed. */
  error?: string;
}

export function lastRunOf(
  task: Pick<Task, 'status' | 'latestCompleted' | 'lastRunStatus' | 'lastRunError'>,
): RunSummary {
  const at = shortTime(task.latestCompleted);
  const when = at === undefined ? {} : { at };
  if (task.status === 'inactive') return { state: 'inactive', ...when };
  switch (task.lastRunStatus) {
    case 'success':
      return { state: 'success', ...when };
    case 'failed':
      return { state: 'failed', ...when, ...(task.lastRunError ? { error: task.lastRunError } : {}) };
    case 'canceled':
      return { state: 'canceled', ...when };
    default:
      return { state: 'waiting', ...when };
  }
}

/** `2024-01-01T11:00:00Z` → `2024-01-01 11:00Z` (UTC, as InfluxDB schedules). */
function shortTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return undefined;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
