import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Spool } from '../../lib/write/spool';
import { holdsLock, lockOwner, MemorySpool, openSpool } from '../../lib/write/spool';

const lines = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `m v=${from + i} ${from + i}`);

const big = { maxLines: 1_000_000, maxBytes: 1e12 };

describe('write: spool in memory', () => {
  it('hands out the oldest lines first, up to the batch size', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 5));
    assert.deepEqual(spool.take(3, 1e9), lines(1, 3));
  });

  it('keeps a taken batch until it is acknowledged', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 5));
    spool.take(3, 1e9);
    assert.equal(spool.size, 5);
    assert.deepEqual(spool.take(3, 1e9), lines(1, 3));
    spool.ack(3);
    assert.equal(spool.size, 2);
    assert.deepEqual(spool.take(3, 1e9), lines(4, 5));
  });

  it('gives the rest of a partly acknowledged batch again', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 5));
    spool.take(4, 1e9);
    spool.ack(1);
    assert.deepEqual(spool.take(4, 1e9), lines(2, 4));
  });

  it('limits a batch by bytes but always gives at least one line', () => {
    const spool = new MemorySpool(big);
    spool.append(['aaaa', 'bbbb', 'cccc']);
    assert.deepEqual(spool.take(10, 10), ['aaaa', 'bbbb']);
    spool.ack(2);
    assert.deepEqual(spool.take(10, 1), ['cccc']);
  });

  it('drops the oldest lines beyond maxLines and counts them', () => {
    const spool = new MemorySpool({ maxLines: 5, maxBytes: 1e9 });
    spool.append(lines(1, 4));
    assert.deepEqual(spool.append(lines(5, 7)), { dropped: 2 });
    assert.equal(spool.size, 5);
    assert.deepEqual(spool.take(10, 1e9), lines(3, 7));
  });

  it('drops the oldest lines beyond maxBytes', () => {
    const spool = new MemorySpool({ maxLines: 100, maxBytes: 15 });
    spool.append(['aaaa', 'bbbb', 'cccc']);
    assert.deepEqual(spool.append(['dddd']), { dropped: 1 });
    assert.equal(spool.bytes, 15);
  });

  it('never drops the batch being sent', () => {
    const spool = new MemorySpool({ maxLines: 4, maxBytes: 1e9 });
    spool.append(lines(1, 4));
    spool.take(2, 1e9);
    assert.deepEqual(spool.append(lines(5, 6)), { dropped: 2 });
    assert.deepEqual(spool.take(2, 1e9), lines(1, 2));
    spool.ack(2);
    assert.deepEqual(spool.take(10, 1e9), lines(5, 6));
  });

  it('numbers lines so that oldest and newest tell what is left', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 3));
    assert.equal(spool.oldest, 1);
    assert.equal(spool.newest, 3);
    spool.take(3, 1e9);
    spool.ack(3);
    assert.equal(spool.oldest, undefined);
  });
});

