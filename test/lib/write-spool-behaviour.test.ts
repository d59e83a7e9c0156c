/**
 * The write spool's bookkeeping, pinned rule by rule: sizes, bytes and sequence numbers through take, ack
 * and the cap; the segment files on disk (when one rolls, when one is deleted, the log reset); recovery
 * from logs written by hand (records out of order, gaps, removals of the newest lines); the lock file
 * (found by mutation testing, see TESTING.md).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import fsModule = require('node:fs');
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeRecord, type SpoolRecord } from '../../lib/write/segment';
import type { Spool, SpoolOptions } from '../../lib/write/spool';
import { holdsLock, lockOwner, MemorySpool, openSpool, runs } from '../../lib/write/spool';

const lines = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `m v=${from + i} ${from + i}`);
const bytesOf = (ls: readonly string[]): number => ls.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0);
const big = { maxLines: 1_000_000, maxBytes: 1e12 };

function drain(spool: Spool): string[] {
  const out: string[] = [];
  while (spool.size > 0) {
    const batch = spool.take(1000, 1e12);
    out.push(...batch);
    spool.ack(batch.length);
  }
  return out;
}

describe('write spool: bookkeeping in memory', () => {
  it('is not durable, recovered nothing and has no error', () => {
    const spool = new MemorySpool(big);
    assert.equal(spool.durable, false);
    assert.deepEqual(spool.recovered, { lines: 0, discardedBytes: 0, dropped: 0 });
    assert.equal(spool.error, undefined);
    assert.equal(spool.oldest, undefined);
    assert.equal(spool.newest, 0);
  });

  it('counts a taken batch in size and bytes until each of its lines is acknowledged', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 5));
    assert.equal(spool.bytes, bytesOf(lines(1, 5)));
    spool.take(3, 1e9);
    assert.equal(spool.size, 5);
    spool.ack(1);
    assert.equal(spool.size, 4);
    assert.equal(spool.bytes, bytesOf(lines(2, 5)));
    spool.ack(2);
    assert.equal(spool.size, 2);
    assert.equal(spool.bytes, bytesOf(lines(4, 5)));
  });

  it('counts bytes as UTF-8 plus one newline per line', () => {
    const spool = new MemorySpool(big);
    spool.append(['é', 'ab']);
    assert.equal(spool.bytes, 3 + 3);
  });

  it('numbers lines across appends, and tells the oldest held through take and ack', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 3));
    spool.append(lines(4, 6));
    assert.deepEqual([spool.oldest, spool.newest], [1, 6]);
    spool.take(2, 1e9);
    assert.equal(spool.oldest, 1);
    spool.ack(1);
    assert.equal(spool.oldest, 2);
    spool.ack(1);
    assert.equal(spool.oldest, 3);
    spool.take(10, 1e9);
    spool.ack(2);
    assert.equal(spool.oldest, 5);
    spool.ack(2);
    assert.deepEqual([spool.oldest, spool.newest, spool.size, spool.bytes], [undefined, 6, 0, 0]);
  });

  it('ignores an empty append: no sequence number is used', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 2));
    assert.deepEqual(spool.append([]), { dropped: 0 });
    assert.equal(spool.newest, 2);
    spool.append(['x']);
    assert.equal(spool.newest, 3);
  });

  it('acknowledges no more than the taken batch, and nothing for zero or a negative count', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 5));
    spool.take(2, 1e9);
    spool.ack(0);
    spool.ack(-3);
    assert.equal(spool.size, 5);
    spool.ack(10);
    assert.equal(spool.size, 3);
    assert.equal(spool.bytes, bytesOf(lines(3, 5)));
    assert.deepEqual(spool.take(10, 1e9), lines(3, 5));
  });

  it('settles no more than what is left of a partly acknowledged batch', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 5));
    spool.take(3, 1e9);
    spool.ack(1);
    spool.ack(10);
    assert.equal(spool.size, 2);
    assert.equal(spool.bytes, bytesOf(lines(4, 5)));
    assert.deepEqual(spool.take(10, 1e9), lines(4, 5));
  });

  it('drops a line bigger than the byte cap on its own, and nothing else', () => {
    const spool = new MemorySpool({ maxLines: 100, maxBytes: 20 });
    assert.deepEqual(spool.append(['x'.repeat(50)]), { dropped: 1 });
    assert.deepEqual([spool.size, spool.bytes], [0, 0]);
    spool.append(['small']);
    spool.take(1, 1e9);
    assert.deepEqual(spool.append(['y'.repeat(50)]), { dropped: 1 });
    assert.deepEqual(drain(spool), ['small']);
  });

  it('takes a new batch from where the acknowledged one ended', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 6));
    assert.deepEqual(spool.take(2, 1e9), lines(1, 2));
    spool.ack(2);
    assert.deepEqual(spool.take(2, 1e9), lines(3, 4));
    spool.ack(1);
    assert.deepEqual(spool.take(5, 1e9), [lines(4, 4)[0]]);
    spool.ack(1);
    assert.deepEqual(spool.take(5, 1e9), lines(5, 6));
  });

  it('drops the oldest lines, not the newest, when the cap is reached, but never the batch being sent', () => {
    const spool = new MemorySpool({ maxLines: 2, maxBytes: 1e9 });
    spool.append(lines(1, 2));
    spool.take(2, 1e9);
    assert.deepEqual(spool.append(lines(3, 5)), { dropped: 3 });
    assert.equal(spool.size, 2);
    assert.equal(spool.oldest, 1);
    spool.ack(2);
    assert.deepEqual(spool.append(lines(6, 8)), { dropped: 1 });
    assert.equal(spool.oldest, 7);
    assert.deepEqual(drain(spool), lines(7, 8));
  });

  it('drops by bytes exactly down to the byte cap', () => {
    const one = bytesOf(lines(1, 1));
    const spool = new MemorySpool({ maxLines: 100, maxBytes: 3 * one });
    assert.deepEqual(spool.append(lines(1, 3)), { dropped: 0 });
    assert.deepEqual(spool.append(lines(4, 5)), { dropped: 2 });
    assert.equal(spool.bytes, 3 * one);
    assert.deepEqual(drain(spool), lines(3, 5));
  });

  it('keeps numbering and order right after many lines went through', () => {
    const spool = new MemorySpool(big);
    spool.append(lines(1, 10_000));
    spool.take(6000, 1e12);
    spool.ack(6000);
    assert.equal(spool.oldest, 6001);
    spool.append(lines(10_001, 10_005));
    assert.deepEqual(spool.take(3, 1e12), lines(6001, 6003));
    spool.ack(3);
    assert.equal(spool.oldest, 6004);
    const rest = drain(spool);
    assert.deepEqual(
      [rest[0], rest[rest.length - 1], rest.length],
      [lines(6004, 6004)[0], lines(10_005, 10_005)[0], 4002],
    );
  });
});

describe('write spool: runs of sequence numbers', () => {
  it('groups consecutive numbers into [from, to] runs', () => {
    assert.deepEqual(runs([]), []);
    assert.deepEqual(runs([4]), [[4, 4]]);
    assert.deepEqual(runs([1, 2, 3, 5, 6, 9]), [
      [1, 3],
      [5, 6],
      [9, 9],
    ]);
    assert.deepEqual(runs([3, 2, 1]), [
      [3, 3],
      [2, 2],
      [1, 1],
    ]);
  });
});

describe('write spool: on disk', () => {
  let dir: string;
  const open = (extra: Partial<SpoolOptions> = {}): Spool => openSpool({ ...big, dir, ...extra });
  const segmentFiles = (): string[] =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.seg'))
      .sort();
  const sizes = (): number[] => segmentFiles().map((f) => fs.statSync(path.join(dir, f)).size);
  /** Writes a segment file by hand, as a crash or an older version might have left it. */
  const writeSegment = (number: number, records: SpoolRecord[]): void => {
    const name = `spool-${String(number).padStart(12, '0')}.seg`;
    fs.writeFileSync(path.join(dir, name), Buffer.concat(records.map(encodeRecord)));
  };
  const L = (first: number, ls: string[]): SpoolRecord => ({ kind: 'L', first, lines: ls });
  const R = (from: number, to: number): SpoolRecord => ({ kind: 'R', from, to, why: 'ack' });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-spool-b-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rolls to a new segment as soon as one reaches segmentBytes, not one record later', () => {
    const record = encodeRecord(L(1, lines(1, 1))).length;
    const spool = open({ segmentBytes: record });
    spool.append(lines(1, 1));
    assert.deepEqual(sizes(), [record, 0]);
    spool.close();
  });

  it('deletes a segment as soon as its last line is acknowledged, and keeps it while that line is held', () => {
    const record = encodeRecord(L(1, lines(1, 2))).length;
    const spool = open({ segmentBytes: record });
    spool.append(lines(1, 2));
    spool.append(lines(3, 4));
    const first = 'spool-000000000001.seg';
    assert.ok(segmentFiles().includes(first));
    spool.take(1, 1e9);
    spool.ack(1);
    assert.ok(segmentFiles().includes(first), 'line 2 of the first segment is still held');
    spool.take(1, 1e9);
    spool.ack(1);
    assert.ok(!segmentFiles().includes(first), 'the first segment is fully acknowledged');
    assert.ok(segmentFiles().includes('spool-000000000002.seg'), 'the second still holds lines 3 and 4');
    spool.close();
    const again = open();
    assert.deepEqual(drain(again), lines(3, 4));
    again.close();
  });

  it('resets the log to one empty segment when everything is acknowledged, and goes on numbering', () => {
    const spool = open({ segmentBytes: 100 });
    for (let i = 0; i < 5; i++) spool.append(lines(i * 3 + 1, i * 3 + 3));
    assert.ok(segmentFiles().length > 2);
    drain(spool);
    assert.deepEqual(sizes(), [0]);
    spool.append(lines(16, 16));
    assert.equal(spool.newest, 16);
    spool.close();
    const again = open();
    assert.deepEqual(drain(again), lines(16, 16));
    assert.equal(again.newest, 16);
    again.close();
  });

  it('writes nothing more once it could not use the directory, and keeps the lines in memory', () => {
    const notADir = path.join(dir, 'file');
    fs.writeFileSync(notADir, 'x');
    const spool = openSpool({ ...big, dir: notADir });
    assert.match(
      spool.error?.message ?? '',
      new RegExp(
        `^cannot open the spool in ${notADir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\((EEXIST|ENOTDIR)\\); ` +
          'points are kept in memory only and are lost on restart$',
      ),
    );
    const reason = spool.error?.message;
    spool.append(lines(1, 3));
    spool.take(1, 1e9);
    spool.ack(1);
    spool.sync();
    assert.equal(spool.durable, false);
    assert.equal(spool.error?.message, reason, 'the first reason stays');
    assert.deepEqual(drain(spool), lines(2, 3));
    spool.close();
    spool.close();
  });

  it('removes temporary files of a cut-short compaction and ignores files that are not segments', () => {
    writeSegment(1, [L(1, lines(1, 2))]);
    fs.writeFileSync(path.join(dir, 'spool-000000000009.seg.tmp'), 'partial');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'xspool-000000000003.seg'), 'not a segment');
    fs.writeFileSync(path.join(dir, 'spool-000000000004.segx'), 'not a segment');
    const spool = open();
    assert.deepEqual(spool.recovered, { lines: 2, discardedBytes: 0, dropped: 0 });
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'notes.txt',
      'spool-000000000002.seg',
      'spool-000000000004.segx',
      'spool.lock',
      'xspool-000000000003.seg',
    ]);
    assert.deepEqual(drain(spool), lines(1, 2));
    spool.close();
  });

  it('compacts many segments into one numbered after the highest, and loses nothing on the next open', () => {
    for (let n = 1; n <= 30; n++) writeSegment(n, [L(n, [`m v=${n} ${n}`])]);
    const first = open();
    assert.deepEqual(segmentFiles(), ['spool-000000000031.seg']);
    first.close();
    const second = open();
    assert.deepEqual(drain(second), lines(1, 30));
    second.close();
  });

  it('replays lines by sequence number whatever order the records are in', () => {
    writeSegment(1, [L(4, lines(4, 5)), L(1, lines(1, 3)), R(5, 5), R(1, 1)]);
    const spool = open();
    assert.deepEqual(spool.recovered, { lines: 3, discardedBytes: 0, dropped: 0 });
    assert.deepEqual(drain(spool), lines(2, 4));
    spool.close();
  });

  it('keeps on numbering after the highest number it finds, even one whose line was removed', () => {
    writeSegment(1, [L(1, lines(1, 3)), L(4, lines(4, 6)), R(4, 6)]);
    const spool = open();
    assert.deepEqual([spool.oldest, spool.newest, spool.size], [1, 6, 3]);
    spool.append(['next']);
    assert.equal(spool.newest, 7);
    spool.close();
  });

  it('keeps on numbering after lines that were all acknowledged before a crash', () => {
    writeSegment(1, [L(1, lines(1, 3)), R(1, 3)]);
    const spool = open();
    assert.deepEqual([spool.size, spool.oldest, spool.newest], [0, undefined, 3]);
    spool.close();
  });

  it('carries gaps in the numbers through compaction, in records of at most 1000 lines', () => {
    writeSegment(1, [L(1, lines(1, 2500)), R(1000, 1500)]);
    const first = open();
    assert.equal(first.size, 1999);
    first.close();
    const second = open();
    assert.deepEqual([second.size, second.oldest, second.newest], [1999, 1, 2500]);
    second.take(999, 1e12);
    second.ack(999);
    assert.equal(second.oldest, 1501, 'line 1501 keeps its number');
    assert.deepEqual(drain(second), lines(1501, 2500));
    second.close();
  });

  it('drops the oldest recovered lines when they exceed the byte cap, and says how many', () => {
    writeSegment(1, [L(1, lines(1, 5))]);
    const one = bytesOf(lines(1, 1));
    const spool = open({ maxBytes: 2 * one });
    assert.deepEqual(spool.recovered, { lines: 2, discardedBytes: 0, dropped: 3 });
    assert.equal(spool.bytes, 2 * one);
    assert.deepEqual(drain(spool), lines(4, 5));
    spool.close();
  });

  it('drops every recovered line when not even one fits', () => {
    writeSegment(1, [L(1, lines(1, 3))]);
    const spool = open({ maxBytes: 1 });
    assert.deepEqual(spool.recovered, { lines: 0, discardedBytes: 0, dropped: 3 });
    assert.equal(spool.size, 0);
    spool.close();
  });

  it('writes nothing to disk for an empty append', () => {
    const spool = open();
    spool.append(lines(1, 2));
    const before = sizes();
    spool.append([]);
    assert.deepEqual(sizes(), before);
    spool.close();
  });

  it('is no longer durable once closed', () => {
    const spool = open();
    spool.append(lines(1, 1));
    spool.close();
    assert.equal(spool.durable, false);
  });

  it('never reuses the numbers of lines acknowledged before a crash, even when only their removal is left', () => {
    writeSegment(2, [R(1, 9)]);
    const spool = open();
    assert.deepEqual([spool.size, spool.newest], [0, 9]);
    spool.append(['next']);
    assert.equal(spool.newest, 10);
    spool.close();
  });

  it('writes each recovered line once when it compacts', () => {
    writeSegment(1, [L(1, lines(1, 2500))]);
    const written = sizes()[0];
    const spool = open();
    const compacted = sizes()[0];
    assert.ok(compacted < written * 1.05, `compacted to ${compacted} bytes from ${written}`);
    spool.close();
  });

  it('counts the compacted segment towards segmentBytes, so the next append starts a new one', () => {
    writeSegment(1, [L(1, lines(1, 50))]);
    const spool = open({ segmentBytes: 100 });
    assert.equal(segmentFiles().length, 1);
    spool.append(lines(51, 51));
    assert.equal(segmentFiles().length, 2);
    spool.close();
    const again = open();
    assert.deepEqual(drain(again), lines(1, 51));
    again.close();
  });

  it('says a directory is taken by another spool of this process', () => {
    const first = open();
    const second = open();
    assert.equal(second.durable, false);
    assert.equal(second.error?.code, 'spool-locked');
    assert.equal(
      second.error?.message,
      `spool directory ${path.resolve(dir)} is already used by another write pipeline of this process; ` +
        'give each pipeline its own directory; points are kept in memory only',
    );
    second.close();
    assert.ok(fs.existsSync(path.join(dir, 'spool.lock')), 'the refused spool leaves the lock alone');
    const third = open();
    assert.equal(third.error?.code, 'spool-locked');
    third.close();
    first.close();
  });

  it('takes over a lock file that names this very process', () => {
    fs.writeFileSync(path.join(dir, 'spool.lock'), ` ${lockOwner(process.pid)}\n`);
    const spool = open();
    assert.equal(spool.durable, true);
    assert.equal(spool.error, undefined);
    spool.close();
  });

  it('releases its lock once: closing again does not release a lock taken since by another spool', () => {
    const first = open();
    first.close();
    const second = open();
    first.close();
    assert.ok(fs.existsSync(path.join(dir, 'spool.lock')));
    const third = open();
    assert.equal(third.error?.code, 'spool-locked');
    third.close();
    second.close();
    assert.ok(!fs.existsSync(path.join(dir, 'spool.lock')));
  });
});

