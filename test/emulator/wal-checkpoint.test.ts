import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { walSize, type WalCheckpointOptions } from '../../emulator/storage/sqlite/checkpoint';
import { DATABASE_FILE, openStorage, type Storage } from '../../emulator/storage/sqlite/open';
import type { FieldValue, Point } from '../../emulator/storage/types';

const MiB = 1024 * 1024;
/** Small limits, so that a few writes cross them. */
const LIMITS: WalCheckpointOptions = { thresholdBytes: 1 * MiB, hardLimitBytes: 4 * MiB, pollIntervalMs: 20 };
const SERIES = 200;
const FIELDS = ['a', 'b', 'c', 'd', 'e'];

/** One batch: a point per series at `time`, five float fields each (1,000 values, in 200 B-tree places). */
function batch(time: bigint): Point[] {
  return Array.from({ length: SERIES }, (_, s) => ({
    measurement: 'environment',
    tags: [['device', `d${String(s).padStart(3, '0')}`]],
    fields: new Map(
      FIELDS.map((f, i) => [f, { type: 'double', value: s + i + Number(time) / 1e9 }] as [string, FieldValue]),
    ),
    time,
  }));
}

function countValues(storage: Storage): number {
  return storage.points
    .read({ bucketId: 'b', start: 0n, stop: 1n << 62n })
    .reduce((n, series) => n + series.values.length, 0);
}

/**
 * A reader thread with its own read-only connection that holds a snapshot for `holdMs` at a time, again and
 * again (a long dashboard query after another), until told to stop.
 */
function startReader(file: string, holdMs: number): { stop(): Promise<number> } {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.sqlite);
    const db = new Database(workerData.file, { readonly: true });
    const count = db.prepare('SELECT count(*) AS n FROM points');
    const stop = new Int32Array(workerData.stop);
    let snapshots = 0;
    while (Atomics.load(stop, 0) === 0) {
      db.exec('BEGIN');
      count.get();
      Atomics.wait(stop, 0, 0, workerData.holdMs);
      db.exec('COMMIT');
      snapshots++;
    }
    parentPort.postMessage(snapshots);`;
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(code, {
    eval: true,
    workerData: { file, holdMs, stop, sqlite: require.resolve('better-sqlite3') },
  });
  const done = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      Atomics.notify(new Int32Array(stop), 0);
      return done;
    },
  };
}

/** Resolves once `condition` holds, polling; rejects after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WAL checkpoints', function () {
  this.timeout(60_000);
  let dir: string;
  let walFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-wal-'));
    walFile = path.join(dir, `${DATABASE_FILE}-wal`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies the WAL back in the background once it passes the threshold', async () => {
    const storage = openStorage(dir, LIMITS);
    try {
      let time = 1n;
      while (walSize(walFile) < LIMITS.thresholdBytes) storage.points.write('b', batch(time++), 0, 0n);
      const grown = walSize(walFile);
      // The next write after a complete checkpoint starts the WAL over and cuts the file back.
      await until(
        () => {
          storage.points.write('b', batch(time++), 0, 0n);
          return walSize(walFile) < grown;
        },
        20_000,
        'the WAL starts over',
      );
      assert.equal(countValues(storage), Number(time - 1n) * SERIES * FIELDS.length);
    } finally {
      storage.close();
    }
  });

  for (const [background, limits] of [
    ['running', LIMITS],
    // Polling once an hour: only the writer's own checkpoint bounds the WAL.
    ['idle', { ...LIMITS, pollIntervalMs: 3_600_000 }],
  ] as const) {
    it(`keeps the WAL under the hard limit while a reader holds long snapshots (background checkpointer ${background})`, async () => {
      const storage = openStorage(dir, limits);
      storage.points.write('b', batch(0n), 0, 0n);
      const reader = startReader(storage.file, 150);
      let largest = 0;
      let writes = 1;
      try {
        for (let time = 1n; time <= 60n; time++) {
          storage.points.write('b', batch(time), 0, 0n);
          writes++;
          largest = Math.max(largest, walSize(walFile));
          // Writes come while snapshots are held, as a writer posting between dashboard queries.
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        const snapshots = await reader.stop();
        assert.ok(snapshots > 0, 'the reader held snapshots during the writes');
      }
      assert.ok(largest >= limits.thresholdBytes, `the WAL grew past the threshold (largest ${largest} bytes)`);
      assert.ok(largest < limits.hardLimitBytes, `the WAL stayed under the hard limit (largest ${largest} bytes)`);
      assert.equal(countValues(storage), writes * SERIES * FIELDS.length);
      storage.close();
    });
  }

  it('goes on writing when a read holds its snapshot past busy_timeout, and empties the WAL once it ends', async () => {
    // The background checkpointer idle: only the writer's own checkpoint acts.
    const storage = openStorage(dir, { ...LIMITS, pollIntervalMs: 3_600_000 });
    storage.points.write('b', batch(0n), 0, 0n);
    const reader = startReader(storage.file, 600_000);
    let time = 1n;
    try {
      // The write that takes the WAL past the hard limit waits for the read (busy_timeout), then returns.
      while (walSize(walFile) < LIMITS.hardLimitBytes) storage.points.write('b', batch(time++), 0, 0n);
    } finally {
      await reader.stop();
    }
    storage.points.write('b', batch(time++), 0, 0n);
    assert.ok(walSize(walFile) < LIMITS.hardLimitBytes, 'the next write emptied the WAL');
    assert.equal(countValues(storage), Number(time) * SERIES * FIELDS.length);
    storage.close();
  });

  it('leaves an empty WAL at close, and every value is read back after opening again', () => {
    const first = openStorage(dir, LIMITS);
    for (let time = 1n; time <= 10n; time++) first.points.write('b', batch(time), 0, 0n);
    assert.ok(walSize(walFile) > 0);
    first.close();
    assert.equal(walSize(walFile), 0);
    const second = openStorage(dir, LIMITS);
    try {
      assert.equal(countValues(second), 10 * SERIES * FIELDS.length);
    } finally {
      second.close();
    }
  });
});
