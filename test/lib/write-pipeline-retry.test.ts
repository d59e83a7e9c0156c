/**
 * The write pipeline against a server that misbehaves on purpose (test/support/scripted-influx.ts):
 * retries, Retry-After, refused tokens, rejected lines, outages, and close() under pressure.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { WritePipelineConfig } from '../../lib/write/options';
import type { FailedLines, RetryNotice } from '../../lib/write/pipeline';
import { WritePipeline } from '../../lib/write/pipeline';
import type { Script, ScriptedInflux } from '../support/scripted-influx';
import {
  eventually,
  freePort,
  scriptedPipeline,
  linesOf,
  ok,
  points,
  rejectLinesContaining,
  startScriptedInflux,
  trackingClock,
} from '../support/scripted-influx';

const execFileAsync = promisify(execFile);

describe('write pipeline: retries and failures', () => {
  let server: ScriptedInflux;
  let pipelines: WritePipeline[];
  let dirs: string[];

  const pipeline = (extra: Partial<WritePipelineConfig> = {}): WritePipeline => {
    const p = scriptedPipeline(server.url, extra);
    pipelines.push(p);
    return p;
  };
  const collect = <T>(p: WritePipeline, event: string): T[] => {
    const seen: T[] = [];
    p.on(event, (e: T) => seen.push(e));
    return seen;
  };
  const spoolDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-pipeline-'));
    dirs.push(dir);
    return dir;
  };
  const writtenLines = (): string[] => server.received.filter((_, i) => replies[i] === 204).flatMap((r) => r.lines);
  let replies: number[];
  /** Scripts the server and notes each status, so that writtenLines() knows what it accepted. */
  const script = (fn: Script) => {
    server.script = (req, n) => {
      const reply = fn(req, n);
      replies[n] = 'status' in reply ? reply.status : 0;
      return reply;
    };
  };

  beforeEach(async () => {
    server = await startScriptedInflux();
    replies = [];
    script(() => ok);
    pipelines = [];
    dirs = [];
  });
  afterEach(async () => {
    for (const p of pipelines) await p.close();
    await server.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('retries a 503 with exponential backoff and then writes the batch', async () => {
    script((_, n) => (n < 2 ? { status: 503, code: 'unavailable', message: 'busy' } : ok));
    const p = pipeline();
    const retries = collect<RetryNotice>(p, 'retry');
    p.write(points(1, 3));
    await eventually(() => p.stats.written === 3, 'the batch is written');
    assert.deepEqual(
      retries.map((r) => r.delay),
      [1000, 2000],
    );
    assert.deepEqual(
      server.received.map((r) => r.lines),
      [linesOf(1, 3), linesOf(1, 3), linesOf(1, 3)],
    );
    assert.equal(p.stats.retrying, false);
  });

  it('waits as long as Retry-After says, in seconds', async () => {
    script((_, n) => (n === 0 ? { status: 429, code: 'too many requests', headers: { 'Retry-After': '7' } } : ok));
    const p = pipeline();
    const retries = collect<RetryNotice>(p, 'retry');
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    assert.deepEqual(
      retries.map((r) => [r.delay, r.error.code]),
      [[7000, 'too-many-requests']],
    );
  });

  it('keeps the lines and waits maxRetryDelay while the token is refused, then writes them', async () => {
    script((_, n) => (n < 2 ? { status: 401, code: 'unauthorized', message: 'unauthorized access' } : ok));
    const p = pipeline({ maxRetryDelay: 30_000 });
    const retries = collect<RetryNotice>(p, 'retry');
    p.write(points(1, 2));
    await eventually(() => p.stats.written === 2, 'the points are written');
    assert.deepEqual(
      retries.map((r) => [r.delay, r.error.code]),
      [
        [30_000, 'unauthorized'],
        [30_000, 'unauthorized'],
      ],
    );
    assert.equal(p.stats.lastError?.code, 'unauthorized');
    assert.equal(p.stats.retrying, false);
  });

  it('shows a refused token as the last error while it lasts', async () => {
    script(() => ({ status: 404, code: 'not found', message: 'bucket "b" not found' }));
    const p = pipeline({ clock: undefined, minRetryDelay: 60_000 });
    p.write(points(1, 1));
    await eventually(() => p.stats.retrying, 'the pipeline is retrying');
    assert.equal(p.stats.lastError?.code, 'not-found');
    assert.match(p.stats.lastError?.message ?? '', /create bucket "b" in org "o"/);
    assert.equal(p.stats.buffered, 1);
  });

  it('sends one request at a time', async () => {
    script(() => ({ status: 204, delayMs: 5 }));
    const p = pipeline({ batchSize: 10 });
    for (let i = 0; i < 10; i++) p.write(points(i * 10 + 1, i * 10 + 10));
    await eventually(() => p.stats.written === 100, 'all points are written');
    assert.equal(server.maxConcurrent, 1);
    assert.ok(server.received.every((r) => r.lines.length <= 10));
  });

  it('reports the lines InfluxDB rejects and writes the others of the batch', async () => {
    script(rejectLinesContaining('BAD'));
    const p = pipeline();
    const failed = collect<FailedLines>(p, 'failed');
    p.write([
      { measurement: 'm', fields: { v: 1 } },
      { measurement: 'm', fields: { BAD: 1 } },
      { measurement: 'm', fields: { v: 3 } },
    ]);
    await eventually(() => p.stats.written === 2, 'the good points are written');
    assert.deepEqual(
      failed.map((f) => f.lines),
      [[{ line: 'm BAD=1', reason: 'invalid field format' }]],
    );
    assert.deepEqual(
      server.received.map((r) => r.lines),
      [
        ['m v=1', 'm BAD=1', 'm v=3'],
        ['m v=1', 'm v=3'],
      ],
    );
    assert.equal(p.stats.failed, 1);
    assert.equal(p.stats.lastError?.code, 'rejected-line');
  });

  it('finds a rejected line by halving the batch when the server does not say which', async () => {
    script(({ lines }) =>
      lines.some((l) => l.includes('BAD'))
        ? { status: 400, code: 'invalid', message: "unable to parse 'elsewhere': bad" }
        : ok,
    );
    const p = pipeline();
    const failed = collect<FailedLines>(p, 'failed');
    p.write([...points(1, 5), { measurement: 'm', fields: { BAD: 1 } }, ...points(6, 8)]);
    await eventually(() => p.stats.written + p.stats.failed === 9, 'every line is settled');
    assert.equal(p.stats.written, 8);
    assert.deepEqual(
      failed.map((f) => f.lines.map((l) => l.line)),
      [['m BAD=1']],
    );
    assert.deepEqual(writtenLines().sort(), linesOf(1, 8).sort());
  });

  it('splits a batch the server finds too large', async () => {
    script(({ lines }) =>
      lines.length > 2 ? { status: 413, code: 'request too large', message: 'points batch is too large' } : ok,
    );
    const p = pipeline();
    p.write(points(1, 7));
    await eventually(() => p.stats.written === 7, 'all points are written');
    assert.deepEqual(writtenLines(), linesOf(1, 7));
  });

  it('counts the points a 422 partial write dropped as failed', async () => {
    script(() => ({
      status: 422,
      code: 'unprocessable entity',
      message: 'partial write: field type conflict dropped=1',
    }));
    const p = pipeline();
    const failed = collect<FailedLines>(p, 'failed');
    p.write(points(1, 3));
    await eventually(() => p.stats.failed === 1, 'the dropped point is counted');
    assert.equal(p.stats.written, 2);
    assert.deepEqual(
      failed.map((f) => [f.count, f.error.code]),
      [[1, 'partial-write']],
    );
  });

  it('drops the oldest waiting lines when the buffer is full, never the batch being sent', async () => {
    let down = true;
    script(() => (down ? { status: 503, code: 'unavailable' } : ok));
    const p = pipeline({ clock: undefined, batchSize: 5, maxBufferLines: 10, minRetryDelay: 60_000 });
    p.write(points(1, 5));
    await eventually(() => p.stats.retrying, 'the first batch waits for a retry');
    p.write(points(6, 25));
    assert.equal(p.stats.dropped, 15);
    assert.equal(p.stats.buffered, 10);
    assert.equal(p.stats.lastError?.code, 'buffer-full');
    down = false;
    await p.flush();
    assert.deepEqual(writtenLines(), [...linesOf(1, 5), ...linesOf(21, 25)]);
  });

  it('rejects flush() while the server cannot take the lines, and writes them later', async () => {
    let down = true;
    script(() => (down ? { status: 503, code: 'unavailable', message: 'down' } : ok));
    const p = pipeline({ clock: undefined, minRetryDelay: 60_000 });
    p.write(points(1, 2));
    await assert.rejects(p.flush(), (e: Error & { code?: string }) => e.code === 'unavailable');
    assert.equal(p.stats.buffered, 2);
    down = false;
    await p.flush();
    assert.equal(p.stats.written, 2);
  });

  it('retries a request that timed out', async () => {
    script((_, n) => (n === 0 ? { hang: true } : ok));
    const p = pipeline({ timeout: 50 });
    const retries = collect<RetryNotice>(p, 'retry');
    p.write(points(1, 2));
    await eventually(() => p.stats.written === 2, 'the points are written');
    assert.deepEqual(
      retries.map((r) => r.error.code),
      ['timeout'],
    );
  });

  it('close() sends what is buffered', async () => {
    const p = pipeline({ flushInterval: 60_000, clock: undefined });
    p.write(points(1, 3));
    await p.close();
    assert.deepEqual(writtenLines(), linesOf(1, 3));
    assert.equal(p.stats.buffered, 0);
  });

  it('close() gives up at its deadline and keeps the unsent lines for the next start', async () => {
    script(() => ({ hang: true }));
    const dir = spoolDir();
    const first = pipeline({ clock: undefined, spoolDir: dir, closeTimeout: 100 });
    first.write(points(1, 3));
    await eventually(() => server.received.length === 1, 'the request is in flight');
    await first.close();
    assert.equal(first.stats.buffered, 3);
    script(() => ok);
    const second = pipeline({ spoolDir: dir });
    assert.equal(second.recovered.lines, 3);
    await eventually(() => second.stats.written === 3, 'the kept points are written');
    assert.deepEqual(writtenLines(), linesOf(1, 3));
  });

  it('close() stops retrying and leaves no timer of its own running', async () => {
    script(() => ({ status: 503, code: 'unavailable' }));
    const { clock: tracking, live: timers } = trackingClock();
    const p = pipeline({ clock: tracking, minRetryDelay: 60_000, spoolDir: spoolDir() });
    p.write(points(1, 2));
    await eventually(() => p.stats.retrying, 'the batch waits for a retry');
    assert.ok(timers.size > 0);
    await p.close();
    assert.equal(timers.size, 0);
    assert.equal(p.stats.buffered, 2);
  });

  it('lets the process exit by itself after close(), even during an outage', async () => {
    const port = await freePort();
    const script = `
      const { WritePipeline } = require(${JSON.stringify(path.resolve(__dirname, '../../lib/write/pipeline.ts'))});
      const p = new WritePipeline({ url: 'http://127.0.0.1:${port}', org: 'o', bucket: 'b', flushInterval: 10, minRetryDelay: 60000 });
      p.once('retry', () => p.close().then(() => console.log('closed with', p.stats.buffered)));
      p.write({ fields: { v: 1 } });`;
    const { stdout } = await execFileAsync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      timeout: 20_000,
    });
    assert.equal(stdout.trim(), 'closed with 1');
  });

  it('rejects flush() after close() left lines unsent, saying they are kept', async () => {
    script(() => ({ status: 503, code: 'unavailable' }));
    const p = pipeline({ clock: undefined, minRetryDelay: 60_000, spoolDir: spoolDir() });
    p.write(points(1, 1));
    await p.close();
    await assert.rejects(
      p.flush(),
      (e: Error & { code?: string }) => e.code === 'closed' && /kept in the spool/.test(e.message),
    );
  });

  it('takes the measurement and default tags of one write() call', async () => {
    const p = pipeline({ defaultTags: { clientId: 'a', site: 'lab' } });
    p.write({ fields: { v: 1 }, timestamp: 1 }, { measurement: 'air', defaultTags: { clientId: 'b' } });
    await p.flush();
    assert.deepEqual(writtenLines(), ['air,clientId=b,site=lab v=1 1']);
  });

  it('sends to the org, bucket and precision it was made for', async () => {
    const p = pipeline({ org: 'my-org', bucket: 'my-bucket', precision: 's' });
    p.write({ fields: { v: 1 }, timestamp: new Date('2024-01-02T00:00:00Z') });
    await p.flush();
    assert.deepEqual(Object.fromEntries(server.received[0].query), {
      org: 'my-org',
      bucket: 'my-bucket',
      precision: 's',
    });
    assert.deepEqual(writtenLines(), ['environment v=1 1704153600']);
  });

  it('keeps writing when an event listener throws, and lets the error surface on its own', async () => {
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const surfaced: Error[] = [];
    process.on('uncaughtException', (e) => surfaced.push(e));
    try {
      const p = pipeline({ batchSize: 2 });
      p.on('written', () => {
        throw new Error('listener bug');
      });
      p.write(points(1, 4));
      await eventually(() => p.stats.written === 4 && surfaced.length === 2, 'both batches are written');
      assert.deepEqual(
        surfaced.map((e) => e.message),
        ['listener bug', 'listener bug'],
      );
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const handler of mochaHandlers) process.on('uncaughtException', handler);
    }
  });

  it('refuses points after close()', async () => {
    const p = pipeline();
    await p.close();
    const result = p.write(points(1, 1));
    assert.equal(result.accepted, 0);
    assert.match(result.errors[0].reason, /closed/);
  });
});
