/**
 * The InfluxDB 2.x API emulator: `startEmulator()` opens the storage, serves the API, enforces bucket
 * retention and runs due tasks in the background until `close()`.
 */
import { FaultInjector, type FaultControl } from './faults/injector';
import type { FluxStores } from './handlers/flux-context';
import { createQueryService, type QueryController } from './query-pool';
import { createEmulatorServer } from './server';
import { DEFAULT_OPTIONS, type EmulatorOptions, type EmulatorState } from './state';
import { openStorage } from './storage/sqlite/open';
import { drainRuns } from './tasks/runner';
import { startTaskScheduler } from './tasks/scheduler';

export type { EmulatorOptions, EmulatorState } from './state';
export { DEFAULT_OPTIONS } from './state';
export { runDueTasks } from './tasks/scheduler';
export type { FaultControl, FaultStats } from './faults/injector';
export type { FaultRule } from './faults/rules';
export type { QueryStats } from './query-pool';

export interface RunningEmulator {
  url: string;
  port: number;
  state: EmulatorState;
  /** Fault injection at runtime: set rules, clear them, read how often they applied. */
  faults: FaultControl;
  close(): Promise<void>;
}

const NS_PER_SECOND = 1_000_000_000n;

export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const merged: EmulatorOptions = { ...DEFAULT_OPTIONS, ...options };
  // Before the storage opens: bad rules must not leave a database open behind them.
  const faults = new FaultInjector(merged.faults ?? []);
  const storage = openStorage(merged.dataDir);
  const stores: FluxStores = { meta: storage.meta, points: storage.points, nowNs: wallClockNs() };
  let queries: QueryController;
  try {
    queries = createQueryService(stores, storage.file, merged);
  } catch (err) {
    storage.close();
    throw err;
  }
  // The same object as the query service's stores: a clock replaced on the state (tests) is the one to() uses.
  const state: EmulatorState = Object.assign(stores, { options: merged, startedAt: new Date(), faults, queries });
  const server = createEmulatorServer(state);
  let port: number;
  try {
    port = await server.listen(merged.port, merged.host);
  } catch (err) {
    await queries.close();
    storage.close();
    throw err;
  }
  const sweeper =
    merged.retentionCheckIntervalMs > 0
      ? setInterval(() => sweepSafely(state), merged.retentionCheckIntervalMs)
      : undefined;
  sweeper?.unref();
  const scheduler = merged.taskCheckIntervalMs > 0 ? startTaskScheduler(state, merged.taskCheckIntervalMs) : undefined;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${merged.host.includes(':') ? `[${merged.host}]` : merged.host}:${port}`,
    port,
    state,
    faults,
    close: () => {
      closed ??= (async () => {
        if (sweeper) clearInterval(sweeper);
        await scheduler?.stop();
        await server.close();
        await drainRuns(state);
        // Workers read the file: they end before the writer connection closes it.
        await queries.close();
        storage.close();
      })();
      return closed;
    },
  };
}

/**
 * Deletes the points of every bucket that are older than its retention allows; returns how many were
 * removed. Runs every `retentionCheckIntervalMs`; tests call it directly.
 */
export function sweepRetention(state: EmulatorState): number {
  const now = state.nowNs();
  let removed = 0;
  for (const bucket of state.meta.buckets.list()) {
    if (bucket.retentionSeconds <= 0) continue;
    removed += state.points.deleteBefore(bucket.id, now - BigInt(bucket.retentionSeconds) * NS_PER_SECOND);
  }
  return removed;
}

function sweepSafely(state: EmulatorState): void {
  try {
    sweepRetention(state);
  } catch (err) {
    process.stderr.write(
      `influxdb emulator: retention sweep failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
}

/** Wall-clock time with nanosecond resolution: the epoch at start plus the monotonic clock since. */
function wallClockNs(): () => bigint {
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const startHr = process.hrtime.bigint();
  return () => startNs + (process.hrtime.bigint() - startHr);
}
