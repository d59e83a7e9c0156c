/**
 * PointStore on SQLite: writes in points-write.ts, reads in points-read.ts, deletes here.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Cell } from '../../flux/table';
import {
  type Point,
  type PointStore,
  type SeriesData,
  type SeriesKey,
  type SeriesOffsets,
  type SeriesSelector,
  type SeriesWindows,
  type WindowedSelector,
  type WriteOutcome,
} from '../types';
import type { PointBatch } from '../point-batch';
import { clamp, SqlitePointReader } from './points-read';
import { SqlitePointWriter } from './points-write';

export class SqlitePointStore implements PointStore {
  private readonly reader: SqlitePointReader;
  private readonly writer: SqlitePointWriter;
  private readonly stmt: {
    deleteBefore: Statement;
  };

  constructor(private readonly db: Database) {
    this.reader = new SqlitePointReader(db);
    this.writer = new SqlitePointWriter(db);
    this.stmt = {
      deleteBefore: db.prepare(
        'DELETE FROM points WHERE series_id IN (SELECT id FROM series WHERE bucket_id = ?) AND time < ?',
      ),
    };
  }

  write(bucketId: string, points: Point[] | PointBatch, retentionSeconds: number, nowNs: bigint): WriteOutcome {
    return this.writer.write(bucketId, points, retentionSeconds, nowNs);
  }

  read(selector: SeriesSelector): SeriesData[] {
    return this.reader.read(selector);
  }

  readOffsets(selector: SeriesSelector): SeriesOffsets[] {
    return this.reader.readOffsets(selector);
  }

  readWindows<R>(selector: WindowedSelector, reduce: (values: Cell[], series: SeriesKey) => R): SeriesWindows<R>[] {
    return this.reader.readWindows(selector, reduce);
  }

  seriesKeys(selector: Omit<SeriesSelector, 'start' | 'stop'>): SeriesKey[] {
    return this.reader.seriesKeys(selector);
  }

  deleteBefore(bucketId: string, beforeNs: bigint): number {
    return this.stmt.deleteBefore.run(bucketId, clamp(beforeNs)).changes;
  }

  deleteRange(bucketId: string, start: bigint, stop: bigint, matches: (series: SeriesKey) => boolean): number {
    const from = clamp(start);
    const to = clamp(stop);
    if (from > to) return 0;
    const deletePoints = this.db.prepare('DELETE FROM points WHERE series_id = ? AND time >= ? AND time <= ?');
    const hasPoints = this.db.prepare('SELECT 1 FROM points WHERE series_id = ? LIMIT 1');
    const forgetTags = this.db.prepare('DELETE FROM series_tags WHERE series_id = ?');
    const forgetSeries = this.db.prepare('DELETE FROM series WHERE id = ?');
    const forgetUnusedTypes = this.db.prepare(
      'DELETE FROM field_types WHERE bucket_id = ? AND NOT EXISTS (SELECT 1 FROM series s WHERE ' +
        's.bucket_id = field_types.bucket_id AND s.measurement = field_types.measurement AND s.field = field_types.field)',
    );
    let removed = 0;
    this.db.transaction(() => {
      for (const series of this.reader.findSeries({ bucketId })) {
        const key = {
          measurement: series.measurement,
          tags: JSON.parse(series.tags),
          field: series.field,
          type: series.type,
        };
        if (!matches(key)) continue;
        removed += deletePoints.run(series.id, from, to).changes;
        if (hasPoints.get(series.id) !== undefined) continue;
        forgetTags.run(series.id);
        forgetSeries.run(series.id);
      }
      forgetUnusedTypes.run(bucketId);
    })();
    // Forgotten series and types must not be served from the caches.
    this.writer.forget();
    return removed;
  }

  deleteBucket(bucketId: string): void {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM points WHERE series_id IN (SELECT id FROM series WHERE bucket_id = ?)')
        .run(bucketId);
      this.db
        .prepare('DELETE FROM series_tags WHERE series_id IN (SELECT id FROM series WHERE bucket_id = ?)')
        .run(bucketId);
      this.db.prepare('DELETE FROM series WHERE bucket_id = ?').run(bucketId);
      this.db.prepare('DELETE FROM field_types WHERE bucket_id = ?').run(bucketId);
    })();
    this.writer.forget();
  }
}
