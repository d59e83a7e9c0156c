/**
 * How long to wait before the next attempt: the server's `Retry-After` when it gave one (in seconds, or an
 * HTTP date, as HTTP defines it — influxdb-client-js 1.35 wrongly reads the number as milliseconds), else
 * an exponential backoff with jitter (like the client's `retryStrategy`).
 */

export interface RetryDelayOptions {
  /** Delay after the first failure, in ms. Default 1000. */
  minRetryDelay: number;
  /** Longest backoff, in ms; also the pause while the server refuses the token or bucket. Default 60000. */
  maxRetryDelay: number;
  /** Growth factor between attempts. Default 2. */
  exponentialBase: number;
}

export const DEFAULT_RETRY_DELAY: RetryDelayOptions = {
  minRetryDelay: 1000,
  maxRetryDelay: 60_000,
  exponentialBase: 2,
};

/** A server asking for more than an hour is more likely wrong than right; we come back after an hour. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Backoff after `attempt` failures (1 = the first): a random point between the attempt's step and the
 * next one, so that many writers do not retry in lockstep; capped at maxRetryDelay.
 * `random` returns [0, 1) like Math.random.
 */
export function backoffDelay(attempt: number, options: RetryDelayOptions, random: () => number): number {
  const { minRetryDelay: min, maxRetryDelay: max, exponentialBase: base } = options;
  const step = Math.max(1, attempt);
  const low = Math.min(max, min * Math.pow(base, step - 1));
  const high = Math.min(max, min * Math.pow(base, step));
  return Math.round(low + (high - low) * clamp01(random()));
}

/**
 * `Retry-After` → milliseconds to wait, or undefined when absent or unreadable.
 * Forms (RFC 9110 10.2.3): delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(value) * 1000));
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
