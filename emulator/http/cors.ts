/**
 * No cross-origin access. The emulator is a local development server that accepts onboarding without
 * a token, so a web page in the user's browser must not be able to reach it. It therefore never sends
 * `Access-Control-Allow-*` headers (so browsers block cross-origin reads) and refuses every `OPTIONS`
 * request, CORS preflights included, with the empty 405 that InfluxDB 2.7 gives an `OPTIONS` it does
 * not allow (kit/transport/http/middleware.go `SkipOptions`). Deliberately stricter than 2.7, whose
 * `SetCORS` reflects any `Origin` and approves every preflight with 204.
 */
import type { ServerResponse } from 'node:http';

/** `true` when the request was refused here. */
export function refuseOptions(method: string, res: ServerResponse): boolean {
  if (method !== 'OPTIONS') return false;
  res.writeHead(405, { 'Content-Length': 0 });
  res.end();
  return true;
}
