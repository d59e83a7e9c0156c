/**
 * The write buffer: a bounded queue of lines, in memory or durable on disk.
 *
 * On disk it is an append-only log of segment files in a directory of its own. `append` writes the
 * lines before it returns (so a Node-RED restart or a crash loses nothing that `write()` accepted; a
 * power cut may lose what the OS had not flushed since the last `sync()`); acknowledging a batch appends
 * a small "removed" record. On open the log is replayed — a torn last record is ignored — and compacted
 * into one segment holding only the lines still to send. While running, segments whose lines are all
 * acknowledged are deleted, and the log is truncated whenever the queue is empty.
 *
 * The cap (lines and bytes) drops the oldest lines not yet taken for sending, and counts them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WriteError } from './errors';
import { writeError } from './errors';
import type { SpoolRecord } from './segment';
import { decodeSegment, encodeRecord } from './segment';

export interface SpoolOptions {
  /** Most lines held (including the batch being sent); beyond it the oldest are dropped. */
  maxLines: number;
  /** Most bytes of line text held; beyond it the oldest are dropped. */
  maxBytes: number;
  /** Directory for the segment files, used by this spool alone; omitted = memory only. */
  dir?: string;
  /** Start a new segment file after this many bytes. Default 4 MiB. */
  segmentBytes?: number;
}

export interface RecoveryReport {
  /** Lines found in the spool directory at open; they are sent first. */
  lines: number;
  /** Bytes of torn or damaged records that were ignored (a crash in the middle of a write). */
  discardedBytes: number;
  /** Lines dropped at open because they exceed the limits. */
  dropped: number;
}

export interface Spool {
  /** Lines held, including a taken batch that is not acknowledged yet. */
  readonly size: number;
  /** Bytes of the lines held. */
  readonly bytes: number;
  /** True while lines go to disk (false in memory, or after a disk error). */
  readonly durable: boolean;
  readonly recovered: RecoveryReport;
  /** Why the spool is not (or no longer) durable, if it should be. */
  readonly error: WriteError | undefined;
  /** Sequence number of the oldest line held (undefined when empty); lines are numbered as appended. */
  readonly oldest: number | undefined;
  /** Sequence number of the line appended last (0 before any). */
  readonly newest: number;
  /** Adds lines at the tail; returns how many of the oldest lines were dropped to stay within the limits. */
  append(lines: readonly string[]): { dropped: number };
  /**
   * The batch to send: up to `maxLines` lines and `maxBytes` bytes (at least one line) from the head.
   * They stay held until acknowledged; calling again before that returns the rest of the same batch.
   */
  take(maxLines: number, maxBytes: number): readonly string[];
  /** The first `count` lines of the taken batch are settled (written, or failed for good). */
  ack(count: number): void;
  /** Asks the OS to put what was appended on the disk. */
  sync(): void;
  /** Syncs and releases the directory; unacknowledged lines stay there for the next open. */
  close(): void;
}

export function openSpool(options: SpoolOptions): Spool {
  return options.dir ? new FileSpool(options, options.dir) : new MemorySpool(options);
}

/** Line bytes as counted by the limits (the text plus its newline in a request body). */
function lineBytes(line: string): number {
  return Buffer.byteLength(line, 'utf8') + 1;
}

export class MemorySpool implements Spool {
  recovered: RecoveryReport = { lines: 0, discardedBytes: 0, dropped: 0 };
  error: WriteError | undefined;
  protected nextSeq = 1;
  private queue: string[] = [];
  private queueSeqs: number[] = [];
  private head = 0;
  private taken: string[] = [];
  private takenSeqs: number[] = [];
  private takenHead = 0;
  private heldBytes = 0;

  constructor(protected readonly limits: SpoolOptions) {}

