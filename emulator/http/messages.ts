/** What OSS `HandleHTTPError` says for an error it does not know (kit/transport/http/error_handler.go). */
export const INTERNAL_ERROR_MESSAGE = 'An internal error has occurred - check server logs';