describe('write: spool on disk', () => {
  let dir: string;
  const open = (extra: Partial<Parameters<typeof openSpool>[0]> = {}): Spool => openSpool({ ...big, dir, ...extra });
  const segmentFiles = (): string[] =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.seg'))
      .sort();
  const drain = (spool: Spool): string[] => {
    const out: string[] = [];
    while (spool.size > 0) {
      const batch = spool.take(1000, 1e9);
      out.push(...batch);
      spool.ack(batch.length);
    }
    return out;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-spool-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is durable when it can use the directory', () => {
    const spool = open();
    assert.equal(spool.durable, true);
    assert.equal(spool.error, undefined);
    spool.close();
  });

  it('gives back unacknowledged lines after a restart', () => {
    const first = open();
    first.append(lines(1, 3));
    first.append(lines(4, 5));
    first.close();
    const second = open();
    assert.deepEqual(second.recovered, { lines: 5, discardedBytes: 0, dropped: 0 });
    assert.deepEqual(drain(second), lines(1, 5));
    second.close();
  });

  it('has written the lines before append returns, so a process that dies right after loses none', () => {
    // Another process appends and exits at once: no close(), no sync(), its lock left behind.
    const script = `
      const { openSpool } = require(${JSON.stringify(path.resolve(__dirname, '../../lib/write/spool.ts'))});
      const spool = openSpool({ maxLines: 100, maxBytes: 1e9, dir: ${JSON.stringify(dir)} });
      spool.append(['m v=1 1', 'm v=2 2']);
      process.exit(0);`;
    execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: path.resolve(__dirname, '../..') });
    assert.ok(fs.existsSync(path.join(dir, 'spool.lock')));
    const spool = open();
    assert.deepEqual(drain(spool), ['m v=1 1', 'm v=2 2']);
    spool.close();
  });

  it('does not give back acknowledged lines', () => {
    const first = open();
    first.append(lines(1, 5));
    first.take(2, 1e9);
    first.ack(2);
    first.close();
    const second = open();
    assert.deepEqual(drain(second), lines(3, 5));
    second.close();
  });

  it('gives back the rest of a batch acknowledged in part', () => {
    const first = open();
    first.append(lines(1, 5));
    first.take(4, 1e9);
    first.ack(1);
    first.close();
    const second = open();
    assert.deepEqual(drain(second), lines(2, 5));
    second.close();
  });

  it('ignores a torn last record and keeps the whole ones', () => {
    const first = open();
    first.append(lines(1, 2));
    first.append(lines(3, 4));
    first.close();
    const [file] = segmentFiles();
    const size = fs.statSync(path.join(dir, file)).size;
    fs.truncateSync(path.join(dir, file), size - 5);
    const second = open();
    assert.equal(second.recovered.lines, 2);
    assert.ok(second.recovered.discardedBytes > 0);
    assert.deepEqual(drain(second), lines(1, 2));
    second.close();
  });

  it('ignores a damaged record (bad checksum) and what follows it', () => {
    const first = open();
    first.append(lines(1, 2));
    first.append(lines(3, 4));
    first.close();
    const file = path.join(dir, segmentFiles()[0]);
    const buf = fs.readFileSync(file);
    buf[buf.length - 3] ^= 0xff;
    fs.writeFileSync(file, buf);
    const second = open();
    assert.deepEqual(drain(second), lines(1, 2));
    second.close();
  });

  it('ignores garbage appended by a crash in the middle of a header', () => {
    const first = open();
    first.append(lines(1, 3));
    first.close();
    fs.appendFileSync(path.join(dir, segmentFiles()[0]), Buffer.from([0x4c, 0, 0]));
    const second = open();
    assert.deepEqual(drain(second), lines(1, 3));
    assert.equal(second.recovered.discardedBytes, 3);
    second.close();
  });

  it('keeps lines with newlines, quotes and non-ASCII text intact', () => {
    const odd = ['m s="one\ntwo" 1', 'm s="é😀\\"" 2'];
    const first = open();
    first.append(odd);
    first.close();
    const second = open();
    assert.deepEqual(drain(second), odd);
    second.close();
  });

  it('empties the log once everything is acknowledged', () => {
    const spool = open();
    spool.append(lines(1, 100));
    drain(spool);
    const files = segmentFiles();
    assert.equal(files.length, 1);
    assert.equal(fs.statSync(path.join(dir, files[0])).size, 0);
    spool.close();
  });

  it('compacts on open into one segment holding only what is left', () => {
    const first = open({ segmentBytes: 200 });
    for (let i = 0; i < 10; i++) first.append(lines(i * 10 + 1, i * 10 + 10));
    first.take(55, 1e9);
    first.ack(55);
    first.close();
    const second = open();
    assert.equal(segmentFiles().length, 1);
    assert.deepEqual(drain(second), lines(56, 100));
    second.close();
  });

  it('starts new segments as the log grows and deletes those fully acknowledged', () => {
    const spool = open({ segmentBytes: 300 });
    for (let i = 0; i < 20; i++) spool.append(lines(i * 5 + 1, i * 5 + 5));
    const grown = segmentFiles().length;
    assert.ok(grown > 3, `expected several segments, got ${grown}`);
    const batch = spool.take(90, 1e9);
    spool.ack(batch.length);
    assert.ok(segmentFiles().length < grown);
    spool.close();
    const again = open();
    assert.deepEqual(drain(again), lines(91, 100));
    again.close();
  });

  it('does not duplicate lines when a compaction was cut short before the old segments were deleted', () => {
    const first = open();
    first.append(lines(1, 3));
    first.close();
    const [file] = segmentFiles();
    fs.copyFileSync(path.join(dir, file), path.join(dir, 'spool-000000000099.seg'));
    const second = open();
    assert.deepEqual(drain(second), lines(1, 3));
    second.close();
  });

  it('keeps the batch being sent and the newer lines when the cap dropped lines in between', () => {
    const first = open({ maxLines: 4 });
    first.append(lines(1, 4));
    first.take(2, 1e9);
    first.append(lines(5, 6));
    first.close();
    const second = open({ maxLines: 4 });
    assert.deepEqual(drain(second), [...lines(1, 2), ...lines(5, 6)]);
    second.close();
  });

  it('drops the oldest recovered lines when the limits shrank', () => {
    const first = open();
    first.append(lines(1, 10));
    first.close();
    const second = open({ maxLines: 4 });
    assert.deepEqual(second.recovered, { lines: 4, discardedBytes: 0, dropped: 6 });
    assert.deepEqual(drain(second), lines(7, 10));
    second.close();
  });

  it('refuses a second spool on the same directory and keeps its lines in memory', () => {
    const first = open();
    const second = open();
    assert.equal(second.durable, false);
    assert.equal(second.error?.code, 'spool-locked');
    second.append(lines(1, 1));
    assert.equal(second.size, 1);
    second.close();
    first.close();
  });

  it('lets the directory be used again after close', () => {
    open().close();
    const again = open();
    assert.equal(again.durable, true);
    again.close();
  });

  it('takes over the lock of a process that is gone', () => {
    fs.writeFileSync(path.join(dir, 'spool.lock'), '999999999');
    const spool = open();
    assert.equal(spool.durable, true);
    spool.close();
  });

  it('takes over the lock of a killed process whose pid another process got since, and sends its lines', () => {
    const first = open();
    first.append(lines(1, 3));
    first.close();
    const other = spawn('sleep', ['30']);
    try {
      // What SIGKILL leaves: the old holder's pid (now reused by `sleep`) with the old holder's start time.
      fs.writeFileSync(path.join(dir, 'spool.lock'), `${other.pid} 1`);
      const spool = open();
      assert.equal(spool.durable, true, spool.error?.message);
      assert.equal(spool.recovered.lines, 3);
      assert.deepEqual(drain(spool), lines(1, 3));
      spool.close();
    } finally {
      other.kill();
    }
  });

  it('respects the lock of a live process that still holds it', () => {
    const other = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dir, 'spool.lock'), lockOwner(other.pid as number));
      assert.equal(holdsLock(lockOwner(other.pid as number)), true);
      const spool = open();
      assert.equal(spool.durable, false);
      assert.equal(spool.error?.code, 'spool-locked');
      assert.match(spool.error?.message ?? '', new RegExp(`used by process ${other.pid}`));
      spool.close();
    } finally {
      other.kill();
    }
  });

  it('keeps lines in memory and says why when the directory cannot be used', () => {
    const notADir = path.join(dir, 'file');
    fs.writeFileSync(notADir, 'x');
    const spool = openSpool({ ...big, dir: notADir });
    assert.equal(spool.durable, false);
    assert.equal(spool.error?.code, 'spool-io');
    assert.match(spool.error?.message ?? '', /kept in memory only/);
    spool.append(lines(1, 2));
    assert.deepEqual(drain(spool), lines(1, 2));
    spool.close();
  });
});
