/**
 * InfluxDB's query controller settings (influxd 2.7 flags `query-concurrency`, `query-queue-size`,
 * `query-initial-memory-bytes`, `query-memory-bytes`, `query-max-memory-bytes`; OSS
 * cmd/influxd/launcher/cmd.go defaults 1024/1024/0/0/0), completed and validated as OSS
 * query/control/controller.go `Config.complete` and `validate` do, with the same messages.
 */

export interface QueryLimitOptions {
  /** Queries allowed to execute at once; 0 = unlimited. */
  queryConcurrency: number;
  /** Queries allowed to wait for execution before new ones are refused; must be > 0 when concurrency is limited. */
  queryQueueSize: number;
  /** Bytes a query is given when it starts; 0 = query-memory-bytes. */
  queryInitialMemoryBytes: number;
  /** Most bytes one query may use; 0 = unlimited. */
  queryMemoryBytes: number;
  /** Most bytes all queries may use together; 0 = concurrency × query-memory-bytes. Needs a limited concurrency. */
  queryMaxMemoryBytes: number;
}

export const QUERY_LIMIT_DEFAULTS: QueryLimitOptions = {
  queryConcurrency: 1024,
  queryQueueSize: 1024,
  queryInitialMemoryBytes: 0,
  queryMemoryBytes: 0,
  queryMaxMemoryBytes: 0,
};

export interface QueryLimits {
  concurrency: number;
  queueSize: number;
  /** The most a single query may be granted, in bytes: Infinity = unlimited. */
  perQueryBytes: number;
}

export function completeQueryLimits(options: QueryLimitOptions): QueryLimits {
  const concurrency = options.queryConcurrency;
  const memory = options.queryMemoryBytes === 0 ? Number.MAX_SAFE_INTEGER : options.queryMemoryBytes;
  const initial = options.queryInitialMemoryBytes === 0 ? memory : options.queryInitialMemoryBytes;
  // OSS ignores (with a warning) a queue size given with unlimited concurrency.
  const queueSize = concurrency === 0 ? 0 : options.queryQueueSize;
  const fail = (reason: string) => {
    throw new Error(`invalid controller config: ${reason}`);
  };
  for (const name of Object.keys(QUERY_LIMIT_DEFAULTS) as (keyof QueryLimitOptions)[]) {
    if (!Number.isSafeInteger(options[name])) fail(`${name} must be an integer`);
  }
  if (concurrency < 0) fail('ConcurrencyQuota must not be negative');
  if (concurrency === 0 && options.queryMaxMemoryBytes !== 0)
    fail('cannot limit max memory when ConcurrencyQuota is unlimited');
  if (concurrency > 0 && queueSize <= 0) fail('QueueSize must be positive when ConcurrencyQuota is limited');
  if (options.queryMemoryBytes < 0) fail('MemoryBytesQuotaPerQuery must be positive');
  if (options.queryInitialMemoryBytes < 0) fail('InitialMemoryBytesQuotaPerQuery must be positive');
  if (options.queryMaxMemoryBytes < 0) fail('MaxMemoryBytes must be positive');
  let perQueryBytes = options.queryMemoryBytes === 0 ? Infinity : memory;
  if (options.queryMaxMemoryBytes !== 0) {
    const minMemory = concurrency * initial;
    if (options.queryMaxMemoryBytes < minMemory)
      fail(
        `MaxMemoryBytes must be greater than or equal to the ConcurrencyQuota * InitialMemoryBytesQuotaPerQuery: ${options.queryMaxMemoryBytes} < ${minMemory} (${concurrency} * ${initial})`,
      );
    // A query holds its initial bytes and may grow into what no query holds initially.
    perQueryBytes = Math.min(perQueryBytes, initial + (options.queryMaxMemoryBytes - minMemory));
  }
  return { concurrency, queueSize, perQueryBytes };
}
