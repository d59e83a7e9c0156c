/** What a handler gets for one request, and what it returns for the serialiser to write. */
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../auth/caller';
import { errors } from '../errors';
import type { EmulatorState } from '../state';

export interface RequestContext {
  readonly state: EmulatorState;
  readonly req: IncomingMessage;
  readonly method: string;
  /** Path without the query string, percent-encoding kept (params are decoded). */
  readonly path: string;
  readonly query: URLSearchParams;
  params: Record<string, string>;
  /** Set by the auth middleware for every route that needs a token. */
  caller: Caller | undefined;
}

export type Reply =
  /** `application/json; charset=utf-8`; `pretty` = the tab-indented form of the kithttp API handlers. */
  | { kind: 'json'; status: number; body: unknown; pretty: boolean }
  | { kind: 'empty'; status: number }
  /** `gzip`: compress when the client accepts it (OSS wraps only the query handler in gziphandler). */
  | { kind: 'text'; status: number; contentType: string; body: string; gzip: boolean }
  /** Like `text`, written as the chunks arrive; a reader that stops early ends the iteration (return()). */
  | { kind: 'stream'; status: number; contentType: string; body: AsyncIterable<string | Uint8Array>; gzip: boolean };

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export const reply = {
  json: (status: number, body: unknown): Reply => ({ kind: 'json', status, body, pretty: false }),
  pretty: (status: number, body: unknown): Reply => ({ kind: 'json', status, body, pretty: true }),
  empty: (status = 204): Reply => ({ kind: 'empty', status }),
};

/** The authenticated caller; handlers of token-protected routes call this. */
export function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw errors.unauthorized();
  return ctx.caller;
}