describe('write spool: disk faults and descriptors', () => {
  let dir: string;
  const saved = new Map<string, unknown>();
  /** Replaces one node:fs function for this test (the spool calls them through the module object). */
  function stub<K extends keyof typeof fsModule>(name: K, make: (original: (typeof fsModule)[K]) => unknown): void {
    if (!saved.has(name)) saved.set(name, fsModule[name]);
    Reflect.set(fsModule, name, make(saved.get(name) as (typeof fsModule)[K]));
  }
  const failWith = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  const open = (extra: Partial<SpoolOptions> = {}): Spool => openSpool({ ...big, dir, ...extra });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-spool-f-'));
  });
  afterEach(() => {
    for (const [name, original] of saved) Reflect.set(fsModule, name, original);
    saved.clear();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks the OS to flush on sync and on close', () => {
    const spool = open();
    let flushes = 0;
    stub('fdatasyncSync', (original) => (fd: number) => {
      flushes++;
      original(fd);
    });
    spool.append(lines(1, 2));
    spool.sync();
    assert.equal(flushes, 1);
    spool.close();
    assert.equal(flushes, 2);
  });

  it('keeps the lines in memory and names the step when flushing fails', () => {
    const spool = open();
    spool.append(lines(1, 2));
    stub('fdatasyncSync', () => failWith('EIO'));
    spool.sync();
    assert.equal(spool.durable, false);
    assert.equal(
      spool.error?.message,
      `cannot sync the spool in ${path.resolve(dir)} (EIO); points are kept in memory only and are lost on restart`,
    );
    spool.append(lines(3, 3));
    assert.deepEqual(drain(spool), lines(1, 3));
    spool.close();
  });

  it('keeps the lines in memory and names the step when writing fails, and writes no more', () => {
    const spool = open();
    let writes = 0;
    stub('writeSync', () => () => {
      writes++;
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    });
    spool.append(lines(1, 2));
    assert.equal(writes, 1);
    assert.equal(spool.durable, false);
    assert.match(
      spool.error?.message ?? '',
      /^cannot write to the spool in .* \(ENOSPC\); points are kept in memory only/,
    );
    spool.append(lines(3, 4));
    assert.equal(writes, 1);
    assert.deepEqual(drain(spool), lines(1, 4));
    spool.close();
  });

  it('names the step when removing an old segment fails', () => {
    const spool = open({ segmentBytes: 1 });
    spool.append(lines(1, 1));
    spool.append(lines(2, 2));
    stub('unlinkSync', () => failWith('EACCES'));
    spool.take(1, 1e9);
    spool.ack(1);
    assert.equal(spool.durable, false);
    assert.match(spool.error?.message ?? '', /^cannot maintain the spool in .* \(EACCES\)/);
    assert.deepEqual(drain(spool), lines(2, 2));
    spool.close();
  });

  it('finishes a record the OS wrote only in part', () => {
    stub(
      'writeSync',
      (original) => (fd: number, buf: Buffer, off: number, length: number) =>
        original(fd, buf, off, Math.min(length, 7)),
    );
    const first = open();
    first.append(lines(1, 3));
    first.take(1, 1e9);
    first.ack(1);
    first.close();
    const second = open();
    assert.deepEqual(second.recovered, { lines: 2, discardedBytes: 0, dropped: 0 });
    assert.deepEqual(drain(second), lines(2, 3));
    second.close();
  });

  it('closes every descriptor it opened, through rolls, compaction and close', () => {
    const opened = new Set<number>();
    stub('openSync', (original) => (...args: Parameters<typeof fs.openSync>) => {
      const fd = original(...args);
      opened.add(fd);
      return fd;
    });
    stub('closeSync', (original) => (fd: number) => {
      opened.delete(fd);
      original(fd);
    });
    const first = open({ segmentBytes: 50 });
    for (let i = 0; i < 5; i++) first.append(lines(i * 2 + 1, i * 2 + 2));
    first.close();
    assert.deepEqual([...opened], []);
    const second = open();
    assert.equal(second.size, 10);
    second.close();
    assert.deepEqual([...opened], []);
  });

  it('compacts segments in the order of their numbers, whatever order the directory lists them in', () => {
    const writeSegment = (number: number, first: number, ls: string[]): void =>
      fs.writeFileSync(
        path.join(dir, `spool-${String(number).padStart(12, '0')}.seg`),
        encodeRecord({ kind: 'L', first, lines: ls }),
      );
    writeSegment(1, 1, lines(1, 2));
    writeSegment(2, 3, lines(3, 4));
    writeSegment(3, 5, lines(5, 6));
    stub(
      'readdirSync',
      (original) =>
        (...args: Parameters<typeof fs.readdirSync>) =>
          (original(...args) as unknown as string[]).slice().sort().reverse(),
    );
    const first = open();
    first.close();
    Reflect.set(fsModule, 'readdirSync', saved.get('readdirSync'));
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.seg')),
      ['spool-000000000004.seg'],
    );
    const second = open();
    assert.deepEqual(drain(second), lines(1, 6));
    second.close();
  });

  it('names the reason when it cannot create its lock file', () => {
    stub('writeFileSync', (original) => (...args: Parameters<typeof fs.writeFileSync>) => {
      if (String(args[0]).endsWith('spool.lock')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return original(...args);
    });
    const spool = open();
    assert.equal(spool.durable, false);
    assert.match(spool.error?.message ?? '', /^cannot open the spool in .* \(EACCES\)/);
    spool.close();
  });

  it('flushes the directory after it renamed the compacted segment into place', () => {
    fs.writeFileSync(path.join(dir, 'placeholder'), '');
    const dirFds = new Set<number>();
    let dirFlushed = false;
    stub('openSync', (original) => (...args: Parameters<typeof fs.openSync>) => {
      const fd = original(...args);
      if (path.resolve(String(args[0])) === path.resolve(dir) && args[1] === 'r') dirFds.add(fd);
      return fd;
    });
    stub('fsyncSync', (original) => (fd: number) => {
      if (dirFds.has(fd)) dirFlushed = true;
      original(fd);
    });
    const spool = open();
    assert.equal(dirFlushed, true);
    spool.close();
  });
});