  get size(): number {
    return this.queue.length - this.head + this.taken.length - this.takenHead;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  get durable(): boolean {
    return false;
  }

  get oldest(): number | undefined {
    return this.oldestSeq();
  }

  get newest(): number {
    return this.nextSeq - 1;
  }

  append(lines: readonly string[]): { dropped: number } {
    if (lines.length === 0) return { dropped: 0 };
    const first = this.nextSeq;
    this.nextSeq += lines.length;
    for (let i = 0; i < lines.length; i++) {
      this.queue.push(lines[i]);
      this.queueSeqs.push(first + i);
      this.heldBytes += lineBytes(lines[i]);
    }
    this.persist({ kind: 'L', first, lines });
    const dropped = this.enforceLimits();
    this.maintain();
    return { dropped };
  }

  take(maxLines: number, maxBytes: number): readonly string[] {
    if (this.takenHead < this.taken.length) return this.taken.slice(this.takenHead);
    let n = 0;
    let bytes = 0;
    while (this.head + n < this.queue.length && n < maxLines) {
      const b = lineBytes(this.queue[this.head + n]);
      if (n > 0 && bytes + b > maxBytes) break;
      bytes += b;
      n++;
    }
    this.taken = this.queue.slice(this.head, this.head + n);
    this.takenSeqs = this.queueSeqs.slice(this.head, this.head + n);
    this.takenHead = 0;
    this.head += n;
    this.compactQueue();
    return this.taken;
  }

  ack(count: number): void {
    const n = Math.min(count, this.taken.length - this.takenHead);
    if (n <= 0) return;
    const seqs = this.takenSeqs.slice(this.takenHead, this.takenHead + n);
    for (let i = this.takenHead; i < this.takenHead + n; i++) this.heldBytes -= lineBytes(this.taken[i]);
    this.takenHead += n;
    if (this.takenHead >= this.taken.length) {
      this.taken = [];
      this.takenSeqs = [];
      this.takenHead = 0;
    }
    for (const [from, to] of runs(seqs)) this.persist({ kind: 'R', from, to, why: 'ack' });
    this.maintain();
  }

  sync(): void {}

  close(): void {}

  /** Seq of the oldest line held, or undefined when empty. */
  protected oldestSeq(): number | undefined {
    if (this.takenHead < this.taken.length) return this.takenSeqs[this.takenHead];
    return this.head < this.queue.length ? this.queueSeqs[this.head] : undefined;
  }

  /** Loads recovered lines (file spool). */
  protected load(entries: ReadonlyArray<[number, string]>): void {
    for (const [seq, line] of entries) {
      this.queue.push(line);
      this.queueSeqs.push(seq);
      this.heldBytes += lineBytes(line);
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
  }

  /** Hook: make a record durable (file spool). */
  protected persist(_record: SpoolRecord): void {}

  /** Hook: housekeeping after lines came or went (file spool). */
  protected maintain(): void {}

  private enforceLimits(): number {
    let n = 0;
    let bytes = this.heldBytes;
    let count = this.size;
    while (this.head + n < this.queue.length && (count > this.limits.maxLines || bytes > this.limits.maxBytes)) {
      bytes -= lineBytes(this.queue[this.head + n]);
      count--;
      n++;
    }
    if (n === 0) return 0;
    const seqs = this.queueSeqs.slice(this.head, this.head + n);
    this.heldBytes = bytes;
    this.head += n;
    this.compactQueue();
    for (const [from, to] of runs(seqs)) this.persist({ kind: 'R', from, to, why: 'drop' });
    return n;
  }

  private compactQueue(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.queueSeqs = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.queueSeqs = this.queueSeqs.slice(this.head);
      this.head = 0;
    }
  }
}

interface Segment {
  number: number;
  file: string;
  bytes: number;
  /** Highest line seq in this segment; -1 when it holds none. */
  lastSeq: number;
}

const SEGMENT_NAME = /^spool-(\d{12})\.seg$/;
const LOCK_FILE = 'spool.lock';
/** Directories held by spools of this process (a lock file cannot tell two of them apart). */
const openDirs = new Set<string>();

class FileSpool extends MemorySpool {
  private readonly dir: string;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private fd: number | undefined;
  private locked = false;

  constructor(options: SpoolOptions, dir: string) {
    super(options);
    this.dir = path.resolve(dir);
    this.segmentBytes = options.segmentBytes ?? 4 * 1024 * 1024;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      this.lock();
      this.recover();
    } catch (e) {
      this.fail(e, 'open');
    }
  }

  override get durable(): boolean {
    return this.fd !== undefined;
  }

  override sync(): void {
    if (this.fd === undefined) return;
    try {
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      this.fail(e, 'sync');
    }
  }

