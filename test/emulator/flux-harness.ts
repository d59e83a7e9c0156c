/**
 * What the Flux engine tests share: a real SQLite point store with one readable bucket, a spy on the
 * selectors it is asked for, points from annotated CSV or from literals, and runFlux with a fixed now.
 */
import { decodeAnnotatedCsv } from '../../emulator/flux/csv/decode';
import { parseTime } from '../../emulator/flux/csv/time';
import { FluxContext, runFlux } from '../../emulator/flux/engine';
import type { Cell, Result, Table } from '../../emulator/flux/table';
import { openStorage, Storage } from '../../emulator/storage/sqlite/open';
import type { Bucket, FieldType, FieldValue, Point, PointStore, SeriesSelector } from '../../emulator/storage/types';

export const NOW = parseTime('2030-01-01T00:00:00Z');

export function bucket(name: string, id: string): Bucket {
  return {
    id,
    orgID: '0000000000000001',
    name,
    type: 'user',
    retentionSeconds: 0,
    shardGroupDurationSeconds: 0,
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-01T00:00:00Z',
  };
}

export class FluxFixture {
  readonly storage: Storage = openStorage(':memory:');
  readonly buckets: Bucket[] = [bucket('test', '00000000000000b1')];
  /** Every selector the engine passed to `points.read`. */
  readonly reads: SeriesSelector[] = [];
  now = NOW;

  close(): void {
    this.storage.close();
  }

  write(points: Point[], bucketName = 'test'): void {
    const b = this.buckets.find((x) => x.name === bucketName);
    if (!b) throw new Error(`no bucket ${bucketName}`);
    this.storage.points.write(b.id, points, 0, this.now);
  }

  /** Writes the rows of annotated CSV (as in the Flux stdlib tests) as points. */
  writeCsv(csv: string): void {
    this.write(decodeAnnotatedCsv(csv).flatMap((r) => r.tables.flatMap(tablePoints)));
  }

  context(): FluxContext {
    const store = this.storage.points;
    const reads = this.reads;
    const spy: PointStore = {
      write: (...args) => store.write(...args),
      read: (selector) => {
        reads.push(selector);
        return store.read(selector);
      },
      readOffsets: (selector) => {
        reads.push({ ...selector, offsets: true } as SeriesSelector);
        return store.readOffsets(selector);
      },
      readWindows: (selector, reduce) => {
        reads.push(selector);
        return store.readWindows(selector, reduce);
      },
      seriesKeys: (selector) => store.seriesKeys(selector),
      deleteBefore: (...args) => store.deleteBefore(...args),
      deleteRange: (...args) => store.deleteRange(...args),
      deleteBucket: (id) => store.deleteBucket(id),
    };
    return {
      now: this.now,
      orgID: '0000000000000001',
      points: spy,
      findBucket: (ref) => this.buckets.find((b) => (ref.id !== undefined ? b.id === ref.id : b.name === ref.name)),
      listBuckets: () => this.buckets,
    };
  }

  run(query: string): Promise<{ results: Result[]; error?: Error }> {
    return runFlux(query, this.context());
  }

  /** The tables of the only result, failing on in-band errors. */
  async tables(query: string): Promise<Table[]> {
    const { results, error } = await this.run(query);
    if (error) throw error;
    if (results.length !== 1) throw new Error(`expected one result, got ${results.length}`);
    return results[0].tables;
  }
}

const NOT_TAGS = new Set(['_start', '_stop', '_time', '_value', '_field', '_measurement']);

function tablePoints(table: Table): Point[] {
  const at = (label: string) => table.columns.findIndex((c) => c.label === label);
  const [ti, vi, fi, mi] = ['_time', '_value', '_field', '_measurement'].map(at);
  const tagColumns = table.columns.map((c, j) => ({ c, j })).filter(({ c }) => !NOT_TAGS.has(c.label));
  const type = table.columns[vi].type as FieldType;
  return table.rows.map((row) => ({
    measurement: String(row[mi]),
    tags: tagColumns
      .filter(({ j }) => row[j] !== null)
      .map(({ c, j }): [string, string] => [c.label, String(row[j])])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    fields: new Map([[String(row[fi]), { type, value: row[vi] }]]),
    time: row[ti] as bigint,
  }));
}

/** A point with float fields, tags sorted. */
export function point(
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, number | FieldValue>,
  time: bigint,
): Point {
  return {
    measurement,
    tags: Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    fields: new Map(
      Object.entries(fields).map(([k, v]) => [k, typeof v === 'number' ? { type: 'double', value: v } : v]),
    ),
    time,
  };
}

export const long = (value: number): FieldValue => ({ type: 'long', value: BigInt(value) });
export const str = (value: string): FieldValue => ({ type: 'string', value });

/** `2018-05-22T19:53:26Z`-style times to nanoseconds. */
export const t = (text: string): bigint => parseTime(text);

/** A column of a table, by label. */
export function column(table: Table, label: string): Cell[] {
  const j = table.columns.findIndex((c) => c.label === label);
  if (j < 0) throw new Error(`no column ${label} in [${table.columns.map((c) => c.label).join(', ')}]`);
  return table.rows.map((r) => r[j]);
}

export function labels(table: Table): string[] {
  return table.columns.map((c) => c.label);
}

export function keyOf(table: Table): Record<string, Cell> {
  return Object.fromEntries(table.keyColumns.map((l, k) => [l, table.keyValues[k]]));
}
