/**
 * Runs in flight, per emulator: manual runs and retries start after their request is answered (the
 * response shows them `scheduled`, as OSS does), and `close()` waits for them before storage closes.
 */
import type { EmulatorState } from '../state';
import type { Task } from '../storage/types';
import { executeRun } from './execute';
import type { RunRecord } from './runs';
import { findRun } from './runs';

const inFlight = new WeakMap<EmulatorState, Set<Promise<unknown>>>();

/** Starts a scheduled run in the background, unless it is canceled before it starts. */
export function startInBackground(state: EmulatorState, task: Task, run: RunRecord): void {
  let set = inFlight.get(state);
  if (!set) {
    set = new Set();
    inFlight.set(state, set);
  }
  const running = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    const current = findRun(state, task.orgID, task.id, run.id);
    if (!current || current.status !== 'scheduled') return;
    await executeRun(state, task, current);
  });
  const tracked = running.catch((err: unknown) => {
    process.stderr.write(`influxdb emulator: task run failed: ${err instanceof Error ? err.message : String(err)}\n`);
  });
  set.add(tracked);
  void tracked.finally(() => set?.delete(tracked));
}

/** Resolves when every run started so far has finished. */
export async function drainRuns(state: EmulatorState): Promise<void> {
  const set = inFlight.get(state);
  while (set && set.size > 0) await Promise.all([...set]);
}
