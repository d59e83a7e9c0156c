/**
 * One write request: POST /api/v2/write through the transport of @influxdata/influxdb-client (TLS,
 * proxies, timeouts and gzip as the client does them), and what its outcome means for the lines.
 * The sender never retries by itself; the pipeline decides when to send again.
 */
import { AbortError, HttpError, InfluxDB, RequestTimedOutError } from '@influxdata/influxdb-client';
import type { HttpHeaders, Transport } from '@influxdata/influxdb-client';
import type { WriteError, WriteErrorCode } from './errors';
import { writeError } from './errors';
import type { LineRejection } from './rejections';
import { cloudWrittenCount, droppedCount, findRejectedLines, mentionsUnparsableLines } from './rejections';
import { parseRetryAfter } from './retry';
import type { Precision } from './timestamp';

export interface SenderOptions {
  org: string;
  bucket: string;
  precision: Precision;
  /** Gzip bodies longer than this many bytes. Default 1000 (as the client). */
  gzipThreshold?: number;
  /** A transport to share (e.g. `influxDB.transport` of the config node); else one is made from the fields below. */
  transport?: Transport;
  url?: string;
  token?: string;
  /** Request timeout in ms. Default 10000. */
  timeout?: number;
  /** Passed to Node's http(s).request, e.g. `{rejectUnauthorized: false}` or a `ca`. */
  transportOptions?: Record<string, unknown>;
  /** Clock for HTTP-date `Retry-After` values. Default Date.now. */
  now?: () => number;
}

export type SendResult =
  /** Every line was written. */
  | { kind: 'ok' }
  /** Nothing was written, for a passing reason (429, 5xx, network, timeout): send the same lines again later. */
  | { kind: 'retry'; error: WriteError; retryAfter?: number }
  /** Nothing was written, and it is not the data's fault (token, permission, bucket, request): keep the lines. */
  | { kind: 'blocked'; error: WriteError }
  /**
   * 400: the server could not parse some lines. `rejected` names those it could attribute (maybe none).
   * `othersWritten` is true when the server wrote the rest (Cloud), false when it wrote nothing (OSS).
   */
  | { kind: 'rejected'; error: WriteError; rejected: LineRejection[]; othersWritten: boolean }
  /** 422: the batch was written except `dropped` points the server would not keep (retention, field type). */
  | { kind: 'partial'; error: WriteError; dropped: number }
  /** 413: the request is too large; send fewer lines at a time. */
  | { kind: 'too-large'; error: WriteError };

export class Sender {
  private readonly transport: Transport;
  private readonly path: string;
  private readonly gzipThreshold: number;
  private readonly now: () => number;
  private readonly where: string;

  constructor(private readonly options: SenderOptions) {
    if (options.transport) {
      this.transport = options.transport;
    } else {
      if (!options.url) throw new Error('Sender needs a url or a transport');
      this.transport = new InfluxDB({
        url: options.url,
        token: options.token,
        timeout: options.timeout ?? 10_000,
        transportOptions: options.transportOptions,
      }).transport;
    }
    const q = new URLSearchParams({ org: options.org, bucket: options.bucket, precision: options.precision });
    this.path = `/api/v2/write?${q.toString()}`;
    this.gzipThreshold = options.gzipThreshold ?? 1000;
    this.now = options.now ?? Date.now;
    this.where = options.url ? ` at ${options.url}` : '';
  }

  /** Sends the lines as one request; resolves (never rejects) with what happened. */
  send(lines: readonly string[], signal?: AbortSignal): Promise<SendResult> {
    // Our own controller also frees the socket of a timed-out request, which the transport leaves open.
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    signal?.addEventListener('abort', abort);
    return new Promise<SendResult>((resolve) => {
      let status: number | undefined;
      const finish = (result: SendResult): void => {
        signal?.removeEventListener('abort', abort);
        if (result.kind !== 'ok') controller.abort();
        resolve(result);
      };
      this.transport.send(
        this.path,
        lines.join('\n'),
        {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          gzipThreshold: this.gzipThreshold,
          signal: controller.signal,
        },
        {
          responseStarted: (_headers: HttpHeaders, statusCode?: number) => {
            status = statusCode;
          },
          next: () => undefined,
          error: (e: Error) => finish(this.classify(e, lines)),
          complete: () =>
            finish(status === undefined || (status >= 200 && status < 300) ? { kind: 'ok' } : this.unexpected(status)),
        },
      );
    });
  }

