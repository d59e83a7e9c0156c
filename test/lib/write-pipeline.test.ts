/**
 * The write pipeline against the InfluxDB emulator over real HTTP, read back with the client's QueryApi.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flux } from '@influxdata/influxdb-client';
import { startEmulator } from '../../emulator';
import { decodeSegment } from '../../lib/write/segment';
import type { RunningEmulator } from '../../emulator';
import type { Clock, WritePipelineConfig } from '../../lib/write/options';
import type { FailedLines } from '../../lib/write/pipeline';
import { WritePipeline } from '../../lib/write/pipeline';
import type { Onboarded } from '../support/emulator';
import { startOnboarded } from '../support/emulator';
import { eventually, freePort } from '../support/scripted-influx';

const T0 = Date.parse('2024-01-02T00:00:00Z');
const reading = (i: number, deviceId = 'dev-1') => ({
  tags: { clientId: deviceId },
  fields: { Temperature: 20 + i / 10, CO2: { type: 'int' as const, value: 400 + i } },
  timestamp: T0 + i * 1000,
});
const readings = (from: number, to: number, deviceId?: string) =>
  Array.from({ length: to - from + 1 }, (_, i) => reading(from + i, deviceId));

describe('write pipeline: against the emulator', () => {
  let influx: Onboarded;
  let pipelines: WritePipeline[];
  let dirs: string[];
  let extraEmulators: RunningEmulator[];

  const pipeline = (extra: Partial<WritePipelineConfig> = {}): WritePipeline => {
    const p = new WritePipeline({
      url: influx.emulator.url,
      token: influx.token,
      org: influx.org,
      bucket: influx.bucket,
      flushInterval: 10,
      minRetryDelay: 20,
      maxRetryDelay: 100,
      ...extra,
    });
    pipelines.push(p);
    return p;
  };
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-e2e-'));
    dirs.push(dir);
    return dir;
  };
  /** Temperature readings in the bucket, as [clientId, time, value], by time. */
  const stored = async (): Promise<Array<[string, string, number]>> => {
    type Row = { clientId: string; _time: string; _value: number };
    const rows = await influx.influx.getQueryApi(influx.org).collectRows<Row>(
      flux`from(bucket: ${influx.bucket})
        |> range(start: 2024-01-01T00:00:00Z, stop: 2024-01-03T00:00:00Z)
        |> filter(fn: (r) => r._measurement == "environment" and r._field == "Temperature")`,
    );
    return rows
      .map((r): [string, string, number] => [r.clientId, r._time, r._value])
      .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  };
  const expected = (from: number, to: number, deviceId = 'dev-1'): Array<[string, string, number]> =>
    readings(from, to, deviceId).map((r): [string, string, number] => [
      deviceId,
      new Date(r.timestamp).toISOString().replace('.000Z', 'Z'),
      r.fields.Temperature,
    ]);

  beforeEach(async () => {
    influx = await startOnboarded();
    pipelines = [];
    dirs = [];
    extraEmulators = [];
  });
  afterEach(async () => {
    for (const p of pipelines) await p.close();
    for (const e of extraEmulators) await e.close();
    await influx.emulator.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends a batch as soon as it is full, and exactly the points written', async () => {
    const p = pipeline({ batchSize: 10, flushInterval: 0 });
    const batches: number[] = [];
    p.on('written', (e: { count: number }) => batches.push(e.count));
    for (const point of readings(1, 25)) p.write(point);
    await eventually(() => p.stats.written === 20, 'two full batches are written');
    assert.equal(p.stats.buffered, 5);
    await p.flush();
    assert.deepEqual(batches, [10, 10, 5]);
    assert.deepEqual(await stored(), expected(1, 25));
  });

  it('sends a batch that is not full once flushInterval has passed', async () => {
    const p = pipeline({ batchSize: 1000, flushInterval: 20 });
    p.write(readings(1, 3));
    await eventually(() => p.stats.written === 3, 'the points are written without flush()');
    assert.deepEqual(await stored(), expected(1, 3));
  });

  it('gzips a large batch, which InfluxDB reads whole', async () => {
    const p = pipeline({ gzipThreshold: 1000 });
    p.write(readings(1, 500));
    await p.flush();
    assert.deepEqual(await stored(), expected(1, 500));
  });

  it('reports a bad point among good ones and writes the good ones', async () => {
    const p = pipeline();
    const result = p.write([reading(1), { fields: { Temperature: NaN }, timestamp: T0 }, reading(2)]);
    assert.equal(result.accepted, 2);
    assert.deepEqual(
      result.errors.map((e) => e.index),
      [1],
    );
    assert.match(result.errors[0].reason, /Temperature' is NaN/);
    await p.flush();
    assert.deepEqual(await stored(), expected(1, 2));
    assert.equal(p.stats.invalid, 1);
  });

  it('refuses at once a line InfluxDB would refuse (key over 64 KiB), and writes the rest of its batch', async () => {
    // The server's own refusal of named lines is covered against a scripted server
    // (write-pipeline-retry.test.ts): the edge now refuses everything the emulator would.
    const p = pipeline();
    const huge = `environment,clientId=dev-1,note=${'x'.repeat(70_000)} Temperature=1 ${T0}`;
    const good = (i: number) => `environment,clientId=dev-1 Temperature=${20 + i / 10} ${T0 + i * 1000}`;
    const result = p.write([good(1), huge, good(2)].join('\n'));
    assert.deepEqual(
      result.errors.map((e) => e.index),
      [1],
    );
    assert.match(result.errors[0].reason, /max key length exceeded/);
    await p.flush();
    assert.deepEqual(await stored(), expected(1, 2));
    assert.deepEqual([p.stats.written, p.stats.invalid], [2, 1]);
  });

  it('counts the points a field type conflict dropped and keeps the others', async () => {
    const p = pipeline();
    p.write(reading(1));
    await p.flush();
    const failed: FailedLines[] = [];
    p.on('failed', (f: FailedLines) => failed.push(f));
    p.write([{ ...reading(2), fields: { Temperature: 'warm' } }, reading(3)]);
    await p.flush();
    assert.deepEqual(
      failed.map((f) => [f.count, f.error.code]),
      [[1, 'partial-write']],
    );
    assert.match(failed[0].error.message, /field type conflict/);
    assert.deepEqual(await stored(), [...expected(1, 1), ...expected(3, 3)]);
  });

  it('shows a wrong token as the last error and keeps the points', async () => {
    const p = pipeline({ token: 'not-a-token' });
    p.write(reading(1));
    await eventually(() => p.stats.retrying, 'the write is retried');
    assert.equal(p.stats.lastError?.code, 'unauthorized');
    assert.equal(p.stats.buffered, 1);
  });

  it('shows a missing bucket as the last error', async () => {
    const p = pipeline({ bucket: 'no-such-bucket' });
    p.write(reading(1));
    await eventually(() => p.stats.retrying, 'the write is retried');
    assert.equal(p.stats.lastError?.code, 'not-found');
    assert.match(p.stats.lastError?.message ?? '', /no-such-bucket/);
  });

  it('loses nothing while InfluxDB is down and writes it all when it is back', async () => {
    const dataDir = tempDir();
    await influx.emulator.close();
    influx = await startOnboarded({ dataDir });
    const { port } = influx.emulator;
    const p = pipeline({ spoolDir: tempDir() });
    p.write(readings(1, 5));
    await eventually(() => p.stats.written === 5, 'the first points are written');

    await influx.emulator.close();
    p.write(readings(6, 10));
    await eventually(() => p.stats.retrying && p.stats.attempts >= 2, 'the pipeline retries during the outage');
    assert.equal(p.stats.lastError?.code, 'network');

    const back = await startEmulator({ port, dataDir, retentionCheckIntervalMs: 0 });
    influx = { ...influx, emulator: back };
    await eventually(() => p.stats.written === 10, 'the points kept during the outage are written');
    assert.equal(p.stats.buffered, 0);
    assert.equal(p.stats.retrying, false);
    assert.deepEqual(await stored(), expected(1, 10));
  });

  it('writes the points a closed pipeline left in its spool when it is created again', async () => {
    const spoolDir = tempDir();
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const first = pipeline({ url: unreachable, spoolDir, closeTimeout: 200 });
    first.write(readings(1, 4));
    await eventually(() => first.stats.retrying, 'the first pipeline cannot write');
    await first.close();
    assert.equal(first.stats.buffered, 4);

    const second = pipeline({ spoolDir });
    assert.equal(second.recovered.lines, 4);
    await eventually(() => second.stats.written === 4, 'the recovered points are written');
    assert.deepEqual(await stored(), expected(1, 4));
  });

  it('writes what is buffered on close() and leaves no timer of its own', async () => {
    const timers = new Set<unknown>();
    const clock: Clock = {
      now: () => Date.now(),
      setTimeout: (fn, ms) => {
        const handle = setTimeout(() => {
          timers.delete(handle);
          fn();
        }, ms);
        timers.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        timers.delete(handle);
        clearTimeout(handle as NodeJS.Timeout);
      },
    };
    const p = pipeline({ clock, flushInterval: 60_000 });
    p.write(readings(1, 3));
    assert.equal(timers.size, 1);
    await p.close();
    assert.equal(timers.size, 0);
    assert.deepEqual(await stored(), expected(1, 3));
  });

  it('close() sends lines written right after a flush() resolved, while its send loop was ending', async () => {
    const p = pipeline({ flushInterval: 0 });
    p.write(readings(1, 2));
    await p.flush();
    p.write(reading(3));
    await p.close();
    assert.deepEqual([p.stats.written, p.stats.buffered], [3, 0]);
    assert.deepEqual(await stored(), expected(1, 3));
  });

  describe('writeGrouped', () => {
    /** The records in the spool directory's segment files, in file order. */
    const records = (dir: string) =>
      fs
        .readdirSync(dir)
        .filter((name) => name.endsWith('.seg'))
        .sort()
        .flatMap((name) => decodeSegment(fs.readFileSync(path.join(dir, name))).records);

    it('puts the lines of every call in one turn in the spool in one record, before persisted resolves', async () => {
      const spoolDir = tempDir();
      const p = pipeline({ spoolDir, flushInterval: 0 });
      const results = [1, 2, 3].map((i) => p.writeGrouped(reading(i)));
      assert.deepEqual(
        results.map((r) => [r.accepted, r.errors]),
        [
          [1, []],
          [1, []],
          [1, []],
        ],
      );
      assert.equal(p.stats.buffered, 3, 'counted as buffered before they reach the spool');
      assert.deepEqual(records(spoolDir), [], 'not on disk yet');
      await Promise.all(results.map((r) => r.persisted));
      const written = records(spoolDir);
      assert.equal(written.length, 1);
      assert.equal(written[0].kind === 'L' && written[0].lines.length, 3);
      await p.flush();
      assert.deepEqual(await stored(), expected(1, 3));
    });

    it('keeps the order of write() and writeGrouped() calls mixed in one turn', async () => {
      const spoolDir = tempDir();
      const p = pipeline({ spoolDir, flushInterval: 0 });
      const grouped = p.writeGrouped(reading(1));
      p.write(reading(2));
      await p.writeGrouped(reading(3)).persisted;
      await grouped.persisted;
      const lines = records(spoolDir).flatMap((r) => (r.kind === 'L' ? r.lines : []));
      assert.deepEqual(
        lines.map((l) => l.split(' ')[2]),
        [1, 2, 3].map((i) => String(T0 + i * 1000)),
      );
      await p.flush();
      assert.deepEqual(await stored(), expected(1, 3));
    });

    it('sends a full batch once the group is in the spool', async () => {
      const p = pipeline({ batchSize: 10, flushInterval: 0 });
      const results = readings(1, 10).map((point) => p.writeGrouped(point));
      await results[9].persisted;
      await eventually(() => p.stats.written === 10, 'the batch is written');
      assert.deepEqual(await stored(), expected(1, 10));
    });

    it('flush() and close() take the waiting group along', async () => {
      const p = pipeline({ flushInterval: 0 });
      p.writeGrouped(readings(1, 2));
      await p.flush();
      assert.equal(p.stats.written, 2);
      const last = p.writeGrouped(reading(3));
      await p.close();
      await last.persisted;
      assert.equal(p.stats.written, 3);
      assert.deepEqual(await stored(), expected(1, 3));
    });

    it('keeps a group that close() could not send in the spool for the next start', async () => {
      const spoolDir = tempDir();
      const unreachable = `http://127.0.0.1:${await freePort()}`;
      const first = pipeline({ url: unreachable, spoolDir, closeTimeout: 100 });
      first.writeGrouped(readings(1, 4));
      await first.close();
      assert.equal(first.stats.buffered, 4);
      const second = pipeline({ spoolDir });
      assert.equal(second.recovered.lines, 4);
      await eventually(() => second.stats.written === 4, 'the recovered points are written');
    });

    it('names refused points at once, and persisted resolves when nothing was accepted', async () => {
      const p = pipeline();
      const result = p.writeGrouped([{ fields: {} }, reading(1)]);
      assert.equal(result.accepted, 1);
      assert.match(result.errors[0].reason, /at least one field/);
      const refused = p.writeGrouped({ fields: {} });
      assert.equal(refused.accepted, 0);
      await refused.persisted;
      await result.persisted;
      assert.equal(p.stats.invalid, 2);
    });

    it('refuses points once closed, with persisted resolved', async () => {
      const p = pipeline();
      await p.close();
      const result = p.writeGrouped(reading(1));
      assert.equal(result.accepted, 0);
      assert.match(result.errors[0].reason, /closed/);
      await result.persisted;
    });
  });
});
