/**
 * The query service: InfluxDB's query controller in front of the evaluator that fits the storage
 * (worker threads for a database file, in-process for `:memory:`; see executors.ts).
 */
import os from 'node:os';
import type { FluxStores } from '../handlers/flux-context';
import { QueryController } from './controller';
import { inProcessExecutor, poolExecutor } from './executors';
import { completeQueryLimits, type QueryLimitOptions } from './limits';

export { QueryController, type QueryStats } from './controller';
export { completeQueryLimits, QUERY_LIMIT_DEFAULTS, type QueryLimitOptions } from './limits';
export type { QuerySpec } from './types';

export interface QueryServiceOptions extends QueryLimitOptions {
  /** Query worker threads; 0 = one per core. */
  queryWorkers: number;
}

export function createQueryService(
  stores: FluxStores,
  databaseFile: string,
  options: QueryServiceOptions,
): QueryController {
  const limits = completeQueryLimits(options);
  if (databaseFile === ':memory:') return new QueryController(limits, inProcessExecutor(stores));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const size = options.queryWorkers > 0 ? options.queryWorkers : Math.max(1, cores);
  return new QueryController(limits, poolExecutor(stores, databaseFile, size));
}
