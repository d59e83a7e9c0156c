/** List paging of OSS (`influxdb.DecodeFindOptions`, paging.go `NewPagingLinks`). */
import { ApiError } from '../errors';
import { goQueryEncode } from '../http/format';
import { parseId } from '../ids';

export interface FindOptions {
  offset: number;
  limit: number;
  descending: boolean;
  after?: string;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export function decodeFindOptions(query: URLSearchParams): FindOptions {
  const opts: FindOptions = { offset: 0, limit: DEFAULT_PAGE_SIZE, descending: false };
  const offset = query.get('offset') ?? '';
  if (offset !== '') {
    if (!/^[+-]?\d+$/.test(offset)) throw new ApiError('invalid', 'offset is invalid');
    opts.offset = Number(offset);
  }
  const after = query.get('after') ?? '';
  if (after !== '') {
    try {
      opts.after = parseId(after);
    } catch (err) {
      throw new ApiError('invalid', `decoding after: ${(err as Error).message}`);
    }
  }
  const limit = query.get('limit') ?? '';
  if (limit !== '') {
    if (!/^[+-]?\d+$/.test(limit)) throw new ApiError('invalid', 'limit is invalid');
    const l = Number(limit);
    if (l < 1 || l > MAX_PAGE_SIZE) throw new ApiError('invalid', `limit must be between 1 and ${MAX_PAGE_SIZE}`);
    opts.limit = l;
  }
  const descending = query.get('descending') ?? '';
  if (descending !== '') {
    const parsed = parseGoBool(descending);
    if (parsed === undefined) throw new ApiError('invalid', 'descending is invalid');
    opts.descending = parsed;
  }
  return opts;
}

/** Go `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** Applies `after`, order, offset and limit to items listed in creation (= ID) order. */
export function page<T extends { id: string }>(items: T[], opts: FindOptions): T[] {
  let out = opts.after === undefined ? items : items.filter((i) => i.id > (opts.after as string));
  if (opts.descending) out = [...out].reverse();
  return out.slice(Math.max(0, opts.offset), Math.max(0, opts.offset) + opts.limit);
}

export interface PagingLinks {
  prev?: string;
  self: string;
  next?: string;
}

/** `self` always; `next` when the page is full; `prev` when not on the first page. */
export function pagingLinks(
  basePath: string,
  filter: Record<string, string>,
  opts: FindOptions,
  count: number,
): PagingLinks {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter)) if (v !== '') values[k] = v;
  values['descending'] = String(opts.descending);
  values['limit'] = String(opts.limit);
  values['offset'] = String(opts.offset);
  if (opts.after !== undefined) values['after'] = opts.after;
  const links: PagingLinks = { self: `${basePath}?${goQueryEncode(values)}` };
  if (count >= opts.limit) {
    links.next = `${basePath}?${goQueryEncode({ ...values, offset: String(opts.offset + opts.limit) })}`;
  }
  if (opts.offset > 0) {
    links.prev = `${basePath}?${goQueryEncode({ ...values, offset: String(Math.max(0, opts.offset - opts.limit)) })}`;
  }
  return { ...(links.prev ? { prev: links.prev } : {}), self: links.self, ...(links.next ? { next: links.next } : {}) };
}

/** Go compares strings byte by byte (UTF-8); UTF-16 code-unit order differs above U+FFFF, so compare bytes. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
