/**
 * Errors of the connection layer as values with a code, and one wording for what went wrong talking to
 * InfluxDB (HTTP status, refused connection, timeout, TLS) that the nodes show in status and `done(err)`.
 */
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';

export type ConnectionErrorCode =
  /** The config node lacks something (url, org, bucket, token) or has a value that cannot work. */
  | 'misconfigured'
  /** The connection was closed (redeploy); a node still using it is being replaced. */
  | 'closed'
  /** InfluxDB answered with an HTTP error. */
  | 'http'
  /** No connection (refused, DNS, TLS, reset). */
  | 'network'
  /** No answer within the request timeout. */
  | 'timeout';

export class ConnectionError extends Error {
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EAI_AGAIN: 'DNS lookup failed',
};

/**
 * A ConnectionError that says what happened and what to change. `doing` names the request
 * (e.g. `list authorizations`); `url` is the server's address.
 */
export function describeInfluxError(e: unknown, url: string, doing: string): ConnectionError {
  if (e instanceof ConnectionError) return e;
  if (e instanceof HttpError) {
    const said = serverMessage(e);
    const status = e.statusCode;
    const hint =
      status === 401
        ? '; check the token of the InfluxDB config node'
        : status === 403
          ? '; the token lacks the permission for this'
          : '';
    return new ConnectionError('http', `InfluxDB at ${url} refused to ${doing} (${status} ${said})${hint}`, status);
  }
  if (e instanceof RequestTimedOutError) {
    return new ConnectionError('timeout', `InfluxDB at ${url} did not answer within the request timeout (${doing})`);
  }
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code && TLS_CODES.has(code)) {
    return new ConnectionError(
      'network',
      `TLS: the certificate of ${url} is not trusted (${code}); give the CA file, or untick "verify the server certificate"`,
    );
  }
  if (code || err instanceof Error) {
    const what = (code && NETWORK_WORDS[code]) ?? code ?? err.message;
    return new ConnectionError('network', `cannot reach InfluxDB at ${url} to ${doing}: ${what}`);
  }
  return new ConnectionError('network', `cannot reach InfluxDB at ${url} to ${doing}: ${String(e)}`);
}

/** The `message` of InfluxDB's JSON error body, else the body text, else the status text. */
function serverMessage(e: HttpError): string {
  const json: unknown = e.json;
  if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message;
  }
  return (e.body || e.statusMessage || e.message || '').trim();
}
