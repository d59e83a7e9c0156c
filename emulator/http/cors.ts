/**
 * No cross-origin access. The emulator is a local development server that accepts onboarding without
 * a token, so a web page in the user's browser must not be able to reach it. It therefore never sends
 * `Access-Control-Allow-*` headers (so browsers block cross-origin reads) and refuses every `OPTIONS`
 * request, CORS preflights included, with the empty 405 that InfluxDB 2.7 gives an `OPTIONS` it does
 * not allow (kit/transport/http/middleware.go `SkipOptions`). Deliberately stricter than 2.7, whose
 * `SetCORS` reflects any `Origin` and approves every preflight with 204.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isCrossOrigin } from '../../lib/http-guard/request-policy';
import { goJson } from './format';

/** `true` when the request was refused here. */
export function refuseOptions(method: string, res: ServerResponse): boolean {
  if (method !== 'OPTIONS') return false;
  res.writeHead(405, { 'Content-Length': 0 });
  res.end();
  return true;
}

/**
 * `true` when a page of another origin asked to change something without a token, and was refused here.
 * Such a page cannot read answers (no CORS headers), but a form post still reaches the server, and
 * onboarding a fresh emulator needs no token. A request with a token is judged by the token; clients that
 * are not browsers send no `Origin`/`Sec-Fetch-Site` and pass.
 */
export function refuseCrossOrigin(req: IncomingMessage, res: ServerResponse): boolean {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || req.headers.authorization !== undefined) return false;
  const host = req.headers.host;
  if (host === undefined || !isCrossOrigin(req.headers, host)) return false;
  const body = goJson({ code: 'forbidden', message: 'cross-origin requests without a token are not allowed' }, false);
  req.resume();
  res.writeHead(403, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Platform-Error-Code': 'forbidden',
  });
  res.end(body);
  return true;
}
