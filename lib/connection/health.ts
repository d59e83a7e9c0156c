/**
 * Is the server there? GET /health (OSS, Cloud), or /ping where /health is not served (some proxies,
 * InfluxDB 1.8 with the 2.x compatibility API).
 */
import { HttpError, type Transport } from '@influxdata/influxdb-client';
import { describeInfluxError } from './errors';

export type HealthStatus = 'unknown' | 'pass' | 'fail';

export interface Health {
  status: HealthStatus;
  /** The server's words when it passes (e.g. `ready for queries and writes`), or why it fails. */
  message?: string;
  /** Server version, when it says. */
  version?: string;
}

export async function checkHealth(transport: Transport, url: string): Promise<Health> {
  try {
    const body: unknown = await getOnce(transport, '/health');
    return fromHealthBody(body);
  } catch (e) {
    // 503 with a body is the server saying it is not ready: its own words are the best message.
    if (e instanceof HttpError && e.statusCode === 503 && isRecord(e.json)) return fromHealthBody(e.json);
    if (!(e instanceof HttpError && e.statusCode === 404)) {
      return { status: 'fail', message: describeInfluxError(e, url, 'check its health').message };
    }
  }
  try {
    await getOnce(transport, '/ping');
    return { status: 'pass', message: 'ping answered' };
  } catch (e) {
    return { status: 'fail', message: describeInfluxError(e, url, 'answer a ping').message };
  }
}

/** A reset on a kept-alive socket says the old server went away, not how the server is now: ask again once. */
async function getOnce(transport: Transport, path: string): Promise<unknown> {
  try {
    return await transport.request(path, null, { method: 'GET' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'ECONNRESET') throw e;
    return transport.request(path, null, { method: 'GET' });
  }
}

function fromHealthBody(body: unknown): Health {
  if (!isRecord(body)) return { status: 'pass' };
  const health: Health = { status: body.status === 'fail' ? 'fail' : 'pass' };
  if (typeof body.message === 'string') health.message = body.message;
  if (typeof body.version === 'string') health.version = body.version;
  return health;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