  private unexpected(status: number): SendResult {
    return {
      kind: 'retry',
      error: writeError('unavailable', `unexpected HTTP ${status} from InfluxDB${this.where}`, status),
    };
  }

  /** What a failed request means for the lines. */
  private classify(e: Error, lines: readonly string[]): SendResult {
    if (e instanceof HttpError) return this.classifyHttp(e, lines);
    if (e instanceof RequestTimedOutError) {
      return {
        kind: 'retry',
        error: writeError('timeout', `InfluxDB${this.where} did not answer within the request timeout`),
      };
    }
    if (e instanceof AbortError || e.name === 'AbortError') {
      return { kind: 'retry', error: writeError('network', `the write request to InfluxDB${this.where} was aborted`) };
    }
    const code = (e as NodeJS.ErrnoException).code;
    return {
      kind: 'retry',
      error: writeError('network', `cannot reach InfluxDB${this.where}: ${code ? `${code} ` : ''}${e.message}`.trim()),
    };
  }

  private classifyHttp(e: HttpError, lines: readonly string[]): SendResult {
    const status = e.statusCode;
    const said = serverMessage(e);
    const { org, bucket } = this.options;
    const retryAfter = parseRetryAfter(e.headers?.['retry-after'], this.now());
    const retry = (code: 'too-many-requests' | 'unavailable' | 'timeout', message: string): SendResult =>
      retryAfter === undefined
        ? { kind: 'retry', error: writeError(code, message, status) }
        : { kind: 'retry', error: writeError(code, message, status), retryAfter };

    if (status === 400 && mentionsUnparsableLines(said)) {
      const rejected = findRejectedLines(said, lines);
      return {
        kind: 'rejected',
        rejected,
        othersWritten: cloudWrittenCount(said) !== undefined,
        error: writeError(
          'rejected-line',
          `InfluxDB rejected ${rejected.length || 'a'} line(s): ${firstLine(said)}`,
          status,
        ),
      };
    }
    const block = (code: WriteErrorCode, message: string): SendResult => ({
      kind: 'blocked',
      error: writeError(code, message, status),
    });
    switch (status) {
      case 400:
        return block(
          'bad-request',
          `InfluxDB refused the write request (400 ${said}); check org, bucket and precision`,
        );
      case 401:
        return block(
          'unauthorized',
          `InfluxDB refused the token (401 ${said}); check the token of the InfluxDB config node`,
        );
      case 403:
        return block('forbidden', `the token may not write to bucket "${bucket}" (403 ${said}); let it write there`);
      case 404:
        return block('not-found', `${said} (404); create bucket "${bucket}" in org "${org}" or fix the names`);
      case 408:
        return retry('timeout', `InfluxDB timed out the request (408 ${said})`);
      case 413:
        return {
          kind: 'too-large',
          error: writeError('too-large', `InfluxDB refused a request this large (413 ${said})`, status),
        };
      case 422:
        return {
          kind: 'partial',
          dropped: droppedCount(said) ?? 0,
          error: writeError('partial-write', `InfluxDB did not keep some points (422 ${said})`, status),
        };
      case 429:
        return retry('too-many-requests', `InfluxDB asks to slow down (429 ${said})`);
    }
    if (status >= 500) return retry('unavailable', `InfluxDB failed (${status} ${said})`);
    if (status === 499) return retry('timeout', `InfluxDB cancelled the request (499 ${said})`);
    return block('bad-request', `InfluxDB refused the write request (${status} ${said})`);
  }
}

/** The `message` of InfluxDB's JSON error body, else the body text, else the status text. */
function serverMessage(e: HttpError): string {
  const json: unknown = e.json;
  if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message;
  }
  return (e.body || e.statusMessage || '').trim();
}

function firstLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
