/**
 * WAL checkpoints off the write path. SQLite's automatic checkpoint runs inside the commit that takes the WAL
 * past 1,000 pages, so that write pays for copying the WAL back into the database. Here the writer connection
 * never checkpoints in the ordinary case: a worker thread with its own connection (checkpoint-worker.ts) copies
 * the WAL back with PASSIVE checkpoints, which never wait for readers or the writer, once it passes
 * `thresholdBytes`. PASSIVE cannot copy frames a reader's snapshot still needs, nor can the WAL start over while
 * a reader uses it, so under constant reads it could grow for ever: past `hardLimitBytes` the writer itself
 * empties it after its write (see emptyWal). That waits, at most busy_timeout, only for reads already running:
 * while the writer waits nothing new enters the WAL, so reads that start meanwhile read the database file alone.
 */
import type { Database } from 'better-sqlite3';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../worker-entry';
import { CheckpointLock } from './checkpoint-lock';

export interface WalCheckpointOptions {
  /** WAL size from which the background checkpointer copies the WAL back into the database. */
  thresholdBytes: number;
  /** WAL size from which the writer checkpoints itself after a write, waiting for readers if it must. */
  hardLimitBytes: number;
  /** How often the background checkpointer looks at the WAL's size. */
  pollIntervalMs: number;
}

/**
 * A 1,000-point write of the environment schema (7,000 values in 700 series) adds 6-7 MB to the
 * WAL of a 100-device database (a leaf page per series, with the pages above), so the background checkpoint
 * runs every two or three writes, copying once a page that several of them rewrote.
 */
export const DEFAULT_WAL_CHECKPOINT: WalCheckpointOptions = {
  thresholdBytes: 16 * 1024 * 1024,
  hardLimitBytes: 64 * 1024 * 1024,
  pollIntervalMs: 100,
};

/** What the checkpoint worker is started with. */
export interface CheckpointWorkerData {
  databaseFile: string;
  thresholdBytes: number;
  pollIntervalMs: number;
  /** A CheckpointLock's buffer: the worker and the writer never checkpoint at the same time. */
  lock: SharedArrayBuffer;
}

export interface WalCheckpointStats {
  /** TRUNCATE checkpoints the writer ran because the WAL passed the hard limit. */
  inlineCheckpoints: number;
  /** Of those, how many could not finish: a reader held its snapshot longer than busy_timeout. */
  inlineBusy: number;
}

export class WalCheckpointer {
  readonly stats: WalCheckpointStats = { inlineCheckpoints: 0, inlineBusy: 0 };
  private readonly walFile: string;
  private readonly lock = new CheckpointLock();
  private readonly worker: Worker;
  private closed = false;

  constructor(
    private readonly db: Database,
    databaseFile: string,
    private readonly options: WalCheckpointOptions = DEFAULT_WAL_CHECKPOINT,
  ) {
    this.walFile = `${databaseFile}-wal`;
    db.pragma('wal_autocheckpoint = 0');
    // Once the WAL starts over, the first commit cuts the file back to this size: a burst does not keep its disk space.
    db.pragma(`journal_size_limit = ${Math.floor(options.thresholdBytes / 4)}`);
    const entry = workerEntry(__dirname, 'checkpoint-worker');
    const workerData: CheckpointWorkerData = {
      databaseFile,
      thresholdBytes: options.thresholdBytes,
      pollIntervalMs: options.pollIntervalMs,
      lock: this.lock.buffer,
    };
    this.worker = new Worker(entry.file, { ...(entry.execArgv ? { execArgv: entry.execArgv } : {}), workerData });
    // A worker that fails leaves the hard limit to bound the WAL; the emulator goes on. After close, the
    // database may be gone before the worker opened it: nothing to say then.
    this.worker.on('error', (err) => {
      if (!this.closed)
        process.stderr.write(`influxdb emulator: WAL checkpointer failed: ${err.stack ?? err.message}\n`);
    });
    this.worker.unref();
  }

  /** After each write: past the hard limit, the writer empties the WAL itself. */
  afterWrite(): void {
    if (this.closed || walSize(this.walFile) < this.options.hardLimitBytes) return;
    this.stats.inlineCheckpoints += 1;
    this.lock.acquire();
    try {
      if (!this.emptyWal() && ++this.stats.inlineBusy === 1) {
        process.stderr.write(
          `influxdb emulator: the WAL is past ${this.options.hardLimitBytes} bytes and a read held it longer than ` +
            'busy_timeout; writes go on and the next one tries again\n',
        );
      }
    } finally {
      this.lock.release();
    }
  }

  /** A last TRUNCATE checkpoint, so that a closed database is whole in its file and the WAL is empty. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lock.acquireForever();
    void this.worker.terminate();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Copies the whole WAL back and truncates it, waiting for readers at most busy_timeout in all; false if a
   * read outlasted that. TRUNCATE alone can wait in vain: it waits for the lock of each reader slot whose
   * snapshot it must not overwrite, and a reader that starts its next read at once takes that slot again
   * before SQLite's busy handler looks (it polls). So PASSIVE checkpoints first, until everything is copied:
   * from then on new reads use the database file alone, and TRUNCATE waits only for the reads already running.
   */
  private emptyWal(): boolean {
    const timeoutMs = Number(this.db.pragma('busy_timeout', { simple: true }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [passive] = this.db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
      if (passive && passive.log === passive.checkpointed) break;
      if (Date.now() >= deadline) return false;
      sleep(PASSIVE_RETRY_MS);
    }
    this.db.pragma(`busy_timeout = ${Math.max(1, deadline - Date.now())}`);
    try {
      const [truncate] = this.db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointResult[];
      return truncate?.busy === 0;
    } finally {
      this.db.pragma(`busy_timeout = ${timeoutMs}`);
    }
  }
}

/** A row of PRAGMA wal_checkpoint: busy is 1 when it could not finish; log and checkpointed count frames. */
interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const PASSIVE_RETRY_MS = 5;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread: the writer holds up the writes that would grow the WAL further. */
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/** The WAL file's size; 0 when there is none (before the first write, after a clean close). */
export function walSize(walFile: string): number {
  try {
    return fs.statSync(walFile).size;
  } catch {
    return 0;
  }
}
