/**
 * `iot-center emulator`'s query flags: influxd 2.7's query controller flags under their names, with
 * their defaults (cmd/influxd/launcher/cmd.go), plus `--query-workers`, the emulator's thread count.
 * Values are checked here as numbers; how they combine is checked when the emulator starts, with
 * influxd's `invalid controller config` messages.
 */
import type { QueryServiceOptions } from '../emulator/query-pool';
import { QUERY_LIMIT_DEFAULTS } from '../emulator/query-pool/limits';

const FLAGS: Record<string, keyof QueryServiceOptions> = {
  'query-concurrency': 'queryConcurrency',
  'query-queue-size': 'queryQueueSize',
  'query-initial-memory-bytes': 'queryInitialMemoryBytes',
  'query-memory-bytes': 'queryMemoryBytes',
  'query-max-memory-bytes': 'queryMaxMemoryBytes',
  'query-workers': 'queryWorkers',
};

export const QUERY_FLAGS_USAGE = `--query-concurrency ${QUERY_LIMIT_DEFAULTS.queryConcurrency}  --query-queue-size ${QUERY_LIMIT_DEFAULTS.queryQueueSize}  --query-initial-memory-bytes 0
              --query-memory-bytes 0 (per query)  --query-max-memory-bytes 0 (all queries; 0 = unlimited)
              --query-workers 0 (query threads for a --data-dir; 0 = one per core)`;

export function queryOptionsFromCli(options: Map<string, string | true>): Partial<QueryServiceOptions> {
  const out: Partial<QueryServiceOptions> = {};
  for (const [flag, key] of Object.entries(FLAGS)) {
    const raw = options.get(flag);
    if (raw === undefined) continue;
    const value = raw === true ? NaN : Number(raw);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${flag} must be a whole number, 0 or more`);
    out[key] = value;
  }
  return out;
}
