/**
 * Errors of the write pipeline as values: a stable code the node can branch on and a message a user can
 * act on (what happened, and what to change), plus the HTTP status when the server answered.
 */
export type WriteErrorCode =
  /** A point or line given to `write()` cannot be written; the others still go. */
  | 'invalid-input'
  /** InfluxDB refused a line (400 `unable to parse ...`); it will never be written. */
  | 'rejected-line'
  /** InfluxDB wrote a batch but dropped some points (422, e.g. outside retention or field type conflict). */
  | 'partial-write'
  /** A single line is larger than the server accepts (413). */
  | 'too-large'
  /** The token is unknown or inactive (401). */
  | 'unauthorized'
  /** The token may not write to the bucket (403). */
  | 'forbidden'
  /** The org or bucket does not exist (404). */
  | 'not-found'
  /** The request is wrong for a reason other than the data (e.g. an invalid precision). */
  | 'bad-request'
  /** The server is overloaded or rate-limits (429). */
  | 'too-many-requests'
  /** The server failed (5xx). */
  | 'unavailable'
  /** No connection to the server (refused, reset, DNS, TLS). */
  | 'network'
  /** No answer within the request timeout. */
  | 'timeout'
  /** The oldest buffered lines were dropped because the buffer is full. */
  | 'buffer-full'
  /** The spool directory cannot be used; lines are kept in memory only. */
  | 'spool-io'
  /** Another pipeline already uses this spool directory. */
  | 'spool-locked'
  /** `write()` after `close()`. */
  | 'closed'
  /** The pipeline was created with options that cannot work. */
  | 'invalid-options';

export interface WriteError {
  code: WriteErrorCode;
  message: string;
  /** HTTP status of the server's answer, when there was one. */
  status?: number;
}

export function writeError(code: WriteErrorCode, message: string, status?: number): WriteError {
  return status === undefined ? { code, message } : { code, message, status };
}

/** Thrown (rarely: only by constructors that cannot return a value) with the WriteError inside. */
export class WritePipelineError extends Error {
  constructor(readonly error: WriteError) {
    super(error.message);
    this.name = 'WritePipelineError';
  }
  get code(): WriteErrorCode {
    return this.error.code;
  }
}
