/**
 * The read side of the SQLite PointStore: which series match a selector, and their points in a time range.
 * Kept apart from the write side (points.ts) so queries and ingest evolve separately.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Cell } from '../../flux/table';
import type {
  FieldType,
  SeriesData,
  SeriesKey,
  SeriesOffsets,
  SeriesSelector,
  SeriesWindows,
  WindowedSelector,
} from '../types';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Up to this many windows in a range, window counts come from seeks (a few per window), else from every row. */
const SEEK_WINDOWS = 5000n;

export interface SeriesRow {
  id: bigint;
  measurement: string;
  tags: string;
  field: string;
  type: FieldType;
}

export class SqlitePointReader {
  /** findSeries' statements by their SQL (a handful of shapes: which hints a query gives). */
  private readonly findStatements = new Map<string, Statement>();
  private readonly stmt: {
    readPoints: Statement;
    readFirst: Statement;
    readLast: Statement;
    windowCounts: Statement;
    windowCountsBySeeks: Statement;
    readValues: Statement;
    readExactValues: Statement;
    readOffsets: Statement;
  };

  constructor(private readonly db: Database) {
    this.stmt = {
      readPoints: db
        .prepare('SELECT time, value FROM points WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time')
        .safeIntegers(true)
        .raw(true),
      // A selector pushed down: one seek on the primary key per series.
      readFirst: db
        .prepare('SELECT time, value FROM points WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time LIMIT 1')
        .safeIntegers(true)
        .raw(true),
      readLast: db
        .prepare(
          'SELECT time, value FROM points WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time DESC LIMIT 1',
        )
        .safeIntegers(true)
        .raw(true),
      // Counting is order-free, so GROUP BY may sort as it likes; times minus origin are >= 0, so / is floor.
      windowCounts: db
        .prepare(
          'SELECT (time - ?) / ? AS k, count(*) FROM points WHERE series_id = ? AND time >= ? AND time < ? ' +
            'GROUP BY k ORDER BY k',
        )
        .raw(true),
      // The same without visiting rows one by one in JS order: from each window, a seek to the next point's window,
      // then a count inside SQLite. Cheaper when windows are few (the dashboard's hours over days of minutes).
      windowCountsBySeeks: db
        .prepare(
          `WITH RECURSIVE w(k) AS (
             SELECT (min(time) - @origin) / @every FROM points WHERE series_id = @series AND time >= @start AND time < @stop
             UNION ALL
             SELECT (SELECT (min(time) - @origin) / @every FROM points
                     WHERE series_id = @series AND time >= @origin + (w.k + 1) * @every AND time < @stop)
             FROM w WHERE w.k IS NOT NULL)
           SELECT k, (SELECT count(*) FROM points WHERE series_id = @series
                      AND time >= max(@origin + k * @every, @start) AND time < min(@origin + (k + 1) * @every, @stop))
           FROM w WHERE k IS NOT NULL`,
        )
        .raw(true),
      // Values alone, in time order: one JS value per point, no row array (doubles as numbers).
      readValues: db
        .prepare('SELECT value FROM points WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time')
        .pluck(true),
      readOffsets: db
        .prepare('SELECT time - ? FROM points WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time')
        .pluck(true),
      // Integers beyond 2^53 stay exact.
      readExactValues: db
        .prepare('SELECT value FROM points WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time')
        .pluck(true)
        .safeIntegers(true),
    };
  }

