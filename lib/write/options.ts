/**
 * Options of a WritePipeline, with their defaults. Names follow influxdb-client-js WriteOptions where
 * the meaning is the same (batchSize, flushInterval, maxBufferLines, maxRetryDelay, gzipThreshold...).
 */
import type { Transport } from '@influxdata/influxdb-client';
import { WritePipelineError, writeError } from './errors';
import type { Precision } from './timestamp';
import { isPrecision } from './timestamp';

/** Timers and time, replaceable in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WritePipelineOptions {
  /** Organization name or ID. Required. */
  org: string;
  /** Bucket name or ID. Required. */
  bucket: string;
  /** InfluxDB URL, e.g. `http://127.0.0.1:8086` (unless `transport` is given). */
  url?: string;
  /** API token (unless `transport` is given). */
  token?: string;
  /** Request timeout in ms. Default 10000. */
  timeout?: number;
  /** Node http(s) request options, e.g. TLS `ca` or `rejectUnauthorized`. */
  transportOptions?: Record<string, unknown>;
  /** A transport to share, e.g. `new InfluxDB(...).transport` owned by the config node. */
  transport?: Transport;

  /** Unit of numeric timestamps and of the request. Default `ms`. */
  precision: Precision;
  /** Measurement of point objects that name none. Default `environment`. */
  measurement: string;
  /** Tags added to every point object (e.g. `{clientId}`); a point's own tags win. Default none. */
  defaultTags: Record<string, string>;

  /**
   * Lines per request; reaching it sends at once. Default 5000, InfluxDB's recommended batch: the server's cost is
   * mostly per request, so fewer, larger requests keep up with more points.
   */
  batchSize: number;
  /** Most bytes per request. Default 50 000 000 (as the client and InfluxDB Cloud). */
  maxBatchBytes: number;
  /** Lines wait at most this long (ms) before they are sent. Default 1000; 0 = only by size or flush(). */
  flushInterval: number;
  /** Most lines buffered (in memory and spool); beyond it the oldest are dropped and counted. Default 100 000. */
  maxBufferLines: number;
  /** Most bytes buffered. Default 64 MiB. */
  maxBufferBytes: number;
  /** Directory of the on-disk spool (e.g. under Node-RED's userDir), one per pipeline. Default none: memory only. */
  spoolDir?: string;

  /** First retry delay in ms. Default 1000. */
  minRetryDelay: number;
  /** Longest retry delay in ms; also the pause while the token or bucket is refused. Default 60000. */
  maxRetryDelay: number;
  /** Growth of the retry delay per attempt. Default 2. */
  exponentialBase: number;
  /** Gzip request bodies above this many bytes. Default 1000. */
  gzipThreshold: number;
  /** How long close() may spend sending what is buffered, in ms. Default 5000. */
  closeTimeout: number;

  /** Time and timers (tests). Default the real ones. */
  clock: Clock;
  /** Random source in [0, 1) for retry jitter (tests). Default Math.random. */
  random: () => number;
}

export type WritePipelineConfig = Pick<WritePipelineOptions, 'org' | 'bucket'> & Partial<WritePipelineOptions>;

export const DEFAULT_WRITE_PIPELINE_OPTIONS = {
  precision: 'ms' as Precision,
  measurement: 'environment',
  defaultTags: {} as Record<string, string>,
  batchSize: 5000,
  maxBatchBytes: 50_000_000,
  flushInterval: 1000,
  maxBufferLines: 100_000,
  maxBufferBytes: 64 * 1024 * 1024,
  minRetryDelay: 1000,
  maxRetryDelay: 60_000,
  exponentialBase: 2,
  gzipThreshold: 1000,
  closeTimeout: 5000,
  clock: realClock,
  random: Math.random,
};

/** Fills in defaults and refuses options that cannot work, with a message that names the option. */
export function resolveOptions(config: WritePipelineConfig): WritePipelineOptions {
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  const o: WritePipelineOptions = { ...DEFAULT_WRITE_PIPELINE_OPTIONS, ...given } as WritePipelineOptions;
  const problems: string[] = [];
  if (typeof o.org !== 'string' || o.org === '') problems.push('org is required');
  if (typeof o.bucket !== 'string' || o.bucket === '') problems.push('bucket is required');
  if (!o.transport && !o.url) problems.push('url (or a transport) is required');
  if (!isPrecision(o.precision)) problems.push(`precision must be one of ns, us, ms, s (not ${String(o.precision)})`);
  if (typeof o.measurement !== 'string' || o.measurement === '') problems.push('measurement must be a non-empty text');
  const positive: Array<keyof WritePipelineOptions> = [
    'batchSize',
    'maxBatchBytes',
    'maxBufferLines',
    'maxBufferBytes',
    'minRetryDelay',
    'maxRetryDelay',
  ];
  for (const key of positive) if (!isPositive(o[key])) problems.push(`${key} must be a positive number`);
  for (const key of ['flushInterval', 'gzipThreshold', 'closeTimeout'] as const) {
    if (!(typeof o[key] === 'number' && o[key] >= 0)) problems.push(`${key} must be zero or more`);
  }
  if (!(o.exponentialBase >= 1)) problems.push('exponentialBase must be at least 1');
  if (o.maxBufferLines < o.batchSize) problems.push('maxBufferLines must be at least batchSize');
  if (o.maxRetryDelay < o.minRetryDelay) problems.push('maxRetryDelay must be at least minRetryDelay');
  if (problems.length)
    throw new WritePipelineError(writeError('invalid-options', `write pipeline: ${problems.join('; ')}`));
  return o;
}

function isPositive(v: unknown): boolean {
  return typeof v === 'number' && v > 0 && Number.isFinite(v);
}
