/**
 * A query that InfluxDB refused or could not run, as one error a user can act on: InfluxDB's own message,
 * the HTTP status, and what to check when the server was not reached at all.
 */
import { HttpError, RequestTimedOutError } from '@influxdata/influxdb-client';
import { clip } from '../describe-value';
import { FluxResultError, QueryParameterError } from './errors';

/** InfluxDB quotes the query in some messages: a huge query would make a huge error. */
const MAX_SERVER_MESSAGE = 1000;

export class QueryFailedError extends Error {
  readonly code = 'query_failed';
  constructor(
    message: string,
    /** The HTTP status InfluxDB answered with; absent when it was not reached. */
    readonly statusCode?: number,
    /** InfluxDB's error code (`invalid`, `not found`, `unauthorized`...), when it gave one. */
    readonly influxCode?: string,
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}

/**
 * The error to report for a failed query. Parameter and in-band Flux errors already say what to fix and
 * are returned as they are; HTTP and network errors get InfluxDB's message and the status.
 */
export function queryFailure(error: unknown): Error {
  if (error instanceof QueryParameterError || error instanceof FluxResultError || error instanceof QueryFailedError)
    return error;
  if (error instanceof HttpError) {
    const body: unknown = error.json;
    const message =
      typeof body === 'object' &&
      body !== null &&
      'message' in body &&
      typeof body.message === 'string' &&
      body.message !== ''
        ? body.message
        : error.body || error.statusMessage || error.message;
    return new QueryFailedError(
      `InfluxDB refused the query (HTTP ${error.statusCode}${error.code ? ` ${error.code}` : ''}): ${clip(message, MAX_SERVER_MESSAGE)}`,
      error.statusCode,
      error.code,
    );
  }
  if (error instanceof RequestTimedOutError) {
    return new QueryFailedError(
      'the query timed out: narrow the range, downsample, or raise the timeout of the InfluxDB config node',
    );
  }
  const cause = error instanceof Error ? error : new Error(String(error));
  const code = (cause as NodeJS.ErrnoException).code;
  return new QueryFailedError(
    `cannot query InfluxDB: ${cause.message}${code && !cause.message.includes(code) ? ` (${code})` : ''}`,
  );
}
