/** Opens (or creates) the emulator's database: a file in the data dir, or a throw-away in-memory one. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { MetadataStore, PointStore } from '../types';
import { openMetadata } from './documents';
import { SqlitePointStore } from './points';
import { SCHEMA_SQL } from './schema';

export interface Storage {
  meta: MetadataStore;
  points: PointStore;
  close(): void;
}

export const DATABASE_FILE = 'influxd.sqlite';

export function openStorage(dataDir: string): Storage {
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
  return {
    meta: openMetadata(db),
    points: new SqlitePointStore(db),
    close: () => db.close(),
  };
}
