/**
 * Writes a streamed reply as OSS writes query results: chunked, and gzipped when the client accepts
 * it and the body reaches gziphandler's minimum size (it holds back the first bytes to decide, as
 * gziphandler does). Honours backpressure; a client that goes away ends the source's iteration.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Reply } from './context';
import { acceptsGzip, GZIP_MIN_SIZE } from './respond';

export async function writeStream(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Extract<Reply, { kind: 'stream' }>,
): Promise<void> {
  const source = reply.body[Symbol.asyncIterator]();
  const head: (string | Uint8Array)[] = [];
  let headBytes = 0;
  let exhausted = false;
  const gzip = reply.gzip && acceptsGzip(req.headers['accept-encoding']);
  res.setHeader('Content-Type', reply.contentType);
  if (reply.gzip) res.setHeader('Vary', 'Accept-Encoding');
  while (gzip && headBytes < GZIP_MIN_SIZE) {
    const next = await source.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head.push(next.value);
    headBytes += Buffer.byteLength(next.value);
  }
  async function* body(): AsyncGenerator<string | Uint8Array> {
    yield* head;
    if (exhausted) return;
    try {
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Ended early (the client went away): tell the source.
      await source.return?.();
    }
  }
  const compress = gzip && headBytes >= GZIP_MIN_SIZE;
  if (compress) res.setHeader('Content-Encoding', 'gzip');
  res.writeHead(reply.status);
  const input = Readable.from(body(), { objectMode: false });
  try {
    if (compress) await pipeline(input, zlib.createGzip(), res);
    else await pipeline(input, res);
  } catch (err) {
    // A client that left mid-answer is not an error of the emulator.
    if (res.destroyed || req.socket.destroyed) return;
    throw err;
  }
}
