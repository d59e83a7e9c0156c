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

const INITIAL_POINTS = 256;
const INITIAL_FIELDS = 1024;

export class PointBatch {
  /** Number of points. */
  length = 0;
  readonly series: BatchSeries[] = [];
  /** Field keys, each once; fields refer to them by index. */
  readonly keys: string[] = [];
  private readonly keyIndexes = new Map<string, number>();
  /** Points kept whole (read by the exact parser). */
  readonly whole: Point[] = [];
  // Typed arrays (grown by doubling) hold nothing the garbage collector traces or copies.
  /** Per point: its index in `series`, or -1 - k for the k-th of `whole`. */
  pointSeries = new Int32Array(INITIAL_POINTS);
  /** Per point: nanoseconds since the epoch. */
  times = new BigInt64Array(INITIAL_POINTS);
  /** Per point: the end of its fields in the field arrays (they start where the point before ends). */
  fieldEnds = new Int32Array(INITIAL_POINTS);
  /** Number of compact fields. */
  fieldCount = 0;
  /** Per field: its key's index in `keys`. */
  fieldKeys = new Int32Array(INITIAL_FIELDS);
  fieldTypes = new Uint8Array(INITIAL_FIELDS);
  /** The value: a double, an integer below 2^53, or 1/0 for a boolean. */
  fieldValues = new Float64Array(INITIAL_FIELDS);

  /**
   * Empties the batch for another body, keeping its typed arrays: a pooled batch spares each write the
   * allocation of its arrays (outside the heap, where they bring full collections). Slots past `length`
   * and `fieldCount` keep old values, which nothing reads: every point and field sets all of its slots.
   */
  clear(): void {
    this.length = 0;
    this.fieldCount = 0;
    this.series.length = 0;
    this.keys.length = 0;
    this.keyIndexes.clear();
    this.whole.length = 0;
  }

  /** Points or fields (whichever is more) the arrays hold without growing. */
  get capacity(): number {
    return Math.max(this.pointSeries.length, this.fieldTypes.length);
  }

  addSeries(measurement: string, tags: [string, string][]): number {
    return this.series.push({ measurement, tags }) - 1;
  }

  /** The index of a field key in `keys`, added if new. */
  keyIndex(key: string): number {
    let index = this.keyIndexes.get(key);
    if (index === undefined) {
      index = this.keys.push(key) - 1;
      this.keyIndexes.set(key, index);
    }
    return index;
  }

  addField(keyIndex: number, type: number, value: number): void {
    const k = this.fieldCount;
    if (k === this.fieldTypes.length) this.growFields();
    this.fieldKeys[k] = keyIndex;
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
    const i = this.length;
    if (i === this.pointSeries.length) this.growPoints();
    this.pointSeries[i] = seriesIndex;
    this.times[i] = time;
    this.fieldEnds[i] = this.fieldCount;
    this.length = i + 1;
  }

  addWhole(point: Point): void {
    this.endPoint(-1 - this.whole.length, point.time);
    this.whole.push(point);
  }

  /** The point at `index` as a `Point` (for tests and rare callers; the write path reads the arrays). */
  point(index: number): Point {
    const s = this.pointSeries[index];
    if (s < 0) return this.whole[-1 - s];
    const { measurement, tags } = this.series[s];
    const fields = new Map<string, FieldValue>();
    for (let f = index === 0 ? 0 : this.fieldEnds[index - 1]; f < this.fieldEnds[index]; f++) {
      fields.set(this.keys[this.fieldKeys[f]], fieldValue(this.fieldTypes[f], this.fieldValues[f]));
    }
    return { measurement, tags, fields, time: this.times[index] };
  }

  points(): Point[] {
    return Array.from({ length: this.length }, (_, i) => this.point(i));
  }

  /**
   * Makes room for this many points and fields in all, when more than there is: a parser that can tell
   * how large its body's batch will be saves the copies of growing by doubling (and their memory).
   */
  reserve(points: number, fields: number): void {
    if (points > this.pointSeries.length) this.growPoints(points);
    if (fields > this.fieldTypes.length) this.growFields(fields);
  }

  private growPoints(size = this.pointSeries.length * 2): void {
    this.pointSeries = grown(this.pointSeries, new Int32Array(size));
    this.times = grown(this.times, new BigInt64Array(size));
    this.fieldEnds = grown(this.fieldEnds, new Int32Array(size));
  }

  private growFields(size = this.fieldTypes.length * 2): void {
    this.fieldKeys = grown(this.fieldKeys, new Int32Array(size));
    this.fieldTypes = grown(this.fieldTypes, new Uint8Array(size));
    this.fieldValues = grown(this.fieldValues, new Float64Array(size));
  }
}

function grown<T extends Int32Array | Uint8Array | Float64Array | BigInt64Array>(from: T, to: T): T {
  (to as Int32Array).set(from as Int32Array);
  return to;
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
