/**
 * "Test connection" of the config node's editor: is the server healthy, and can the token see the
 * organization and the bucket? Each check says what is wrong in words a user can act on; the token is
 * never part of the result.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import { BucketsAPI, OrgsAPI } from '@influxdata/influxdb-client-apis';
import { ConnectionError, describeInfluxError } from './errors';
import { checkHealth } from './health';
import { type InfluxSettings, toClientOptions } from './settings';

export interface ConnectionCheck {
  name: 'settings' | 'health' | 'org' | 'bucket';
  ok: boolean;
  message: string;
}

export interface ConnectionCheckResult {
  ok: boolean;
  checks: ConnectionCheck[];
}

export async function checkConnection(settings: InfluxSettings): Promise<ConnectionCheckResult> {
  const checks: ConnectionCheck[] = [];
  const result = (): ConnectionCheckResult => ({ ok: checks.every((c) => c.ok), checks });
  let influxDB: InfluxDB;
  let url: string;
  try {
    const options = toClientOptions(settings);
    url = options.url;
    influxDB = new InfluxDB(options);
  } catch (e) {
    checks.push({ name: 'settings', ok: false, message: e instanceof Error ? e.message : String(e) });
    return result();
  }

  const health = await checkHealth(influxDB.transport, url);
  const version = health.version ? ` (${health.version})` : '';
  checks.push({
    name: 'health',
    ok: health.status === 'pass',
    message: health.status === 'pass' ? `${url} is healthy${version}` : (health.message ?? `${url} is not healthy`),
  });
  if (health.status !== 'pass') return result();

  const org = settings.org.trim();
  let orgID: string | undefined;
  try {
    const found = await new OrgsAPI(influxDB).getOrgs({ org });
    orgID = found.orgs?.find((o) => o.name === org)?.id;
    checks.push(
      orgID
        ? { name: 'org', ok: true, message: `organization "${org}" found` }
        : { name: 'org', ok: false, message: notFound('organization', org) },
    );
  } catch (e) {
    checks.push({ name: 'org', ok: false, message: lookupFailed(e, url, 'organization', org) });
  }
  if (!orgID) return result();

  const bucket = settings.bucket.trim();
  try {
    const found = await new BucketsAPI(influxDB).getBuckets({ orgID, name: bucket });
    const ok = (found.buckets ?? []).some((b) => b.name === bucket);
    checks.push(
      ok
        ? { name: 'bucket', ok: true, message: `bucket "${bucket}" found` }
        : { name: 'bucket', ok: false, message: notFound('bucket', bucket) },
    );
  } catch (e) {
    checks.push({ name: 'bucket', ok: false, message: lookupFailed(e, url, 'bucket', bucket) });
  }
  return result();
}

function notFound(kind: string, name: string): string {
  return `${kind} "${name}" not found, or the token may not read it`;
}

/** OSS answers 404 for an org or bucket the token cannot see; that is "not found" to the user. */
function lookupFailed(e: unknown, url: string, kind: string, name: string): string {
  const error = describeInfluxError(e, url, `look up ${kind} "${name}"`);
  if (error instanceof ConnectionError && error.status === 404) return notFound(kind, name);
  return error.message;
}
