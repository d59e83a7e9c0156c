/**
 * `POST /api/v2/query` (OSS http/query_handler.go): Flux in, annotated CSV out (gzip when accepted).
 * Errors before any output are JSON with the Flux error's status; errors after output started are an
 * in-band error table and the status stays 200.
 */
import { ApiError } from '../errors';
import { encodeErrorTable, encodeResults } from '../flux/csv/encode';
import { runFlux } from '../flux/engine';
import { readTextBody } from '../http/body';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import type { Route } from '../http/router';
import { callerFluxContext } from './flux-context';
import { orgFromQuery } from './lookup';
import { decodeQueryRequest, QueryDecodeError, type QueryRequest } from './query-request';

const CSV_TYPE = 'text/csv; charset=utf-8';

async function query(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const { state } = ctx;
  const text = await readTextBody(ctx.req, state.options.maxBodyBytes);
  const { request, orgID } = decodeRequest(ctx, text);
  if (request.query === '') {
    throw new ApiError('not implemented', 'the emulator runs Flux source only; send "query", not "ast"');
  }
  const flux = callerFluxContext(state, caller, orgID, request.now ?? state.nowNs());
  const { results, error } = await runFlux(request.query, flux);
  const prefer = ctx.req.headers['prefer'];
  if (prefer === 'return-no-content') return reply.empty(204);
  if (prefer === 'return-no-content-with-error') {
    if (error) throw error;
    return reply.empty(204);
  }
  let body = encodeResults(results, request.dialect);
  if (error) {
    // With nothing written yet the error can still be a proper HTTP error.
    if (body === '') throw error;
    body += encodeErrorTable(error.message, request.dialect);
  }
  return { kind: 'text', status: 200, contentType: CSV_TYPE, body, gzip: true };
}

/** Every decoding failure, the org's included, is 400 `failed to decode request body: <reason>`. */
function decodeRequest(ctx: RequestContext, text: string): { request: QueryRequest; orgID: string } {
  try {
    const request = decodeQueryRequest(ctx.req.headers['content-type'], text);
    return { request, orgID: orgFromQuery(ctx.state.meta, ctx.query).id };
  } catch (err) {
    if (err instanceof QueryDecodeError || err instanceof ApiError) {
      throw new ApiError('invalid', `failed to decode request body: ${err.message}`);
    }
    throw err;
  }
}

export const queryRoutes: Route[] = [{ method: 'POST', path: '/api/v2/query', handler: query }];