describe('write spool: lock owners', () => {
  it('names this process by its pid and, where /proc exists, its start time', () => {
    const owner = lockOwner(process.pid);
    if (fs.existsSync('/proc/self/stat')) assert.match(owner, new RegExp(`^${process.pid} \\d+$`));
    else assert.equal(owner, String(process.pid));
    assert.equal(lockOwner(2 ** 22 + 12345), String(2 ** 22 + 12345));
  });

  it('sees this process holding a lock written with or without its start time, and with blanks around', () => {
    assert.equal(holdsLock(lockOwner(process.pid)), true);
    assert.equal(holdsLock(String(process.pid)), true);
    assert.equal(holdsLock(` ${lockOwner(process.pid)}\n`), true);
  });

  it('sees no holder for a pid that is not a positive integer or a start time that differs', () => {
    for (const owner of ['0', '-1', 'abc', '', '1.5']) assert.equal(holdsLock(owner), false, owner);
    assert.equal(holdsLock(`${process.pid} 1`), !fs.existsSync('/proc/self/stat'));
  });

  it('counts a process it may not signal as alive', () => {
    const kill = process.kill;
    try {
      Reflect.set(process, 'kill', () => {
        throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
      });
      assert.equal(holdsLock('4194000'), true);
      Reflect.set(process, 'kill', () => {
        throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
      });
      assert.equal(holdsLock('4194000'), false);
    } finally {
      Reflect.set(process, 'kill', kill);
    }
  });

  it('counts a live process as the holder when its start time cannot be read', () => {
    const readFileSync = fsModule.readFileSync;
    try {
      Reflect.set(fsModule, 'readFileSync', (...args: Parameters<typeof fs.readFileSync>) => {
        if (String(args[0]).startsWith('/proc/')) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return readFileSync(...args);
      });
      assert.equal(holdsLock(`${process.pid} 999`), true);
    } finally {
      Reflect.set(fsModule, 'readFileSync', readFileSync);
    }
  });

  it('gives a process started later a later start time', async () => {
    assert.ok(fs.existsSync('/proc/self/stat'), 'a process start time comes from Linux /proc');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const mine = Number(lockOwner(process.pid).split(' ')[1]);
      const theirs = Number(lockOwner(child.pid as number).split(' ')[1]);
      assert.ok(theirs > mine, `${theirs} should be after ${mine}`);
      assert.equal(holdsLock(lockOwner(child.pid as number)), true);
    } finally {
      child.kill();
    }
  });
});
