/**
 * The fault-injection middleware: runs before authentication, so a faulted request is never executed
 * (a 429'd write writes nothing). It waits, then answers the rule's status with an InfluxDB-style error
 * body, destroys the socket, or lets the request through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorCode } from '../errors';
import type { FaultAction } from '../faults/injector';
import { goJson } from './format';

/** `true` when the fault answered the request (or dropped it) and nothing else may run. */
export async function applyFault(action: FaultAction, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (action.delayMs > 0) await sleep(action.delayMs);
  const outcome = action.outcome;
  if (!outcome) return false;
  if (outcome.kind === 'drop') {
    req.socket.destroy();
    return true;
  }
  const code = codeForStatus(outcome.status);
  const body = goJson({ code, message: `emulator fault injection: ${code} (HTTP ${outcome.status})` }, false);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Platform-Error-Code': code,
  };
  if (outcome.retryAfter !== undefined) headers['Retry-After'] = String(outcome.retryAfter);
  // The body is not read: let it drain so the keep-alive connection stays usable.
  req.resume();
  res.writeHead(outcome.status, headers);
  res.end(body);
  return true;
}

/** InfluxDB's error code for a status (kit/transport/http/error_handler.go, read backwards). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not found';
    case 405:
      return 'method not allowed';
    case 413:
      return 'request too large';
    case 422:
      return 'unprocessable entity';
    case 429:
      return 'too many requests';
    case 501:
      return 'not implemented';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return status < 500 ? 'invalid' : 'internal error';
  }
}
