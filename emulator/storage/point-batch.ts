/**
 * The points of one write body in flat arrays: one entry per distinct series, and per point its
 * series, time and the range of its fields; the fields in parallel arrays (key, type code, value as
 * a double). A point costs a few array slots instead of a Map and an object per field, so a large
 * body leaves little for the garbage collector to trace until the write ends. Lines the fast path
 * does not read (strings, repeated keys, escapes) are kept as whole `Point`s, in their place.
 */
import type { FieldType, FieldValue, Point } from './types';

/** Type codes of compact fields. Integers are kept as doubles: the fast path reads at most 15 digits. */
export const DOUBLE = 0;
export const LONG = 1;
export const UNSIGNED = 2;
export const BOOLEAN = 3;
export const FIELD_TYPES: readonly FieldType[] = ['double', 'long', 'unsignedLong', 'boolean'];

export interface BatchSeries {
  measurement: string;
  /** Sorted by key (byte order). */
  tags: [string, string][];
}

const INITIAL_FIELDS = 1024;

export class PointBatch {
  /** Number of points. */
  length = 0;
  readonly series: BatchSeries[] = [];
  /** Per point: its index in `series`, or -1 - k for the k-th of `whole`. */
  readonly pointSeries: number[] = [];
  /** Per point: nanoseconds since the epoch. */
  readonly times: bigint[] = [];
  /** Per point: the end of its fields in the field arrays (they start where the point before ends). */
  readonly fieldEnds: number[] = [];
  /** Points kept whole (read by the exact parser). */
  readonly whole: Point[] = [];
  /** Number of compact fields. */
  fieldCount = 0;
  readonly fieldKeys: string[] = [];
  fieldTypes = new Uint8Array(INITIAL_FIELDS);
  /** The value: a double, an integer below 2^53, or 1/0 for a boolean. */
  fieldValues = new Float64Array(INITIAL_FIELDS);

  addSeries(measurement: string, tags: [string, string][]): number {
    return this.series.push({ measurement, tags }) - 1;
  }

  addField(key: string, type: number, value: number): void {
    const k = this.fieldCount;
    if (k === this.fieldTypes.length) this.grow();
    this.fieldKeys[k] = key;
    this.fieldTypes[k] = type;
    this.fieldValues[k] = value;
    this.fieldCount = k + 1;
  }

  /** Forgets the fields added since `count` (a line the fast path gave up on half way). */
  dropFieldsFrom(count: number): void {
    this.fieldCount = count;
  }

  /** Ends a compact point: the fields added since the last point are its own. */
  endPoint(seriesIndex: number, time: bigint): void {
    this.pointSeries.push(seriesIndex);
    this.times.push(time);
    this.fieldEnds.push(this.fieldCount);
    this.length++;
  }

  addWhole(point: Point): void {
    this.pointSeries.push(-1 - this.whole.length);
    this.whole.push(point);
    this.times.push(point.time);
    this.fieldEnds.push(this.fieldCount);
    this.length++;
  }

  /** The point at `index` as a `Point` (for tests and rare callers; the write path reads the arrays). */
  point(index: number): Point {
    const s = this.pointSeries[index];
    if (s < 0) return this.whole[-1 - s];
    const { measurement, tags } = this.series[s];
    const fields = new Map<string, FieldValue>();
    for (let f = index === 0 ? 0 : this.fieldEnds[index - 1]; f < this.fieldEnds[index]; f++) {
      fields.set(this.fieldKeys[f], fieldValue(this.fieldTypes[f], this.fieldValues[f]));
    }
    return { measurement, tags, fields, time: this.times[index] };
  }

  points(): Point[] {
    return Array.from({ length: this.length }, (_, i) => this.point(i));
  }

  private grow(): void {
    const types = new Uint8Array(this.fieldTypes.length * 2);
    types.set(this.fieldTypes);
    this.fieldTypes = types;
    const values = new Float64Array(this.fieldValues.length * 2);
    values.set(this.fieldValues);
    this.fieldValues = values;
  }
}

/** A compact field as the `FieldValue` the exact parser would have made. */
export function fieldValue(type: number, value: number): FieldValue {
  switch (type) {
    case LONG:
      return { type: 'long', value: BigInt(value) };
    case UNSIGNED:
      return { type: 'unsignedLong', value: BigInt(value) };
    case BOOLEAN:
      return { type: 'boolean', value: value !== 0 };
    default:
      return { type: 'double', value };
  }
}

/** A compact field's value as SQLite stores it (as toSqlValue does for a `FieldValue`). */
export function sqlValue(type: number, value: number): unknown {
  switch (type) {
    case LONG:
      return BigInt(value);
    case UNSIGNED:
      // uint64 does not fit SQLite's int64; kept as decimal text.
      return BigInt(value).toString();
    default:
      return value;
  }
}
