/**
 * A real HTTP peer that answers `/api/v2/write` the way a test scripts it — 429 with Retry-After, 503,
 * 400 naming lines, a reply that never comes — to drive the write pipeline through what a healthy
 * emulator never does. It records every request (gunzipped) and how many were in flight at once.
 */
import type { Clock, WritePipelineConfig } from '../../lib/write/options';
import { WritePipeline } from '../../lib/write/pipeline';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedWrite {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The body as sent, after gunzip when it was gzipped. */
  lines: string[];
  gzipped: boolean;
}

export type ScriptedReply =
  | { status: number; message?: string; code?: string; headers?: Record<string, string>; delayMs?: number }
  /** Never answer (until the server closes). */
  | { hang: true }
  /** Cut the connection without an answer. */
  | { reset: true };

export type Script = (request: ReceivedWrite, index: number) => ScriptedReply;

export interface ScriptedInflux {
  url: string;
  port: number;
  received: ReceivedWrite[];
  /** Most requests that were open at the same time. */
  maxConcurrent: number;
  script: Script;
  close(): Promise<void>;
}

export const ok: ScriptedReply = { status: 204 };

/** OSS's all-or-nothing 400: names each line containing `marker`, else 204. */
export function rejectLinesContaining(marker: string): Script {
  return (req) => {
    const bad = req.lines.filter((l) => l.includes(marker));
    if (bad.length === 0) return ok;
    return {
      status: 400,
      code: 'invalid',
      message: bad.map((l) => `unable to parse '${l}': invalid field format`).join('\n'),
    };
  };
}

export async function startScriptedInflux(script: Script = () => ok, port = 0): Promise<ScriptedInflux> {
  let open = 0;
  const delayed = new Set<NodeJS.Timeout>();
  const state: ScriptedInflux = {
    url: '',
    port: 0,
    received: [],
    maxConcurrent: 0,
    script,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    open++;
    state.maxConcurrent = Math.max(state.maxConcurrent, open);
    res.on('close', () => open--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const gzipped = req.headers['content-encoding'] === 'gzip';
      const body = (gzipped ? gunzipSync(raw) : raw).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const received: ReceivedWrite = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        lines: body === '' ? [] : body.split('\n'),
        gzipped,
      };
      state.received.push(received);
      const reply = state.script(received, state.received.length - 1);
      if ('hang' in reply) return;
      if ('reset' in reply) {
        req.socket.destroy();
        return;
      }
      const answer = (): void => {
        if (reply.status === 204) {
          res.writeHead(204, reply.headers);
          res.end();
          return;
        }
        const json = JSON.stringify({ code: reply.code ?? 'internal error', message: reply.message ?? '' });
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(json);
      };
      if (!reply.delayMs) return answer();
      const timer = setTimeout(() => {
        delayed.delete(timer);
        answer();
      }, reply.delayMs);
      delayed.add(timer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

/** A port on which nothing listens (connection refused). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until `check` holds; fails with `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Real timers, except that waits of a second or more pass in a millisecond: retries without the wait. */
export const hurriedClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms >= 1000 ? 1 : ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Points `m v=i i` for i in from..to, as objects and as the lines they become. */
export const points = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ measurement: 'm', fields: { v: from + i }, timestamp: from + i }));
export const linesOf = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `m v=${from + i} ${from + i}`);

/** Real timers that remember which are still pending (`live`), to prove nothing is left running. */
export function trackingClock(): { clock: Clock; live: Set<unknown> } {
  const live = new Set<unknown>();
  const clock: Clock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      const handle: NodeJS.Timeout = setTimeout(() => {
        live.delete(handle);
        fn();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      live.delete(handle);
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
  return { clock, live };
}

/** A pipeline against a scripted server with the tests' defaults: a hurried clock, no jitter, flush after 10 ms. */
export function scriptedPipeline(url: string, extra: Partial<WritePipelineConfig> = {}): WritePipeline {
  return new WritePipeline({
    url,
    token: 't',
    org: 'o',
    bucket: 'b',
    flushInterval: 10,
    clock: hurriedClock,
    random: () => 0,
    ...extra,
  });
}
