/**
 * The write side of the SQLite point store: validates points as OSS's storage engine does, finds or
 * creates their series and field types, and stores one row per (series, time). Series ids and field
 * types are cached in memory (a write touches the same few series again and again); the caches are
 * rebuilt lazily from the tables, so they never need a warm-up.
 */
import type { Database, Statement } from 'better-sqlite3';
import { FIELD_TYPES, PointBatch, sqlValue } from '../point-batch';
import {
  type FieldType,
  type FieldValue,
  MAX_FIELD_VALUE_LENGTH,
  type Point,
  type PointRejection,
  type WriteOutcome,
} from '../types';

/** What one call of `write` shares between its points. */
interface OneWrite {
  bucketId: string;
  oldestAllowed: bigint | undefined;
  outcome: WriteOutcome;
  /** Series of whole points by their tags array. */
  local: Map<[string, string][], WriteSeries>;
}

/** A series of one write: measurement and tags, with the id and type of each of its fields seen so far. */
interface WriteSeries {
  measurement: string;
  /** The tags as stored: JSON of the [key, value] pairs. */
  tags: string;
  /** Series ids as numbers: SQLite's rowids stay far below 2^53, and a number binds cheaper than a bigint. */
  fields: Map<string, { id: number; type: FieldType }>;
}

export class SqlitePointWriter {
  private readonly seriesIds = new Map<string, number>();
  /** Field types by bucket, then measurement, then field (nested: no key string per field per point). */
  private readonly fieldTypes = new Map<string, Map<string, Map<string, FieldType>>>();
  private readonly stmt: {
    findSeries: Statement;
    insertSeries: Statement;
    insertSeriesTag: Statement;
    findFieldType: Statement;
    insertFieldType: Statement;
    upsertPoint: Statement;
  };

  constructor(private readonly db: Database) {
    this.stmt = {
      findSeries: db.prepare(
        'SELECT id FROM series WHERE bucket_id = ? AND measurement = ? AND tags = ? AND field = ?',
      ),
      insertSeries: db.prepare('INSERT INTO series (bucket_id, measurement, tags, field, type) VALUES (?, ?, ?, ?, ?)'),
      insertSeriesTag: db.prepare('INSERT INTO series_tags (series_id, key, value) VALUES (?, ?, ?)'),
      findFieldType: db.prepare('SELECT type FROM field_types WHERE bucket_id = ? AND measurement = ? AND field = ?'),
      insertFieldType: db.prepare('INSERT INTO field_types (bucket_id, measurement, field, type) VALUES (?, ?, ?, ?)'),
      upsertPoint: db.prepare('INSERT OR REPLACE INTO points (series_id, time, value) VALUES (?, ?, ?)'),
    };
  }

  /** Forgets the cached ids and types, after series or types were deleted (or a write rolled back). */
  forget(): void {
    this.seriesIds.clear();
    this.fieldTypes.clear();
  }

  /** Writes `points` (objects, or a parsed body's compact batch) in one transaction. */
  write(bucketId: string, points: Point[] | PointBatch, retentionSeconds: number, nowNs: bigint): WriteOutcome {
    const outcome: WriteOutcome = { droppedOutsideRetention: 0, rejectedPoints: 0, typeConflicts: [] };
    const oldestAllowed = retentionSeconds > 0 ? nowNs - BigInt(retentionSeconds) * 1_000_000_000n : undefined;
    // Series of this request by the identity of a point's tags array: the parser gives every point of one
    // series the same array, so a point costs one lookup here instead of a JSON text and a long key per field.
    const local = new Map<[string, string][], WriteSeries>();
    const write = { bucketId, oldestAllowed, outcome, local };
    const run = this.db.transaction(() => {
      if (points instanceof PointBatch) this.writeBatch(write, points);
      else for (const point of points) this.writePoint(write, point);
    });
    try {
      run();
    } catch (e) {
      // The transaction rolled back: forget ids it may have cached for rows that are gone.
      this.forget();
      throw e;
    }
    return outcome;
  }

