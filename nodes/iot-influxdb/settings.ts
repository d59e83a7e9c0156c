/** The config node's fields (from the flow, or the editor's "Test connection" form) → InfluxSettings. */
import { DEFAULT_TIMEOUT_MS } from '../../lib/connection/settings';
import type { InfluxSettings } from '../../lib/connection/settings';
import { DEFAULT_HEALTH_INTERVAL_MS } from '../../lib/connection/influx-connection';

export interface InfluxFields {
  url?: unknown;
  org?: unknown;
  bucket?: unknown;
  timeout?: unknown;
  rejectUnauthorized?: unknown;
  caFile?: unknown;
  healthInterval?: unknown;
  appHealthInterval?: unknown;
  appHealthBucket?: unknown;
}

export function influxSettings(fields: InfluxFields, token: string): InfluxSettings {
  return {
    url: text(fields.url),
    org: text(fields.org),
    bucket: text(fields.bucket),
    token,
    timeoutMs: seconds(fields.timeout, DEFAULT_TIMEOUT_MS / 1000) * 1000,
    // Only an explicit "no" turns verification off.
    rejectUnauthorized: !(fields.rejectUnauthorized === false || fields.rejectUnauthorized === 'false'),
    caFile: text(fields.caFile),
  };
}

export function healthIntervalMs(fields: InfluxFields): number {
  const s = Number(fields.healthInterval);
  if (fields.healthInterval === undefined || fields.healthInterval === '' || !Number.isFinite(s) || s < 0) {
    return DEFAULT_HEALTH_INTERVAL_MS;
  }
  return s * 1000;
}

/** App health period in ms: `appHealthInterval` seconds; blank, 0 or not a positive number = off (the default). */
export function appHealthIntervalMs(fields: InfluxFields): number {
  const s = Number(fields.appHealthInterval);
  return fields.appHealthInterval === '' || !Number.isFinite(s) || s <= 0 ? 0 : s * 1000;
}

/** Where app health points go; blank: the config node's bucket. */
export function appHealthBucket(fields: InfluxFields): string | undefined {
  return text(fields.appHealthBucket) || undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

function seconds(v: unknown, fallback: number): number {
  if (v === undefined || v === '' || v === null) return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The token named by the config node's variable field. Node-RED replaces a field that is exactly `${NAME}`
 * with the variable's value before the node starts, so a value that cannot be a variable name is that
 * token already. `missing` is safe to show: it is only ever a variable name.
 */
export function resolveEnvToken(
  field: string,
  lookup: (name: string) => string,
): { token: string } | { missing: string } {
  let name = field.trim();
  const braced = /^\$\{(\S+)\}$/.exec(name);
  if (braced) name = braced[1];
  if (name === '') return { missing: '(none)' };
  const value = lookup(name);
  if (value !== '') return { token: value };
  if (!braced && !ENV_NAME.test(name)) return { token: name };
  return { missing: ENV_NAME.test(name) && name.length <= 64 ? name : '(the one named in the config node)' };
}
