/**
 * The request pipeline, middleware by middleware: version headers → OPTIONS refused (no CORS) → fault
 * injection (off unless rules are set) → authentication (before routing, as in OSS, so an unknown
 * `/api/v2` path without a token is 401) → dispatch → handler → serialise; any thrown error ends in the
 * error middleware, and nothing escapes as a stack trace or a hung request.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Authenticator, needsToken } from '../auth/authenticate';
import { ApiError } from '../errors';
import type { EmulatorState } from '../state';
import { ClientAbortedError } from './body';
import type { RequestContext } from './context';
import { refuseCrossOrigin, refuseOptions } from './cors';
import { applyFault } from './faults';
import { INTERNAL_ERROR_MESSAGE } from './messages';
import { writeError, writeReply } from './respond';
import type { Router } from './router';

export function createRequestListener(state: EmulatorState, router: Router): RequestListener {
  const authenticator = new Authenticator(state.meta);
  return (req, res) => {
    void handle(state, router, authenticator, req, res);
  };
}

async function handle(
  state: EmulatorState,
  router: Router,
  authenticator: Authenticator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.setHeader('X-Influxdb-Build', 'OSS');
  res.setHeader('X-Influxdb-Version', state.options.version);
  const method = req.method ?? 'GET';
  const { path, query } = splitUrl(req.url ?? '/');
  try {
    if (refuseOptions(method, res) || refuseCrossOrigin(req, res)) return;
    const fault = state.faults.decide(method, path);
    if (fault && (await applyFault(fault, req, res))) return;
    const ctx: RequestContext = { state, req, method, path, query, params: {}, caller: undefined };
    if (needsToken(method, path)) ctx.caller = authenticator.authenticate(req.headers.authorization);
    const route = router.match(method, path);
    ctx.params = route.params;
    const reply = await route.handler(ctx);
    await writeReply(req, res, reply);
  } catch (err) {
    respondWithError(res, err, method, path);
  }
}

function respondWithError(res: ServerResponse, err: unknown, method: string, path: string): void {
  if (err instanceof ClientAbortedError) {
    res.destroy();
    return;
  }
  let error: ApiError;
  if (err instanceof ApiError) {
    error = err;
  } else {
    // Logged once, with the path only: query strings may carry credentials.
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`influxdb emulator: internal error on ${method} ${path}: ${detail}\n`);
    error = new ApiError('internal error', INTERNAL_ERROR_MESSAGE);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    writeError(res, error);
  } catch {
    res.destroy();
  }
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  if (q < 0) return { path: url, query: new URLSearchParams() };
  return { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}
