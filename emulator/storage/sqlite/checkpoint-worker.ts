/**
 * The WAL checkpointer thread (see checkpoint.ts): its own connection to the database, a look at the WAL's size
 * every `pollIntervalMs`, and a PASSIVE checkpoint once it has passed `thresholdBytes`. PASSIVE copies back what
 * no reader still needs and never waits, so neither the writer nor a query is held up by it; what it leaves is
 * copied on a later turn.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { CheckpointLock } from './checkpoint-lock';
import type { CheckpointWorkerData } from './checkpoint';
import { walSize } from './checkpoint';

const data = workerData as CheckpointWorkerData;
// Started only by a writer that has loaded better-sqlite3 already (open.ts says what to do when it is missing).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const db = new Database(data.databaseFile, { fileMustExist: true });
// This connection never writes; if it ever did, it must not checkpoint inside that write.
db.pragma('wal_autocheckpoint = 0');
const lock = new CheckpointLock(data.lock);
const walFile = `${data.databaseFile}-wal`;

function checkpointIfLarge(): void {
  if (walSize(walFile) < data.thresholdBytes) return;
  if (!lock.tryAcquire()) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    lock.release();
  }
}

setInterval(() => {
  try {
    checkpointIfLarge();
  } catch (err) {
    // A transient error (the disk, a lock): the next turn tries again, and the writer's hard limit holds meanwhile.
    process.stderr.write(
      `influxdb emulator: WAL checkpoint failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
}, data.pollIntervalMs);