  /** Writes the points of a parsed body in order, reading compact points from its arrays. */
  private writeBatch(write: OneWrite, batch: PointBatch): void {
    const { bucketId, oldestAllowed, outcome } = write;
    const upsert = this.stmt.upsertPoint;
    const { keys, pointSeries, times, fieldEnds, fieldKeys, fieldTypes, fieldValues } = batch;
    // The batch's series are distinct: an array by index replaces the lookup by tags.
    const local: (WriteSeries | undefined)[] = [];
    let start = 0;
    for (let p = 0; p < batch.length; p++) {
      const end = fieldEnds[p];
      const first = start;
      start = end;
      const s = pointSeries[p];
      if (s < 0) {
        this.writePoint(write, batch.whole[-1 - s]);
        continue;
      }
      const time = times[p];
      if (oldestAllowed !== undefined && time < oldestAllowed) {
        dropOutsideRetention(outcome, time);
        continue;
      }
      const { measurement, tags } = batch.series[s];
      let series = local[s];
      if (series === undefined) {
        series = { measurement, tags: JSON.stringify(tags), fields: new Map() };
        local[s] = series;
      }
      if (!this.batchPointValid(series, batch, first, end)) {
        const rejection = this.validateBatchPoint(bucketId, measurement, batch, first, end);
        if (rejection) {
          recordRejection(outcome, rejection);
          continue;
        }
      }
      for (let f = first; f < end; f++) {
        const field = keys[fieldKeys[f]];
        // OSS's engine skips a field named `time` (tsdb/engine/tsm1/engine.go WritePoints).
        if (field === 'time') continue;
        const type = fieldTypes[f];
        let known = series.fields.get(field);
        if (known === undefined) {
          const typeName = FIELD_TYPES[type];
          known = { id: this.seriesId(bucketId, measurement, tags, series.tags, field, typeName), type: typeName };
          series.fields.set(field, known);
        }
        upsert.run(known.id, time, sqlValue(type, fieldValues[f]));
      }
    }
  }

  private writePoint(write: OneWrite, point: Point): void {
    const { bucketId, oldestAllowed, outcome, local } = write;
    const time = point.time;
    if (oldestAllowed !== undefined && time < oldestAllowed) {
      dropOutsideRetention(outcome, time);
      return;
    }
    let series = local.get(point.tags);
    if (series === undefined || series.measurement !== point.measurement) {
      series = { measurement: point.measurement, tags: JSON.stringify(point.tags), fields: new Map() };
      local.set(point.tags, series);
    }
    if (!this.alreadyValid(series, point)) {
      const rejection = this.validate(bucketId, point);
      if (rejection) {
        recordRejection(outcome, rejection);
        return;
      }
    }
    for (const [field, fieldValue] of point.fields) {
      // OSS's engine skips a field named `time` (tsdb/engine/tsm1/engine.go WritePoints).
      if (field === 'time') continue;
      let known = series.fields.get(field);
      if (known === undefined) {
        const id = this.seriesId(bucketId, point.measurement, point.tags, series.tags, field, fieldValue.type);
        known = { id, type: fieldValue.type };
        series.fields.set(field, known);
      }
      this.stmt.upsertPoint.run(known.id, time, toSqlValue(fieldValue));
    }
  }

  /** As alreadyValid, for the compact point whose fields are [first, end) of the batch (never strings). */
  private batchPointValid(series: WriteSeries, batch: PointBatch, first: number, end: number): boolean {
    for (let f = first; f < end; f++) {
      const field = batch.keys[batch.fieldKeys[f]];
      if (field === 'time') return false;
      const known = series.fields.get(field);
      if (known === undefined || known.type !== FIELD_TYPES[batch.fieldTypes[f]]) return false;
    }
    return true;
  }

  /** As validate, for the compact point whose fields are [first, end) of the batch (distinct keys, no strings). */
  private validateBatchPoint(
    bucketId: string,
    measurement: string,
    batch: PointBatch,
    first: number,
    end: number,
  ): PointRejection | undefined {
    let onlyTime = end > first;
    for (let f = first; f < end && onlyTime; f++) onlyTime = batch.keys[batch.fieldKeys[f]] === 'time';
    if (onlyTime) return { kind: 'time field', measurement };
    const types = this.measurementTypes(bucketId, measurement);
    for (let f = first; f < end; f++) {
      const field = batch.keys[batch.fieldKeys[f]];
      const rejection = this.checkField(bucketId, types, measurement, field, FIELD_TYPES[batch.fieldTypes[f]], 0);
      if (rejection) return rejection;
    }
    return undefined;
  }

