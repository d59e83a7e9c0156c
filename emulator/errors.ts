/**
 * One error type for the whole emulator, shaped like InfluxDB's platform error: a code from the fixed
 * set below and a message a user can act on. The HTTP layer maps the code to a status (OSS
 * kit/transport/http/error_handler.go) and writes `{code, message}` with `X-Platform-Error-Code`.
 */
export type ErrorCode =
  | 'internal error'
  | 'not implemented'
  | 'invalid'
  | 'unprocessable entity'
  | 'empty value'
  | 'conflict'
  | 'not found'
  | 'unavailable'
  | 'forbidden'
  | 'too many requests'
  | 'unauthorized'
  | 'method not allowed'
  | 'request too large';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'internal error': 500,
  'not implemented': 501,
  invalid: 400,
  'unprocessable entity': 422,
  'empty value': 400,
  conflict: 422,
  'not found': 404,
  unavailable: 503,
  forbidden: 403,
  'too many requests': 429,
  unauthorized: 401,
  'method not allowed': 405,
  'request too large': 413,
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. `Allow` for 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export const errors = {
  invalid: (message: string) => new ApiError('invalid', message),
  notFound: (message: string) => new ApiError('not found', message),
  conflict: (message: string) => new ApiError('conflict', message),
  unprocessable: (message: string) => new ApiError('unprocessable entity', message),
  forbidden: (message: string) => new ApiError('forbidden', message),
  unauthorized: (message = 'unauthorized access') => new ApiError('unauthorized', message),
  tooLarge: (message: string) => new ApiError('request too large', message),
  internal: (message: string) => new ApiError('internal error', message),
  methodNotAllowed: (allowed: string[]) =>
    new ApiError('method not allowed', `allow: ${allowed.join(', ')}`, { Allow: allowed.join(', ') }),
};

export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}
