/** Opens (or creates) the emulator's database: a file in the data dir, or a throw-away in-memory one. */
import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { MetadataStore, PointStore } from '../types';
import { DEFAULT_WAL_CHECKPOINT, WalCheckpointer, type WalCheckpointOptions } from './checkpoint';
import { openMetadata } from './documents';
import { SqlitePointStore } from './points';
import { SCHEMA_SQL } from './schema';

export interface Storage {
  meta: MetadataStore;
  points: PointStore;
  /** The database file, or ':memory:'. */
  file: string;
  close(): void;
}

export const DATABASE_FILE = 'influxd.sqlite';

/**
 * better-sqlite3 is an optional dependency (only the emulator needs it, and it compiles from source where
 * no prebuilt binary exists): the nodes install without it, the emulator says what is missing.
 */
function loadSqlite(): typeof BetterSqlite3 {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(
      `the InfluxDB emulator needs better-sqlite3, which could not be loaded (${reason}); ` +
        'install it with: npm install better-sqlite3@12 (it needs a C++ toolchain where no prebuilt binary exists)',
    );
  }
}

export function openStorage(dataDir: string, checkpoints: WalCheckpointOptions = DEFAULT_WAL_CHECKPOINT): Storage {
  const Database = loadSqlite();
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, DATABASE_FILE);
  }
  const db = new Database(file);
  // WAL + NORMAL: a committed write survives a killed process (the OS has it); only power loss may lose the tail.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA_SQL);
  const points = new SqlitePointStore(db);
  // An in-memory database has no WAL to checkpoint.
  const checkpointer = file === ':memory:' ? undefined : new WalCheckpointer(db, file, checkpoints);
  if (checkpointer) checkAfterWrites(points, () => checkpointer.afterWrite());
  return {
    meta: openMetadata(db),
    points,
    file,
    close: () => {
      checkpointer?.close();
      db.close();
    },
  };
}

/** Runs `check` after each call that writes points, whether it succeeded or not. */
function checkAfterWrites(points: SqlitePointStore, check: () => void): void {
  const write = points.write.bind(points);
  const deleteBefore = points.deleteBefore.bind(points);
  const deleteRange = points.deleteRange.bind(points);
  const deleteBucket = points.deleteBucket.bind(points);
  const thenCheck = <T>(call: () => T): T => {
    try {
      return call();
    } finally {
      check();
    }
  };
  points.write = (...args) => thenCheck(() => write(...args));
  points.deleteBefore = (...args) => thenCheck(() => deleteBefore(...args));
  points.deleteRange = (...args) => thenCheck(() => deleteRange(...args));
  points.deleteBucket = (...args) => thenCheck(() => deleteBucket(...args));
}

/**
 * A read-only connection to an existing database, for a query worker thread: WAL lets it read
 * committed data while the one writer connection writes. It is never closed explicitly: it lives as
 * long as its thread, and SQLite releases it when the thread ends.
 */
export function openReadOnlyPoints(file: string): PointStore {
  const Database = loadSqlite();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return new SqlitePointStore(db);
}
