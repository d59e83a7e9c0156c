/**
 * PointStore on SQLite. Series ids and field types are cached in memory (a write touches the same few
 * series again and again); the cache is rebuilt lazily from the tables, so it never needs a warm-up.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  type FieldType,
  type FieldValue,
  MAX_FIELD_VALUE_LENGTH,
  type Point,
  type PointRejection,
  type PointStore,
  type SeriesData,
  type SeriesKey,
  type SeriesSelector,
  type SeriesWindows,
  type WindowedSelector,
  type WriteOutcome,
} from '../types';
import { clamp, SqlitePointReader } from './points-read';

export class SqlitePointStore implements PointStore {
  private readonly seriesIds = new Map<string, bigint>();
  private readonly fieldTypes = new Map<string, FieldType>();
  private readonly reader: SqlitePointReader;
  private readonly stmt: {
    findSeries: Statement;
    insertSeries: Statement;
    insertSeriesTag: Statement;
    findFieldType: Statement;
    insertFieldType: Statement;
    upsertPoint: Statement;
    deleteBefore: Statement;
  };

  constructor(private readonly db: Database) {
    this.reader = new SqlitePointReader(db);
    this.stmt = {
      findSeries: db.prepare(
        'SELECT id FROM series WHERE bucket_id = ? AND measurement = ? AND tags = ? AND field = ?',
      ),
      insertSeries: db.prepare('INSERT INTO series (bucket_id, measurement, tags, field, type) VALUES (?, ?, ?, ?, ?)'),
      insertSeriesTag: db.prepare('INSERT INTO series_tags (series_id, key, value) VALUES (?, ?, ?)'),
      findFieldType: db.prepare('SELECT type FROM field_types WHERE bucket_id = ? AND measurement = ? AND field = ?'),
      insertFieldType: db.prepare('INSERT INTO field_types (bucket_id, measurement, field, type) VALUES (?, ?, ?, ?)'),
      upsertPoint: db.prepare('INSERT OR REPLACE INTO points (series_id, time, value) VALUES (?, ?, ?)'),
      deleteBefore: db.prepare(
        'DELETE FROM points WHERE series_id IN (SELECT id FROM series WHERE bucket_id = ?) AND time < ?',
      ),
    };
  }

  write(bucketId: string, points: Point[], retentionSeconds: number, nowNs: bigint): WriteOutcome {
    const outcome: WriteOutcome = { droppedOutsideRetention: 0, rejectedPoints: 0, typeConflicts: [] };
    const oldestAllowed = retentionSeconds > 0 ? nowNs - BigInt(retentionSeconds) * 1_000_000_000n : undefined;
    // Series of this request by the identity of a point's tags array: the parser gives every point of one
    // series the same array, so a point costs one lookup here instead of a JSON text and a long key per field.
    const local = new Map<[string, string][], { measurement: string; tags: string; ids: Map<string, bigint> }>();
    const upsert = this.stmt.upsertPoint;
    const run = this.db.transaction(() => {
      for (const point of points) {
        if (oldestAllowed !== undefined && point.time < oldestAllowed) {
          outcome.droppedOutsideRetention += 1;
          if (outcome.oldestDropped === undefined || point.time < outcome.oldestDropped)
            outcome.oldestDropped = point.time;
          if (outcome.newestDropped === undefined || point.time > outcome.newestDropped)
            outcome.newestDropped = point.time;
          continue;
        }
        const rejection = this.validate(bucketId, point);
        if (rejection) {
          recordRejection(outcome, rejection);
          continue;
        }
        let series = local.get(point.tags);
        if (series === undefined || series.measurement !== point.measurement) {
          series = { measurement: point.measurement, tags: JSON.stringify(point.tags), ids: new Map() };
          local.set(point.tags, series);
        }
        for (const [field, fieldValue] of point.fields) {
          // OSS's engine skips a field named `time` (tsdb/engine/tsm1/engine.go WritePoints).
          if (field === 'time') continue;
          let seriesId = series.ids.get(field);
          if (seriesId === undefined) {
            seriesId = this.seriesId(bucketId, point, series.tags, field, fieldValue.type);
            series.ids.set(field, seriesId);
          }
          upsert.run(seriesId, point.time, toSqlValue(fieldValue));
        }
      }
    });
    try {
      run();
    } catch (e) {
      // The transaction rolled back: forget ids it may have cached for rows that are gone.
      this.seriesIds.clear();
      this.fieldTypes.clear();
      throw e;
    }
    return outcome;
  }

  read(selector: SeriesSelector): SeriesData[] {
    return this.reader.read(selector);
  }

  readWindows(selector: WindowedSelector): SeriesWindows[] {
    return this.reader.readWindows(selector);
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
    this.seriesIds.clear();
    this.fieldTypes.clear();
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
    this.seriesIds.clear();
    this.fieldTypes.clear();
  }

  /**
   * OSS tsdb/shard.go `validateSeriesAndFields` and tsdb/field_validator.go `ValidateAndCreateFields`
   * for one point: a point whose only fields are `time` is refused; otherwise its fields are checked
   * in line order, each for its size and then its type, and the first bad one refuses the whole
   * point. Fields created before that one stay created, as in OSS (it creates a field's type as it
   * checks it), so a point refused for `f=1,f=2i` still makes `f` a float.
   */
  private validate(bucketId: string, point: Point): PointRejection | undefined {
    const measurement = point.measurement;
    let onlyTime = point.fields.size > 0;
    for (const key of point.fields.keys()) {
      if (key !== 'time') {
        onlyTime = false;
        break;
      }
    }
    if (onlyTime) return { kind: 'time field', measurement };
    if (point.lineFields) {
      for (const f of point.lineFields) {
        const rejection = this.checkField(bucketId, measurement, f.key, f.value, f.bytes ?? 0);
        if (rejection) return rejection;
      }
      return undefined;
    }
    for (const [key, value] of point.fields) {
      // UTF-16 units times 3 bound the UTF-8 bytes, so only long strings need counting.
      const long = value.type === 'string' && String(value.value).length * 3 > MAX_FIELD_VALUE_LENGTH;
      const bytes = long ? Buffer.byteLength(String(value.value), 'utf8') : 0;
      const rejection = this.checkField(bucketId, measurement, key, value, bytes);
      if (rejection) return rejection;
    }
    return undefined;
  }

  private checkField(
    bucketId: string,
    measurement: string,
    field: string,
    value: FieldValue,
    bytes: number,
  ): PointRejection | undefined {
    if (bytes > MAX_FIELD_VALUE_LENGTH) return { kind: 'too long', measurement, field, bytes };
    // Never stored, so never typed: `m time=1i,f=1` and `m time="x",f=1` both store f alone.
    if (field === 'time') return undefined;
    const existing = this.fieldType(bucketId, measurement, field, value.type);
    if (existing !== value.type) return { kind: 'type conflict', measurement, field, type: value.type, existing };
    return undefined;
  }

  private fieldType(bucketId: string, measurement: string, field: string, wanted: FieldType): FieldType {
    const key = `${bucketId}\0${measurement}\0${field}`;
    let type = this.fieldTypes.get(key);
    if (type === undefined) {
      const row = this.stmt.findFieldType.get(bucketId, measurement, field) as { type: FieldType } | undefined;
      type = row?.type;
      if (type === undefined) {
        this.stmt.insertFieldType.run(bucketId, measurement, field, wanted);
        type = wanted;
      }
      this.fieldTypes.set(key, type);
    }
    return type;
  }

  private seriesId(bucketId: string, point: Point, tags: string, field: string, type: FieldType): bigint {
    const key = `${bucketId}\0${point.measurement}\0${tags}\0${field}`;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      const row = this.stmt.findSeries.get(bucketId, point.measurement, tags, field) as
        { id: number | bigint } | undefined;
      if (row) id = BigInt(row.id);
      else {
        id = BigInt(this.stmt.insertSeries.run(bucketId, point.measurement, tags, field, type).lastInsertRowid);
        for (const [k, v] of point.tags) this.stmt.insertSeriesTag.run(id, k, v);
      }
      this.seriesIds.set(key, id);
    }
    return id;
  }
}

function recordRejection(outcome: WriteOutcome, rejection: PointRejection): void {
  outcome.rejectedPoints += 1;
  outcome.firstRejection ??= rejection;
  if (rejection.kind !== 'type conflict') return;
  const { measurement, field, type, existing } = rejection;
  const known = outcome.typeConflicts.find(
    (c) => c.measurement === measurement && c.field === field && c.type === type,
  );
  if (known) known.dropped += 1;
  else outcome.typeConflicts.push({ measurement, field, type, existing, dropped: 1 });
}

function toSqlValue(field: FieldValue): unknown {
  switch (field.type) {
    case 'boolean':
      return field.value ? 1 : 0;
    case 'unsignedLong':
      // uint64 does not fit SQLite's int64; kept as decimal text.
      return String(field.value);
    default:
      return field.value;
  }
}
