/**
 * The write pipeline's contract, pinned rule by rule against a scripted server: what write() returns and
 * counts, when a batch goes, what flush() and close() promise, the payloads of its events and stats, the
 * circuit, and lines left in the spool by a previous run (found by mutation testing, see TESTING.md).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WritePipelineConfig } from '../../lib/write/options';
import type { CircuitNotice, FailedLines, RetryNotice, WriteStats, WritePipeline } from '../../lib/write/pipeline';
import { openSpool } from '../../lib/write/spool';
import type { Script, ScriptedInflux } from '../support/scripted-influx';
import {
  eventually,
  scriptedPipeline,
  linesOf,
  ok,
  points,
  startScriptedInflux,
  trackingClock,
} from '../support/scripted-influx';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('write pipeline: behaviour', () => {
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-pipeline-b-'));
    dirs.push(dir);
    return dir;
  };
  const script = (fn: Script) => {
    server.script = fn;
  };
  const sent = (): string[][] => server.received.map((r) => r.lines);

  beforeEach(async () => {
    server = await startScriptedInflux();
    script(() => ok);
    pipelines = [];
    dirs = [];
  });
  afterEach(async () => {
    for (const p of pipelines) await p.close();
    await server.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts with empty stats, in memory', () => {
    const p = pipeline();
    assert.deepEqual(p.stats, {
      buffered: 0,
      written: 0,
      failed: 0,
      invalid: 0,
      dropped: 0,
      retrying: false,
      circuit: 'closed',
      attempts: 0,
      durable: false,
    });
    assert.deepEqual(p.recovered, { lines: 0, discardedBytes: 0, dropped: 0 });
  });

  it('returns what it accepted and refused, and counts the refused points as invalid', () => {
    const p = pipeline({ flushInterval: 0 });
    const result = p.write([...points(1, 2), { measurement: 'm', fields: {} }, 7]);
    assert.equal(result.accepted, 2);
    assert.deepEqual(
      result.errors.map((e) => e.index),
      [2, 3],
    );
    assert.equal(p.stats.invalid, 2);
    assert.equal(p.stats.buffered, 2);
  });

  it('tells its stats when the buffer stops being empty or a point is refused, not on every write', () => {
    const p = pipeline({ flushInterval: 0 });
    const stats = collect<WriteStats>(p, 'stats');
    p.write(points(1, 1));
    assert.equal(stats.length, 1);
    assert.equal(stats[0].buffered, 1);
    p.write(points(2, 2));
    assert.equal(stats.length, 1);
    p.write([]);
    assert.equal(stats.length, 1);
    p.write([7]);
    assert.equal(stats.length, 2);
    assert.equal(stats[1].invalid, 1);
  });

  it('waits for a full batch when there is no flush interval, and sends exactly one batch then', async () => {
    const p = pipeline({ flushInterval: 0, batchSize: 3 });
    p.write(points(1, 2));
    await delay(30);
    assert.deepEqual(sent(), []);
    p.write(points(3, 4));
    await eventually(() => p.stats.written === 3, 'one batch is written');
    await delay(30);
    assert.deepEqual(sent(), [linesOf(1, 3)]);
    assert.equal(p.stats.buffered, 1);
    await p.flush();
    assert.deepEqual(sent(), [linesOf(1, 3), linesOf(4, 4)]);
  });

  it('sends a part batch after the flush interval', async () => {
    const p = pipeline({ flushInterval: 20, batchSize: 100 });
    p.write(points(1, 2));
    await delay(5);
    assert.deepEqual(sent(), []);
    await eventually(() => p.stats.written === 2, 'the part batch is written');
    assert.deepEqual(sent(), [linesOf(1, 2)]);
  });

  it('limits a batch by maxBatchBytes', async () => {
    const p = pipeline({ flushInterval: 0, maxBatchBytes: 2 * (linesOf(1, 1)[0].length + 1) });
    p.write(points(1, 5));
    await p.flush();
    assert.deepEqual(sent(), [linesOf(1, 2), linesOf(3, 4), linesOf(5, 5)]);
  });

  it('resolves flush() at once when nothing is buffered, without a request', async () => {
    const p = pipeline();
    await p.flush();
    assert.deepEqual(sent(), []);
  });

  it('emits written with the count of each batch and counts them', async () => {
    const p = pipeline({ flushInterval: 0, batchSize: 2 });
    const written = collect<{ count: number }>(p, 'written');
    p.write(points(1, 5));
    await p.flush();
    assert.deepEqual(written, [{ count: 2 }, { count: 2 }, { count: 1 }]);
    assert.equal(p.stats.written, 5);
    assert.equal(p.stats.buffered, 0);
  });

  it('names the cap in the error when the buffer drops lines', () => {
    const p = pipeline({ flushInterval: 0, maxBufferLines: 3, batchSize: 3 });
    p.write(points(1, 5));
    assert.equal(p.stats.dropped, 2);
    assert.deepEqual(p.stats.lastError && [p.stats.lastError.code, p.stats.lastError.message], [
      'buffer-full',
      'the write buffer is full (3 lines); dropped the 2 oldest line(s) — InfluxDB is not keeping up or not reachable',
    ]);
  });

  it('tells each retry with its attempt number and delay, and the time of the next attempt in its stats', async () => {
    script((_, n) => (n < 2 ? { status: 503, code: 'unavailable', message: 'busy' } : ok));
    const p = pipeline();
    const retries = collect<RetryNotice>(p, 'retry');
    const stats = collect<WriteStats>(p, 'stats');
    const before = Date.now();
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    assert.deepEqual(
      retries.map((r) => [r.attempt, r.delay, r.error.code]),
      [
        [1, 1000, 'unavailable'],
        [2, 2000, 'unavailable'],
      ],
    );
    const waiting = stats.filter((s) => s.retrying);
    assert.deepEqual(
      waiting.map((s) => s.attempts),
      [1, 2],
    );
    for (const [i, s] of waiting.entries()) {
      assert.ok(s.nextRetryAt !== undefined && s.nextRetryAt >= before + retries[i].delay, 'nextRetryAt');
    }
    assert.equal(p.stats.nextRetryAt, undefined);
    assert.equal(p.stats.attempts, 0);
  });

  it('opens the circuit after three failed attempts and closes it on the next answer', async () => {
    script((_, n) => (n < 3 ? { status: 503, code: 'unavailable', message: 'down' } : ok));
    const p = pipeline();
    const circuit = collect<CircuitNotice>(p, 'circuit');
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    assert.deepEqual(
      circuit.map((c) => [c.state, c.failures, c.error?.code]),
      [
        ['open', 3, 'unavailable'],
        ['closed', 3, undefined],
      ],
    );
    assert.equal(p.stats.circuit, 'closed');
  });

  it('opens the circuit at once when the token is refused', async () => {
    script((_, n) => (n < 1 ? { status: 401, code: 'unauthorized', message: 'unauthorized access' } : ok));
    const p = pipeline();
    const circuit = collect<CircuitNotice>(p, 'circuit');
    const stats = collect<WriteStats>(p, 'stats');
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    assert.deepEqual(
      circuit.map((c) => c.state),
      ['open', 'closed'],
    );
    assert.ok(stats.some((s) => s.circuit === 'open'));
  });

  it('fails a single line the server finds too large, with its reason, and writes the rest', async () => {
    script(({ lines }) =>
      lines.some((l) => l.includes('v=3 ')) ? { status: 413, code: 'request too large', message: 'too large' } : ok,
    );
    const p = pipeline({ flushInterval: 0 });
    const failed = collect<FailedLines>(p, 'failed');
    p.write(points(1, 4));
    await p.flush();
    assert.equal(p.stats.written, 3);
    assert.equal(p.stats.failed, 1);
    assert.deepEqual(
      failed.map((f) => [f.count, f.error.code, f.lines.map((l) => [l.line, l.reason === f.error.message])]),
      [[1, 'too-large', [['m v=3 3', true]]]],
    );
    assert.equal(p.stats.lastError?.code, 'too-large');
  });

  it('fails a single line the server refuses without naming it, and writes the others', async () => {
    script(({ lines }) =>
      lines.some((l) => l.includes('v=2 '))
        ? { status: 400, code: 'invalid', message: "unable to parse 'x': bad" }
        : ok,
    );
    const p = pipeline({ flushInterval: 0 });
    const failed = collect<FailedLines>(p, 'failed');
    p.write(points(1, 3));
    await p.flush();
    assert.deepEqual(
      failed.map((f) => [f.count, f.lines.map((l) => [l.line, l.reason])]),
      [[1, [['m v=2 2', f0(failed).error.message]]]],
    );
    assert.equal(p.stats.written, 2);
  });

  it('counts the others as written when the server wrote them despite a rejected line (Cloud)', async () => {
    script(() => ({
      status: 400,
      code: 'invalid',
      message: "partial write error (2 written): unable to parse 'm v=2 2': bad",
    }));
    const p = pipeline({ flushInterval: 0 });
    const written = collect<{ count: number }>(p, 'written');
    p.write(points(1, 3));
    await p.flush();
    assert.equal(server.received.length, 1);
    assert.deepEqual(written, [{ count: 2 }]);
    assert.deepEqual([p.stats.written, p.stats.failed], [2, 1]);
  });

  it('reports a 422 partial write with the dropped count and no lines, and the rest as written', async () => {
    script(() => ({ status: 422, code: 'unprocessable entity', message: 'partial write: dropped=5' }));
    const p = pipeline({ flushInterval: 0 });
    const failed = collect<FailedLines>(p, 'failed');
    const written = collect<{ count: number }>(p, 'written');
    p.write(points(1, 3));
    await p.flush();
    assert.deepEqual(
      failed.map((f) => [f.count, f.lines]),
      [[3, []]],
    );
    assert.deepEqual(written, []);
    assert.deepEqual([p.stats.written, p.stats.failed, p.stats.buffered], [0, 3, 0]);
    assert.equal(p.stats.lastError?.code, 'partial-write');
  });

  it('refuses points after close(), saying so', async () => {
    const p = pipeline();
    await p.close();
    assert.deepEqual(p.write(points(1, 1)), {
      accepted: 0,
      errors: [{ index: 0, reason: 'the write pipeline is closed; the points were not accepted' }],
    });
    assert.equal(p.stats.buffered, 0);
  });

  it('says on close that unsent lines are lost when there is no spool, and rejects flush() with it', async () => {
    script(() => ({ hang: true }));
    const p = pipeline({ closeTimeout: 50, flushInterval: 0 });
    const stats = collect<WriteStats>(p, 'stats');
    p.write(points(1, 2));
    await p.close();
    assert.equal(stats[stats.length - 1].buffered, 2);
    await assert.rejects(
      p.flush(),
      (e: Error & { code?: string }) =>
        e.code === 'closed' &&
        e.message === 'closed with 2 line(s) not sent; they are lost, as no spool directory is in use',
    );
    assert.equal(p.close(), p.close());
  });

  it('says on close that unsent lines are kept in the spool, and sends them first at the next start', async () => {
    script(() => ({ hang: true }));
    const dir = spoolDir();
    const first = pipeline({ closeTimeout: 50, flushInterval: 0, spoolDir: dir });
    assert.equal(first.stats.durable, true);
    first.write(points(1, 2));
    await first.close();
    await assert.rejects(
      first.flush(),
      (e: Error) =>
        e.message === 'closed with 2 line(s) not sent yet; they are kept in the spool and sent at the next start',
    );
    script(() => ok);
    const second = pipeline({ flushInterval: 60_000, batchSize: 1000, spoolDir: dir });
    assert.deepEqual(second.recovered, { lines: 2, discardedBytes: 0, dropped: 0 });
    await eventually(() => second.stats.written === 2, 'the recovered lines are sent at once');
    assert.deepEqual(sent().slice(-1), [linesOf(1, 2)]);
  });

  it('counts lines the spool dropped at the start because the cap shrank', async () => {
    const dir = spoolDir();
    const spool = openSpool({ dir, maxLines: 100, maxBytes: 1e9 });
    spool.append(linesOf(1, 5));
    spool.close();
    script(() => ({ hang: true }));
    const p = pipeline({ spoolDir: dir, maxBufferLines: 2, batchSize: 2, closeTimeout: 20 });
    assert.equal(p.stats.dropped, 3);
    assert.equal(p.stats.buffered, 2);
  });

  it('tells a spool that cannot be used as its last error from the start', () => {
    const dir = spoolDir();
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    const p = pipeline({ spoolDir: file });
    assert.equal(p.stats.durable, false);
    assert.equal(p.stats.lastError?.code, 'spool-io');
  });

  it('resolves a flush() only when the last line written before it is settled', async () => {
    script(() => ({ status: 204, delayMs: 20 }));
    const p = pipeline({ flushInterval: 0, batchSize: 1, maxBufferLines: 10 });
    p.write(points(1, 2));
    await p.flush();
    assert.equal(p.stats.written, 2);
  });

  it('goes back to waiting for full batches once a flush has sent everything', async () => {
    const p = pipeline({ flushInterval: 0, batchSize: 5 });
    p.write(points(1, 2));
    await p.flush();
    p.write(points(3, 3));
    await delay(30);
    assert.deepEqual(sent(), [linesOf(1, 2)]);
  });

  it('makes the next attempt at once when flush() comes while a failing request is out', async () => {
    script((_, n) => (n === 0 ? { status: 503, code: 'unavailable', message: 'busy', delayMs: 100 } : ok));
    const p = pipeline({ clock: undefined, minRetryDelay: 60_000, maxRetryDelay: 60_000, batchSize: 1 });
    p.write(points(1, 1));
    await delay(30);
    assert.equal(server.received.length, 1, 'the first request is out');
    await p.flush();
    assert.equal(p.stats.written, 1);
  });

  it('rejects a flush() still waiting when close() gives up, with the reason the lines were not sent', async () => {
    script(() => ({ hang: true }));
    const p = pipeline({ closeTimeout: 50, flushInterval: 0 });
    p.write(points(1, 1));
    const flushed = p.flush();
    await delay(20);
    await p.close();
    await assert.rejects(flushed, (e: Error & { code?: string }) => e.code === 'closed');
  });

  it('leaves no timer of its own running after close()', async () => {
    const { clock, live } = trackingClock();
    const p = pipeline({ clock, flushInterval: 60_000, batchSize: 100 });
    p.write(points(1, 1));
    assert.equal(live.size, 1, 'the flush timer is armed');
    p.write(points(2, 2));
    assert.equal(live.size, 1, 'and armed once');
    await p.close();
    assert.equal(live.size, 0);
    assert.deepEqual(sent(), [linesOf(1, 2)]);
  });

  it('tells once that the spool stopped being durable', async () => {
    const fsModule = await import('node:fs');
    const dir = spoolDir();
    const p = pipeline({ spoolDir: dir, flushInterval: 0 });
    const stats = collect<WriteStats>(p, 'stats');
    const writeSync = fsModule.writeSync;
    try {
      Reflect.set(fsModule.default, 'writeSync', () => {
        throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      });
      p.write(points(1, 1));
      p.write(points(2, 2));
    } finally {
      Reflect.set(fsModule.default, 'writeSync', writeSync);
    }
    const told = stats.filter((s) => s.lastError?.code === 'spool-io');
    assert.equal(told.length, 2, 'once for the spool, once for the first lines');
    assert.equal(stats.filter((s) => !s.durable).length, told.length);
    assert.equal(p.stats.durable, false);
    assert.equal(p.stats.lastError?.code, 'spool-io');
    await p.flush();
    assert.equal(p.stats.written, 2);
  });

  it('reads a Retry-After date relative to the clock', async () => {
    script((_, n) =>
      n === 0
        ? {
            status: 429,
            code: 'too many requests',
            headers: { 'Retry-After': new Date(Date.now() + 8000).toUTCString() },
          }
        : ok,
    );
    const p = pipeline();
    const retries = collect<RetryNotice>(p, 'retry');
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    assert.equal(retries.length, 1);
    assert.ok(retries[0].delay > 5000 && retries[0].delay <= 8000, String(retries[0].delay));
  });

  it('sends the rest after the flush interval when a full batch leaves some behind', async () => {
    const p = pipeline({ flushInterval: 20, batchSize: 3 });
    p.write(points(1, 4));
    await eventually(() => p.stats.written === 4, 'the rest is written too');
    assert.deepEqual(sent(), [linesOf(1, 3), linesOf(4, 4)]);
  });

  it('sends as soon as exactly one batch is buffered', async () => {
    const p = pipeline({ flushInterval: 0, batchSize: 3 });
    p.write(points(1, 3));
    await eventually(() => p.stats.written === 3, 'the batch is written');
  });

  it('tells no stats for an empty write, and tells them when lines are dropped', () => {
    const p = pipeline({ flushInterval: 0, batchSize: 3, maxBufferLines: 3 });
    const stats = collect<WriteStats>(p, 'stats');
    p.write([]);
    assert.equal(stats.length, 0);
    p.write(points(1, 2));
    assert.equal(stats.length, 1);
    p.write(points(3, 4));
    assert.ok(stats.some((s) => s.dropped === 1));
  });

  it('does not blame the server for the request close() cut short', async () => {
    script(() => ({ hang: true }));
    const p = pipeline({ closeTimeout: 50, flushInterval: 0, batchSize: 1 });
    p.write(points(1, 1));
    await delay(20);
    await p.close();
    assert.equal(p.stats.lastError, undefined);
    assert.equal(server.received.length, 1);
  });

  it('halves a batch the server finds too large in order, one request per half', async () => {
    script(({ lines }) => (lines.length > 1 ? { status: 413, code: 'request too large', message: 'too large' } : ok));
    const p = pipeline({ flushInterval: 0 });
    p.write(points(1, 3));
    await p.flush();
    assert.deepEqual(sent(), [linesOf(1, 3), linesOf(1, 2), linesOf(1, 1), linesOf(2, 2), linesOf(3, 3)]);
  });

  it('finds an unnamed bad line by halving in order, and sends the good ones once', async () => {
    script(({ lines }) =>
      lines.some((l) => l.includes('v=2 '))
        ? { status: 400, code: 'invalid', message: "unable to parse 'x': bad" }
        : ok,
    );
    const p = pipeline({ flushInterval: 0 });
    p.write(points(1, 4));
    await p.flush();
    assert.deepEqual(sent(), [linesOf(1, 4), linesOf(1, 2), linesOf(1, 1), linesOf(2, 2), linesOf(3, 4)]);
    assert.deepEqual([p.stats.written, p.stats.failed], [3, 1]);
  });

  it('sends nothing more when the server named every line of a batch as bad', async () => {
    script(({ lines }) => ({
      status: 400,
      code: 'invalid',
      message: lines.map((l) => `unable to parse '${l}': invalid field format`).join('\n'),
    }));
    const p = pipeline({ flushInterval: 0 });
    p.write(points(1, 2));
    await p.flush();
    assert.equal(server.received.length, 1);
    assert.deepEqual([p.stats.written, p.stats.failed], [0, 2]);
  });

  it('keeps the circuit open through repeated refusals and tells its closing once', async () => {
    script((_, n) => (n < 2 ? { status: 401, code: 'unauthorized', message: 'unauthorized access' } : ok));
    const p = pipeline();
    const circuit = collect<CircuitNotice>(p, 'circuit');
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    assert.deepEqual(
      circuit.map((c) => c.state),
      ['open', 'closed'],
    );
  });

  it('tells nothing about the circuit while writes succeed', async () => {
    const p = pipeline({ flushInterval: 0, batchSize: 1 });
    const circuit = collect<CircuitNotice>(p, 'circuit');
    p.write(points(1, 3));
    await p.flush();
    assert.deepEqual(circuit, []);
  });

  it("rejects a flush() with the server's own error, after one request", async () => {
    script(() => ({ status: 429, code: 'too many requests', message: 'slow down' }));
    const p = pipeline({ clock: undefined, minRetryDelay: 60_000, maxRetryDelay: 60_000, flushInterval: 0 });
    p.write(points(1, 1));
    await assert.rejects(p.flush(), (e: Error & { code?: string }) => e.code === 'too-many-requests');
    assert.equal(server.received.length, 1);
  });

  describe('settles every line of a batch the server made it split, without waiting for another write', () => {
    const splitting =
      (single: (line: string) => ReturnType<Script>): Script =>
      ({ lines }) =>
        lines.length > 1 ? { status: 413, code: 'request too large', message: 'too large' } : single(lines[0]);
    const cases: Array<[string, Script, { written: number; failed: number }]> = [
      [
        'a 422 partial write of the first line',
        splitting((l) =>
          l.includes('v=1 ') ? { status: 422, code: 'unprocessable entity', message: 'dropped=1' } : ok,
        ),
        { written: 2, failed: 1 },
      ],
      [
        'an unnamed refusal of the first line',
        splitting((l) =>
          l.includes('v=1 ') ? { status: 400, code: 'invalid', message: "unable to parse 'x': bad" } : ok,
        ),
        { written: 2, failed: 1 },
      ],
      [
        'a named refusal of the first line',
        splitting((l) =>
          l.includes('v=1 ')
            ? { status: 400, code: 'invalid', message: `unable to parse '${l}': invalid field format` }
            : ok,
        ),
        { written: 2, failed: 1 },
      ],
      [
        'a Cloud partial write of the first line',
        splitting((l) =>
          l.includes('v=1 ')
            ? { status: 400, code: 'invalid', message: `partial write error (0 written): unable to parse '${l}': bad` }
            : ok,
        ),
        { written: 2, failed: 1 },
      ],
      [
        'the first line too large on its own',
        splitting((l) => (l.includes('v=1 ') ? { status: 413, code: 'request too large', message: 'too large' } : ok)),
        { written: 2, failed: 1 },
      ],
    ];
    for (const [name, fn, expected] of cases) {
      it(name, async () => {
        script(fn);
        const p = pipeline({ flushInterval: 0, batchSize: 3 });
        p.write(points(1, 3));
        await eventually(() => p.stats.written + p.stats.failed === 3, 'every line is settled');
        assert.deepEqual({ written: p.stats.written, failed: p.stats.failed }, expected);
        assert.equal(p.stats.buffered, 0);
      });
    }
  });

  it('arms no timer for a write that buffers nothing, nor once everything is sent', async () => {
    const { clock, live } = trackingClock();
    const p = pipeline({ clock, flushInterval: 60_000, batchSize: 2 });
    p.write([7]);
    p.write([]);
    assert.equal(live.size, 0);
    p.write(points(1, 2));
    await eventually(() => p.stats.written === 2, 'the batch is written');
    await delay(10);
    assert.equal(live.size, 0);
  });

  it('keeps the last problem in its stats after the server took the points again', async () => {
    script((_, n) => (n === 0 ? { status: 503, code: 'unavailable', message: 'busy' } : ok));
    const p = pipeline();
    p.write(points(1, 1));
    await eventually(() => p.stats.written === 1, 'the point is written');
    p.write(points(2, 2));
    await eventually(() => p.stats.written === 2, 'the next point is written');
    assert.equal(p.stats.retrying, false);
    assert.equal(p.stats.lastError?.code, 'unavailable');
  });

  it('resolves a flush() once the lines written before it are settled, not later ones', async () => {
    script((_, n) => (n === 1 ? { status: 204, delayMs: 200 } : ok));
    const p = pipeline({ flushInterval: 0, batchSize: 2 });
    p.write(points(1, 2));
    const flushed = p.flush().then(() => p.stats.written);
    p.write(points(3, 4));
    assert.equal(await flushed, 2);
    await p.flush();
    assert.equal(p.stats.written, 4);
  });
});

function f0(failed: FailedLines[]): FailedLines {
  return failed[0];
}