  override close(): void {
    if (this.fd !== undefined) {
      this.sync();
      this.closeFd();
    }
    this.unlock();
  }

  protected override persist(record: SpoolRecord): void {
    if (this.fd === undefined) return;
    const active = this.segments[this.segments.length - 1];
    const buf = encodeRecord(record);
    try {
      writeAll(this.fd, buf);
    } catch (e) {
      this.fail(e, 'write to');
      return;
    }
    active.bytes += buf.length;
    if (record.kind === 'L') active.lastSeq = record.first + record.lines.length - 1;
  }

  protected override maintain(): void {
    if (this.fd === undefined) return;
    try {
      const oldest = this.oldestSeq();
      if (oldest === undefined) {
        this.resetLog();
        return;
      }
      // Older segments can go once every line in them was acknowledged or dropped.
      while (this.segments.length > 1 && this.segments[0].lastSeq < oldest) {
        fs.unlinkSync(this.segments[0].file);
        this.segments.shift();
      }
      const active = this.segments[this.segments.length - 1];
      if (active.bytes >= this.segmentBytes) this.roll(active.number + 1);
    } catch (e) {
      this.fail(e, 'maintain');
    }
  }

  /** Nothing left to send: start the log afresh instead of letting it grow. */
  private resetLog(): void {
    const active = this.segments[this.segments.length - 1];
    for (const old of this.segments.slice(0, -1)) fs.unlinkSync(old.file);
    this.segments = [active];
    if (active.bytes > 0 && this.fd !== undefined) {
      fs.ftruncateSync(this.fd, 0);
      active.bytes = 0;
      active.lastSeq = -1;
    }
  }

  private roll(number: number): void {
    if (this.fd !== undefined) {
      fs.fdatasyncSync(this.fd);
      this.closeFd();
    }
    const file = this.segmentFile(number);
    this.fd = fs.openSync(file, 'a');
    this.segments.push({ number, file, bytes: 0, lastSeq: -1 });
  }

