/**
 * The query service: InfluxDB's query controller in front of the evaluator that fits the storage
 * (worker threads for a database file, in-process for `:memory:`; see executors.ts).
 */
import os from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { FluxStores } from '../handlers/flux-context';
import { QueryController } from './controller';
import { inProcessExecutor, poolExecutor } from './executors';
import { completeQueryLimits, type QueryLimitOptions } from './limits';

export { QueryController, type QueryStats } from './controller';
export { completeQueryLimits, QUERY_LIMIT_DEFAULTS, type QueryLimitOptions } from './limits';
export type { QuerySpec } from './types';

export interface QueryServiceOptions extends QueryLimitOptions {
  /** Query worker threads; 0 = one per core but one (at least one), see defaultWorkerCount. */
  queryWorkers: number;
  /**
   * Heap limits of each query worker (Node's `resourceLimits`, e.g. `{ maxOldGenerationSizeMb: 64 }`); none by
   * default. A query that passes them fails with a memory-limit error; the emulator and the other queries go on.
   */
  queryWorkerResourceLimits?: ResourceLimits;
}

export function createQueryService(
  stores: FluxStores,
  databaseFile: string,
  options: QueryServiceOptions,
): QueryController {
  const limits = completeQueryLimits(options);
  if (databaseFile === ':memory:') return new QueryController(limits, inProcessExecutor(stores));
  const size = options.queryWorkers > 0 ? options.queryWorkers : defaultWorkerCount();
  const resourceLimits = options.queryWorkerResourceLimits;
  return new QueryController(
    limits,
    poolExecutor(stores, databaseFile, size, resourceLimits ? { resourceLimits } : {}),
  );
}

/**
 * One core is left to the main thread, which accepts writes and answers /health: with every core
 * evaluating queries it would wait for the scheduler behind them. Admission is unchanged (InfluxDB's
 * --query-concurrency): admitted queries beyond the threads wait for one.
 */
export function defaultWorkerCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, cores - 1);
}
