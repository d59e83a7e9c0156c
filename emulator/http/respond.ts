/** The serialiser: writes a handler's Reply, or an error as OSS does (`{code, message}` + X-Platform-Error-Code). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { writeStream } from './stream';
import type { ApiError } from '../errors';
import type { Reply } from './context';
import { goJson } from './format';

const JSON_TYPE = 'application/json; charset=utf-8';
/** gziphandler.DefaultMinSize: smaller bodies go out uncompressed even when the client accepts gzip. */
export const GZIP_MIN_SIZE = 1400;

/** Resolves once the reply is written (at once, except for a stream). */
export async function writeReply(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
  switch (reply.kind) {
    case 'empty':
      res.writeHead(reply.status);
      res.end();
      return;
    case 'json': {
      const body = goJson(reply.body, reply.pretty);
      res.writeHead(reply.status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    case 'text':
      writeText(req, res, reply);
      return;
    case 'stream':
      await writeStream(req, res, reply);
      return;
  }
}

function writeText(req: IncomingMessage, res: ServerResponse, reply: Extract<Reply, { kind: 'text' }>): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.setHeader('Content-Type', reply.contentType);
  if (reply.gzip) res.setHeader('Vary', 'Accept-Encoding');
  if (reply.gzip && acceptsGzip(req.headers['accept-encoding']) && body.length >= GZIP_MIN_SIZE) {
    res.setHeader('Content-Encoding', 'gzip');
    res.writeHead(reply.status);
    res.end(zlib.gzipSync(body));
    return;
  }
  // No Content-Length: the body goes out chunked, as OSS streams query results.
  res.writeHead(reply.status);
  res.end(body);
}

/** `Accept-Encoding` lists gzip with a non-zero quality (gziphandler `acceptsGzip`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function writeError(res: ServerResponse, error: ApiError): void {
  const body = goJson({ code: error.code, message: error.message }, false);
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'X-Platform-Error-Code': error.code,
  });
  res.end(body);
}
