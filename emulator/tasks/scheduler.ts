/**
 * The task scheduler: active `every` tasks run at each epoch-aligned `every` boundary after their
 * latestCompleted, once `now` reaches boundary + offset (OSS: ScheduledFor is the run's now, RunAt =
 * ScheduledFor + Offset). Missed boundaries are caught up in order. `cron` tasks are stored but not scheduled.
 */
import type { EmulatorState } from '../state';
import { executeRun, scheduleRun } from './execute';
import { durationNs } from './options';
import type { RunRecord } from './runs';

const NS_PER_MS = 1_000_000n;
/** Catch-up limit per task and check, so a long outage cannot stall the emulator. */
const MAX_CATCH_UP = 100;

/** Runs every due run of every active `every` task as of `nowNs`; returns the finished runs. Tests call it directly. */
export async function runDueTasks(state: EmulatorState, nowNs: bigint): Promise<RunRecord[]> {
  const done: RunRecord[] = [];
  for (const listed of state.meta.tasks.list()) {
    if (listed.status !== 'active' || listed.every === undefined) continue;
    const every = durationNs(listed.every);
    const offset = durationNs(listed.offset);
    if (every <= 0n) continue;
    const since = BigInt(Date.parse(listed.latestCompleted ?? listed.createdAt)) * NS_PER_MS;
    let next = floorTo(since, every) + every;
    for (let i = 0; i < MAX_CATCH_UP && next + offset <= nowNs; i++, next += every) {
      // Re-read: an earlier run of this check may have changed or deleted the task.
      const task = state.meta.tasks.get(listed.id);
      if (!task || task.status !== 'active') break;
      done.push(await executeRun(state, task, scheduleRun(state, task, next, false)));
    }
  }
  return done;
}

export interface TaskScheduler {
  stop(): Promise<void>;
}

/** Checks for due tasks every `intervalMs` on an unref'd timer; checks never overlap. */
export function startTaskScheduler(state: EmulatorState, intervalMs: number): TaskScheduler {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = runDueTasks(state, state.nowNs())
      .catch((err: unknown) => {
        process.stderr.write(
          `influxdb emulator: task scheduler failed: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      })
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

function floorTo(t: bigint, step: bigint): bigint {
  const r = t % step;
  return r < 0n ? t - r - step : t - r;
}