  private recover(): void {
    const names = fs.readdirSync(this.dir);
    for (const name of names) if (name.endsWith('.tmp')) fs.unlinkSync(path.join(this.dir, name));
    const found = names
      .map((name) => SEGMENT_NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ number: Number(m[1]), file: path.join(this.dir, m[0]) }))
      .sort((a, b) => a.number - b.number);

    const lines = new Map<number, string>();
    const removed: Array<[number, number]> = [];
    let discardedBytes = 0;
    let maxSeq = 0;
    for (const seg of found) {
      const decoded = decodeSegment(fs.readFileSync(seg.file));
      discardedBytes += decoded.discardedBytes;
      for (const r of decoded.records) {
        if (r.kind === 'L') {
          r.lines.forEach((line, i) => lines.set(r.first + i, line));
          maxSeq = Math.max(maxSeq, r.first + r.lines.length - 1);
        } else {
          removed.push([r.from, r.to]);
          maxSeq = Math.max(maxSeq, r.to);
        }
      }
    }
    let live = liveEntries(lines, removed);
    let dropped = 0;
    const { maxLines, maxBytes } = this.limits;
    let bytes = live.reduce((sum, [, line]) => sum + lineBytes(line), 0);
    while (live.length - dropped > maxLines || (bytes > maxBytes && dropped < live.length)) {
      bytes -= lineBytes(live[dropped][1]);
      dropped++;
    }
    live = live.slice(dropped);

    // Compact: write the live lines into a new segment first, then delete the old ones; a crash in
    // between leaves both, and replay dedupes by sequence number.
    const number = (found.length ? found[found.length - 1].number : 0) + 1;
    const file = this.segmentFile(number);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    let written = 0;
    let lastSeq = -1;
    try {
      // Seqs inside a record are consecutive; recovered lines may have gaps, so records split on them.
      for (let i = 0; i < live.length; i += 1000) {
        for (const part of splitConsecutive(live.slice(i, i + 1000))) {
          const buf = encodeRecord({ kind: 'L', first: part[0][0], lines: part.map(([, l]) => l) });
          writeAll(fd, buf);
          written += buf.length;
          lastSeq = part[part.length - 1][0];
        }
      }
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDir(this.dir);
    for (const seg of found) fs.unlinkSync(seg.file);

    this.fd = fs.openSync(file, 'a');
    this.segments = [{ number, file, bytes: written, lastSeq }];
    this.load(live);
    this.nextSeq = Math.max(this.nextSeq, maxSeq + 1);
    this.recovered = { lines: live.length, discardedBytes, dropped };
  }

  private lock(): void {
    if (openDirs.has(this.dir)) {
      throw lockError(
        `spool directory ${this.dir} is already used by another write pipeline of this process; ` +
          'give each pipeline its own directory',
      );
    }
    const lockFile = path.join(this.dir, LOCK_FILE);
    const mine = lockOwner(process.pid);
    try {
      fs.writeFileSync(lockFile, mine, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = fs.readFileSync(lockFile, 'utf8').trim();
      const pid = Number(holder.split(' ')[0]);
      if (pid !== process.pid && holdsLock(holder)) {
        throw lockError(
          `spool directory ${this.dir} is used by process ${pid}; stop it, or delete ${lockFile} if it is gone`,
        );
      }
      fs.writeFileSync(lockFile, mine);
    }
    openDirs.add(this.dir);
    this.locked = true;
  }

  private unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    openDirs.delete(this.dir);
    try {
      fs.unlinkSync(path.join(this.dir, LOCK_FILE));
    } catch {
      // Already gone: nothing to release.
    }
  }

  private segmentFile(number: number): string {
    return path.join(this.dir, `spool-${String(number).padStart(12, '0')}.seg`);
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // The descriptor is unusable either way.
    }
    this.fd = undefined;
  }

  /** A disk problem must not lose the lines: keep them in memory and say so. */
  private fail(e: unknown, doing: string): void {
    if (e instanceof LockError) {
      this.error = writeError('spool-locked', `${e.message}; points are kept in memory only`);
    } else {
      const err = e as NodeJS.ErrnoException;
      this.error = writeError(
        'spool-io',
        `cannot ${doing} the spool in ${this.dir} (${err.code ?? err.message}); ` +
          'points are kept in memory only and are lost on restart',
      );
    }
    this.closeFd();
  }
}

class LockError extends Error {}

function lockError(message: string): LockError {
  return new LockError(message);
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every platform can sync a directory; the rename is still atomic.
  }
}

/**
 * What a lock file says of its holder: `<pid> <start time>`. The start time (Linux: /proc/<pid>/stat) tells
 * a live holder from an unrelated process that got the pid of one killed with SIGKILL — common in
 * containers, where a restarted Node-RED meets low, reused pids. Without /proc, only the pid is known.
 */
export function lockOwner(pid: number): string {
  const started = processStartTime(pid);
  return started === undefined ? String(pid) : `${pid} ${started}`;
}

/** True when the process named in a lock file is still the one that wrote it. */
export function holdsLock(owner: string): boolean {
  const [pidText, started] = owner.trim().split(' ');
  const pid = Number(pidText);
  if (!isAlive(pid)) return false;
  if (started === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === started;
}

/** Field 22 of /proc/<pid>/stat (clock ticks after boot), or undefined where there is no /proc. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lines not covered by any removed interval, by ascending seq. */
function liveEntries(lines: Map<number, string>, removed: Array<[number, number]>): Array<[number, string]> {
  const seqs = [...lines.keys()].sort((a, b) => a - b);
  const intervals = [...removed].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, string]> = [];
  let k = 0;
  let coveredTo = -1;
  for (const seq of seqs) {
    while (k < intervals.length && intervals[k][0] <= seq) {
      coveredTo = Math.max(coveredTo, intervals[k][1]);
      k++;
    }
    if (seq > coveredTo) out.push([seq, lines.get(seq) as string]);
  }
  return out;
}

/** Consecutive runs of ascending seqs as [from, to] pairs. */
export function runs(seqs: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of seqs) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

function splitConsecutive(entries: ReadonlyArray<[number, string]>): Array<Array<[number, string]>> {
  const out: Array<Array<[number, string]>> = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (last && e[0] === last[last.length - 1][0] + 1) last.push(e);
    else out.push([e]);
  }
  return out;
}
