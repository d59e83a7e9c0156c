/** Request-body decoding shared by the kithttp-style handlers (orgs, buckets, users). */
import { ApiError } from '../errors';
import { readTextBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { decodeObject, GoJsonError, type JsonObject } from '../http/json';
import { parseId } from '../ids';

/**
 * kithttp `API.DecodeJSON`: a body Go cannot decode is 400 `failed to unmarshal json: <err>`; `read`
 * pulls typed fields out and may throw GoJsonError for a field of the wrong type.
 */
export async function decodeApiJson<T>(ctx: RequestContext, goType: string, read: (body: JsonObject) => T): Promise<T> {
  const text = await readTextBody(ctx.req, ctx.state.options.maxBodyBytes);
  try {
    return read(decodeObject(text, goType));
  } catch (err) {
    if (err instanceof GoJsonError) throw new ApiError('invalid', `failed to unmarshal json: ${err.message}`);
    throw err;
  }
}

/** A path parameter that must be an ID. */
export function idParam(ctx: RequestContext, name: string): string {
  return parseId(ctx.params[name] ?? '');
}

/** An optional ID query parameter (empty = absent). */
export function idQuery(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.query.get(name) ?? '';
  return value === '' ? undefined : parseId(value);
}
