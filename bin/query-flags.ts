/**
 * `iot-center emulator`'s query flags: influxd 2.7's query controller flags under their names, with
 * their defaults (cmd/influxd/launcher/cmd.go), plus the emulator's own `--query-workers` (thread count) and
 * `--query-worker-heap-mb` (each thread's heap limit).
 * Values are checked here as whole numbers; how they combine is checked when the emulator starts, with
 * influxd's `invalid controller config` messages.
 */
import type { QueryServiceOptions } from '../emulator/query-pool';
import { QUERY_LIMIT_DEFAULTS } from '../emulator/query-pool/limits';
import type { OptionValues } from './cli/option';
import { countOption } from './cli/values';

const GROUP = "Query controller (influxd 2.7's flags)";

export const QUERY_OPTIONS = {
  'query-concurrency': countOption(String(QUERY_LIMIT_DEFAULTS.queryConcurrency), {
    help: 'Queries that run at once; 0 = unlimited',
    group: GROUP,
  }),
  'query-queue-size': countOption(String(QUERY_LIMIT_DEFAULTS.queryQueueSize), {
    help: 'Queries that may wait for a turn before more are refused',
  }),
  'query-initial-memory-bytes': countOption('0', { help: 'Bytes a query starts with; 0 = --query-memory-bytes' }),
  'query-memory-bytes': countOption('0', { help: 'Most bytes one query may use; 0 = unlimited' }),
  'query-max-memory-bytes': countOption('0', { help: 'Most bytes all queries may use together; 0 = unlimited' }),
  'query-workers': countOption('0', { help: 'Query threads for a --data-dir folder; 0 = one per core but one' }),
  'query-worker-heap-mb': countOption('0', {
    help: "Heap of each query thread in MB (a query past it fails); 0 = Node's",
  }),
};

const KEYS: Record<Exclude<keyof typeof QUERY_OPTIONS, 'query-worker-heap-mb'>, keyof QueryServiceOptions> = {
  'query-concurrency': 'queryConcurrency',
  'query-queue-size': 'queryQueueSize',
  'query-initial-memory-bytes': 'queryInitialMemoryBytes',
  'query-memory-bytes': 'queryMemoryBytes',
  'query-max-memory-bytes': 'queryMaxMemoryBytes',
  'query-workers': 'queryWorkers',
};

/** The emulator's query options from the flags given; the emulator's defaults for the others. */
export function queryOptionsFrom(values: OptionValues<typeof QUERY_OPTIONS>): Partial<QueryServiceOptions> {
  const out: Partial<QueryServiceOptions> = {};
  for (const [flag, key] of Object.entries(KEYS) as Array<[keyof typeof KEYS, keyof QueryServiceOptions]>) {
    const value = values[flag];
    if (value !== undefined) out[key] = value;
  }
  const heapMb = values['query-worker-heap-mb'];
  if (heapMb) out.queryWorkerResourceLimits = { maxOldGenerationSizeMb: heapMb };
  return out;
}
