/**
 * `POST /api/v2/query` (OSS http/query_handler.go): Flux in, annotated CSV out (gzip when accepted).
 * The main thread authenticates and decodes; the query controller evaluates (in a worker thread for a
 * file-backed emulator) and the CSV is streamed out in pieces as it is encoded, no faster than the
 * client reads. Errors before any output are
 * JSON with the Flux error's status; errors after output started are an in-band error table and the
 * status stays 200. A client that goes away cancels its query.
 */
import { ApiError } from '../errors';
import { encodeErrorTable } from '../flux/csv/encode';
import { readTextBody } from '../http/body';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import type { Route } from '../http/router';
import { CsvChannel } from '../query-pool/channel';
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
  const prefer = ctx.req.headers['prefer'];
  const wantsCsv = prefer !== 'return-no-content' && prefer !== 'return-no-content-with-error';
  const dialect = request.dialect;
  const cancel = new AbortController();
  // The socket, not the request: a request's 'close' only says its body was read.
  const socket = ctx.req.socket;
  const onGone = () => cancel.abort();
  socket.once('close', onGone);
  const channel = new CsvChannel(() => cancel.abort());
  const spec = { source: request.query, orgID, now: request.now ?? state.nowNs(), caller };
  const shape = wantsCsv ? { dialect } : { keepLateErrors: prefer === 'return-no-content-with-error' };
  state.queries
    .run({ ...spec, ...shape }, (chunk, taken) => channel.push(chunk, taken), cancel.signal)
    .then(
      (error) => {
        // Evaluation errors after output are in the CSV already; this is a worker lost mid-answer.
        if (error && channel.started) channel.push(encodeErrorTable(error.message, dialect));
        if (error && !channel.started) channel.fail(error);
        else channel.end();
      },
      (err: unknown) => channel.fail(err),
    )
    .finally(() => socket.off('close', onGone));
  if (!wantsCsv) {
    // Errors before the first result are HTTP errors either way; later ones only with `-with-error`.
    await channel.first();
    return reply.empty(204);
  }
  if (!(await channel.first())) return { kind: 'text', status: 200, contentType: CSV_TYPE, body: '', gzip: true };
  return { kind: 'stream', status: 200, contentType: CSV_TYPE, body: channel, gzip: true };
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
