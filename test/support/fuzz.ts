/**
 * Shared pieces of the HTTP fuzz tests: the seed (fixed, overridable with FUZZ_SEED to replay a
 * failure), requests that can never hang a test (each has a deadline), a small pool that keeps a
 * few requests in flight, and the check that an error body has InfluxDB's `{code, message}` shape.
 */
import assert from 'node:assert/strict';
import http from 'node:http';

/** Every fuzz test draws its cases from this seed; set FUZZ_SEED=<n> to replay another run. */
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20250917);

/** A request that takes longer than this counts as a hang. */
export const REQUEST_DEADLINE_MS = 10_000;

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface FuzzRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Keep-alive sockets, so that thousands of requests do not each open a connection. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One request with a deadline: rejects with `hang` when the emulator does not answer in time. */
export function send(url: string, init: FuzzRequest = {}, deadlineMs = REQUEST_DEADLINE_MS): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`hang: no answer from ${url} within ${deadlineMs} ms`));
    }, deadlineMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(init.body);
  });
}

/** Runs `task` over every item with at most `concurrency` in flight; the first failure wins. */
export async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Asserts an InfluxDB error answer: JSON `{code, message}` with both strings and the code in the header set. */
export function assertErrorShape(res: FuzzResponse, what: string): { code: string; message: string } {
  assert.match(res.contentType, /^application\/json/, `${what}: error content type`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    assert.fail(`${what}: error body is not JSON: ${preview(res.body)}`);
  }
  assert.ok(typeof parsed === 'object' && parsed !== null, `${what}: error body is not an object`);
  const { code, message } = parsed as { code?: unknown; message?: unknown };
  assert.equal(typeof code, 'string', `${what}: error code`);
  assert.equal(typeof message, 'string', `${what}: error message`);
  return { code: code as string, message: message as string };
}

/** What a failure message shows of a generated input: the seed to replay it, and its first bytes. */
export function replayHint(index: number, input: string | Buffer): string {
  return `FUZZ_SEED=${FUZZ_SEED} case #${index}: ${preview(input)}`;
}

function preview(input: string | Buffer): string {
  const text = JSON.stringify(typeof input === 'string' ? input : input.toString('latin1'));
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

/** The emulator still serves: `/health` answers 200 `pass`. */
export async function assertHealthy(baseUrl: string): Promise<void> {
  const res = await send(`${baseUrl}/health`, { method: 'GET' });
  assert.equal(res.status, 200, `health: ${res.body}`);
  assert.equal((JSON.parse(res.body) as { status?: string }).status, 'pass');
}
