/** Metadata documents (orgs, users, buckets, authorizations, tasks) as JSON rows, cached in memory: they are few. */
import type { Database } from 'better-sqlite3';
import type { DocumentCollection, MetadataStore } from '../types';

class SqliteDocuments<T extends { id: string }> implements DocumentCollection<T> {
  private readonly cache = new Map<string, T>();
  private seq = 0;

  constructor(
    private readonly db: Database,
    private readonly kind: string,
  ) {
    const rows = db.prepare('SELECT id, seq, body FROM documents WHERE kind = ? ORDER BY seq').all(kind) as {
      id: string;
      seq: number | bigint;
      body: string;
    }[];
    for (const row of rows) {
      this.cache.set(row.id, JSON.parse(row.body) as T);
      this.seq = Math.max(this.seq, Number(row.seq));
    }
  }

  get(id: string): T | undefined {
    const doc = this.cache.get(id);
    return doc && structuredClone(doc);
  }

  list(): T[] {
    return [...this.cache.values()].map((d) => structuredClone(d));
  }

  put(doc: T): void {
    const existing = this.db.prepare('SELECT seq FROM documents WHERE kind = ? AND id = ?').get(this.kind, doc.id) as
      { seq: number | bigint } | undefined;
    const seq = existing ? Number(existing.seq) : ++this.seq;
    this.db
      .prepare('INSERT OR REPLACE INTO documents (kind, id, seq, body) VALUES (?, ?, ?, ?)')
      .run(this.kind, doc.id, seq, JSON.stringify(doc));
    this.cache.set(doc.id, structuredClone(doc));
  }

  delete(id: string): boolean {
    this.db.prepare('DELETE FROM documents WHERE kind = ? AND id = ?').run(this.kind, id);
    return this.cache.delete(id);
  }
}

export function openMetadata(db: Database): MetadataStore {
  return {
    orgs: new SqliteDocuments(db, 'org'),
    users: new SqliteDocuments(db, 'user'),
    buckets: new SqliteDocuments(db, 'bucket'),
    authorizations: new SqliteDocuments(db, 'authorization'),
    tasks: new SqliteDocuments(db, 'task'),
  };
}