  read(selector: SeriesSelector): SeriesData[] {
    const start = clamp(selector.start);
    const stop = clamp(selector.stop);
    const out: SeriesData[] = [];
    if (start >= stop) return out;
    const statement =
      selector.only === 'first'
        ? this.stmt.readFirst
        : selector.only === 'last'
          ? this.stmt.readLast
          : this.stmt.readPoints;
    for (const series of this.findSeries(selector)) {
      const rows = statement.all(series.id, start, stop) as [bigint, unknown][];
      if (rows.length === 0) continue;
      const times = new Array<bigint>(rows.length);
      const values = new Array<Cell>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        times[i] = rows[i][0];
        values[i] = fromSqlValue(series.type, rows[i][1]);
      }
      out.push({
        measurement: series.measurement,
        tags: JSON.parse(series.tags),
        field: series.field,
        type: series.type,
        times,
        values,
      });
    }
    return out;
  }

  readWindows<R>(selector: WindowedSelector, reduce: (values: Cell[], series: SeriesKey) => R): SeriesWindows<R>[] {
    return this.snapshot(() => this.windowsOf(selector, reduce));
  }

  readOffsets(selector: SeriesSelector): SeriesOffsets[] {
    return this.snapshot(() => this.offsetsOf(selector));
  }

  /**
   * Runs reads that must agree (counts, then values) in one read transaction: a write committed in between by
   * another connection would shift one against the other.
   */
  private snapshot<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  private windowsOf<R>(
    selector: WindowedSelector,
    reduce: (values: Cell[], series: SeriesKey) => R,
  ): SeriesWindows<R>[] {
    const start = clamp(selector.start);
    const stop = clamp(selector.stop);
    const out: SeriesWindows<R>[] = [];
    if (start >= stop) return out;
    const { origin, every } = selector;
    const fewWindows = (stop - origin) / every <= SEEK_WINDOWS;
    for (const series of this.findSeries(selector)) {
      const key = seriesKeyOf(series);
      if (!selector.keep(key)) continue;
      const grouped = (
        fewWindows
          ? this.stmt.windowCountsBySeeks.all({ origin, every, series: series.id, start, stop })
          : this.stmt.windowCounts.all(origin, every, series.id, start, stop)
      ) as [number, number][];
      if (grouped.length === 0) continue;
      // Reduced series by series, so a series' values are short-lived.
      const values = selector.values ? this.values(series, start, stop) : undefined;
      const windows = new Array<number>(grouped.length);
      const results = new Array<R>(grouped.length);
      for (let i = 0, at = 0; i < grouped.length; i++) {
        const [k, count] = grouped[i];
        windows[i] = k;
        results[i] = reduce(values ? values.slice(at, at + count) : new Array<Cell>(count).fill(null), key);
        at += count;
      }
      out.push({ ...key, windows, results });
    }
    return out;
  }

  private offsetsOf(selector: SeriesSelector): SeriesOffsets[] {
    const start = clamp(selector.start);
    const stop = clamp(selector.stop);
    const out: SeriesOffsets[] = [];
    if (start >= stop) return out;
    for (const series of this.findSeries(selector)) {
      // Two plucks (times, then values) cost less than one array per row.
      const offsets = this.stmt.readOffsets.all(start, series.id, start, stop) as number[];
      if (offsets.length === 0) continue;
      out.push({ ...seriesKeyOf(series), offsets, values: this.values(series, start, stop) });
    }
    return out;
  }

  /** A series' values in [start, stop) in time order, as the table model holds them. */
  private values(series: SeriesRow, start: bigint, stop: bigint): Cell[] {
    const exact = series.type !== 'double';
    const raw = (exact ? this.stmt.readExactValues : this.stmt.readValues).all(series.id, start, stop) as Cell[];
    return exact ? raw.map((v) => fromSqlValue(series.type, v)) : raw;
  }

  seriesKeys(selector: Omit<SeriesSelector, 'start' | 'stop'>): SeriesKey[] {
    return this.findSeries(selector).map(seriesKeyOf);
  }

  /** Series matching the selector's hints, ordered by series key (measurement, tags, field). */
  findSeries(selector: Omit<SeriesSelector, 'start' | 'stop'>): SeriesRow[] {
    const where = ['bucket_id = ?'];
    const params: unknown[] = [selector.bucketId];
    if (selector.measurements) {
      where.push(`measurement IN (${placeholders(selector.measurements.length)})`);
      params.push(...selector.measurements);
    }
    if (selector.fields) {
      where.push(`field IN (${placeholders(selector.fields.length)})`);
      params.push(...selector.fields);
    }
    for (const [key, values] of Object.entries(selector.tags ?? {})) {
      where.push(
        `id IN (SELECT series_id FROM series_tags WHERE key = ? AND value IN (${placeholders(values.length)}))`,
      );
      params.push(key, ...values);
    }
    const sql = `SELECT id, measurement, tags, field, type FROM series WHERE ${where.join(' AND ')}`;
    let statement = this.findStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).safeIntegers(true);
      this.findStatements.set(sql, statement);
    }
    const rows = statement.all(...params) as SeriesRow[];
    // Each series' sort key is made once (not a JSON parse and Buffers per comparison).
    if (rows.some((r) => r.measurement.includes('\u0000') || r.tags.includes('\\u0000') || r.field.includes('\u0000')))
      return rows.sort(compareSeries);
    const keyed = rows.map((row) => ({ row, key: sortKey(row) }));
    keyed.sort((a, b) => Buffer.compare(a.key, b.key));
    return keyed.map((k) => k.row);
  }
}

function seriesKeyOf(s: SeriesRow): SeriesKey {
  return { measurement: s.measurement, tags: JSON.parse(s.tags) as [string, string][], field: s.field, type: s.type };
}

function fromSqlValue(type: FieldType, raw: unknown): Cell {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'boolean':
      return raw === 1n || raw === 1;
    case 'unsignedLong':
    case 'long':
      return BigInt(raw as string | bigint);
    case 'double':
      return Number(raw);
    default:
      return String(raw);
  }
}

function compareSeries(a: SeriesRow, b: SeriesRow): number {
  return (
    compareBytes(a.measurement, b.measurement) ||
    compareTagSets(JSON.parse(a.tags), JSON.parse(b.tags)) ||
    compareBytes(a.field, b.field)
  );
}

function compareTagSets(a: [string, string][], b: [string, string][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareBytes(a[i][0], b[i][0]) || compareBytes(a[i][1], b[i][1]);
    if (c) return c;
  }
  return a.length - b.length;
}

/**
 * Bytes that sort as compareSeries (used when no text holds a NUL): measurement, then the tag pairs, then the field, each string's UTF-8
 * ended by a 0x00 and each level ended by a 0x01 (below every byte of a text but 0x00, so a shorter tag
 * set comes first, as it does pair by pair). Strings hold no NUL (line protocol cannot carry one), so
 * comparing these bytes compares the parts in turn by their own bytes.
 */
function sortKey(row: SeriesRow): Buffer {
  const parts: string[] = [row.measurement, '\u0000'];
  for (const [k, v] of JSON.parse(row.tags) as [string, string][]) parts.push('\u0002', k, '\u0000', v, '\u0000');
  parts.push('\u0001', row.field, '\u0000');
  return Buffer.from(parts.join(''), 'utf8');
}

/** Byte order of the UTF-8 encoding, as InfluxDB sorts keys. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function clamp(ns: bigint): bigint {
  return ns < INT64_MIN ? INT64_MIN : ns > INT64_MAX ? INT64_MAX : ns;
}

function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ');
}
