/**
 * The two ways an admitted query is evaluated. A file-backed emulator uses the worker pool, so
 * evaluation never holds up the thread that accepts writes. An in-memory emulator evaluates
 * in-process, as before: a `:memory:` SQLite database is private to its connection and cannot be
 * opened from another thread, and an in-memory emulator is a throw-away one (tests, demos) where a
 * private temporary file would only trade its speed for isolation nobody measures.
 */
import { callerFluxContext, callerWriter, type FluxStores, readableBuckets } from '../handlers/flux-context';
import { evaluate } from './evaluate';
import { WorkerPool, type WorkerPoolOptions } from './pool';
import type { QueryExecutor } from './types';

export function inProcessExecutor(stores: FluxStores): QueryExecutor {
  return {
    execute: (spec, emit) => evaluate(spec, callerFluxContext(stores, spec.caller, spec.orgID, spec.now), emit),
    stats: () => ({ workers: 0, busy: 0, waiting: 0 }),
    threads: () => [],
    close: async () => undefined,
  };
}

export function poolExecutor(
  stores: FluxStores,
  databaseFile: string,
  size: number,
  options: WorkerPoolOptions = {},
): QueryExecutor {
  const pool = new WorkerPool(databaseFile, size, options);
  return {
    execute: (spec, emit, signal) =>
      pool.run({
        job: {
          source: spec.source,
          orgID: spec.orgID,
          now: spec.now,
          readable: readableBuckets(stores, spec.caller),
          ...(spec.dialect ? { dialect: spec.dialect } : {}),
          ...(spec.keepLateErrors ? { keepLateErrors: true } : {}),
          memoryLimitBytes: spec.memoryLimitBytes,
        },
        emit,
        writeBucket: callerWriter(stores, spec.caller, spec.orgID),
        ...(signal ? { signal } : {}),
      }),
    stats: () => pool.stats(),
    threads: () => pool.threads(),
    close: () => pool.close(),
  };
}