  /**
   * Whether this write has already stored every field of the point with the type it has now: then its
   * field types exist and match, and `validate` has nothing to refuse. Strings (which may be too long),
   * `time` fields and repeated keys (`lineFields`) always go through `validate`.
   */
  private alreadyValid(series: WriteSeries, point: Point): boolean {
    if (point.lineFields) return false;
    for (const [field, value] of point.fields) {
      if (value.type === 'string' || field === 'time') return false;
      const known = series.fields.get(field);
      if (known === undefined || known.type !== value.type) return false;
    }
    return true;
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
    const types = this.measurementTypes(bucketId, measurement);
    if (point.lineFields) {
      for (const f of point.lineFields) {
        const rejection = this.checkField(bucketId, types, measurement, f.key, f.value.type, f.bytes ?? 0);
        if (rejection) return rejection;
      }
      return undefined;
    }
    for (const [key, value] of point.fields) {
      // UTF-16 units times 3 bound the UTF-8 bytes, so only long strings need counting.
      const long = value.type === 'string' && String(value.value).length * 3 > MAX_FIELD_VALUE_LENGTH;
      const bytes = long ? Buffer.byteLength(String(value.value), 'utf8') : 0;
      const rejection = this.checkField(bucketId, types, measurement, key, value.type, bytes);
      if (rejection) return rejection;
    }
    return undefined;
  }

  private checkField(
    bucketId: string,
    types: Map<string, FieldType>,
    measurement: string,
    field: string,
    type: FieldType,
    bytes: number,
  ): PointRejection | undefined {
    if (bytes > MAX_FIELD_VALUE_LENGTH) return { kind: 'too long', measurement, field, bytes };
    // Never stored, so never typed: `m time=1i,f=1` and `m time="x",f=1` both store f alone.
    if (field === 'time') return undefined;
    let existing = types.get(field);
    if (existing === undefined) {
      const row = this.stmt.findFieldType.get(bucketId, measurement, field) as { type: FieldType } | undefined;
      existing = row?.type;
      if (existing === undefined) {
        this.stmt.insertFieldType.run(bucketId, measurement, field, type);
        existing = type;
      }
      types.set(field, existing);
    }
    if (existing !== type) return { kind: 'type conflict', measurement, field, type, existing };
    return undefined;
  }

  /** The cached field types of one measurement of a bucket (filled field by field from the table). */
  private measurementTypes(bucketId: string, measurement: string): Map<string, FieldType> {
    let byMeasurement = this.fieldTypes.get(bucketId);
    if (byMeasurement === undefined) this.fieldTypes.set(bucketId, (byMeasurement = new Map()));
    let types = byMeasurement.get(measurement);
    if (types === undefined) byMeasurement.set(measurement, (types = new Map()));
    return types;
  }

  private seriesId(
    bucketId: string,
    measurement: string,
    tagPairs: [string, string][],
    tags: string,
    field: string,
    type: FieldType,
  ): number {
    const key = `${bucketId}\0${measurement}\0${tags}\0${field}`;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      const row = this.stmt.findSeries.get(bucketId, measurement, tags, field) as { id: number | bigint } | undefined;
      if (row) id = Number(row.id);
      else {
        id = Number(this.stmt.insertSeries.run(bucketId, measurement, tags, field, type).lastInsertRowid);
        for (const [k, v] of tagPairs) this.stmt.insertSeriesTag.run(id, k, v);
      }
      this.seriesIds.set(key, id);
    }
    return id;
  }
}

function dropOutsideRetention(outcome: WriteOutcome, time: bigint): void {
  outcome.droppedOutsideRetention += 1;
  if (outcome.oldestDropped === undefined || time < outcome.oldestDropped) outcome.oldestDropped = time;
  if (outcome.newestDropped === undefined || time > outcome.newestDropped) outcome.newestDropped = time;
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
