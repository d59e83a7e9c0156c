/** Reading request bodies: a byte cap that never buffers past it, and gunzip with a cap on its output. */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { ApiError } from '../errors';

/** The client went away before its body arrived; there is nobody left to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super('client closed the request before sending its body');
  }
}

export interface RawBody {
  data: Buffer;
  /** The body had more than `limit` bytes; `data` holds only the first ones and the rest was discarded. */
  overLimit: boolean;
}

/** Reads up to `limit` bytes (0 = no limit); the rest is drained so the connection stays usable. */
export function readRawBody(req: IncomingMessage, limit: number): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overLimit = false;
    req.on('data', (chunk: Buffer) => {
      if (overLimit) return;
      size += chunk.length;
      if (limit > 0 && size > limit) {
        overLimit = true;
        chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ data: Buffer.concat(chunks), overLimit }));
    req.on('error', () => reject(new ClientAbortedError()));
    req.on('aborted', () => reject(new ClientAbortedError()));
  });
}

/** Reads a JSON/text body of the metadata endpoints; a body this big is a mistake, not data. */
export async function readTextBody(req: IncomingMessage, limit: number): Promise<string> {
  const body = await readRawBody(req, limit);
  if (body.overLimit) throw new ApiError('request too large', 'request body is too large');
  return body.data.toString('utf8');
}

export function isGzipEncoding(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding === 'gzip' || encoding === 'x-gzip';
}

/** What Go's `gzip.NewReader` checks before reading data: ten header bytes, magic and deflate method. */
export function hasGzipHeader(data: Buffer): boolean {
  return data.length >= 10 && data[0] === 0x1f && data[1] === 0x8b && data[2] === 8;
}

export type GunzipFailure =
  | { kind: 'too large' }
  /** Go reports these as `gzip.ErrHeader` / `gzip.ErrChecksum` (400); anything else is a read error (500). */
  | { kind: 'header' | 'checksum' | 'other'; goMessage: string };

/** Decompresses; output over `limit` bytes (0 = no limit) fails fast instead of filling memory. */
export function gunzip(
  data: Buffer,
  limit: number,
): Promise<{ ok: true; data: Buffer } | { ok: false; failure: GunzipFailure }> {
  const options: zlib.ZlibOptions = { chunkSize: 256 * 1024 };
  if (limit > 0) options.maxOutputLength = limit;
  return new Promise((resolve) => {
    zlib.gunzip(data, options, (err, out) => {
      if (!err) return resolve({ ok: true, data: out });
      resolve({ ok: false, failure: classify(err) });
    });
  });
}

function classify(err: Error & { code?: string }): GunzipFailure {
  if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return { kind: 'too large' };
  const message = err.message;
  if (/header check|unknown compression method/.test(message))
    return { kind: 'header', goMessage: 'gzip: invalid header' };
  if (/data check|length check/.test(message)) return { kind: 'checksum', goMessage: 'gzip: invalid checksum' };
  if (/unexpected end/.test(message)) return { kind: 'other', goMessage: 'unexpected EOF' };
  return { kind: 'other', goMessage: 'flate: corrupt input' };
}
