/**
 * A Flux table stream: computed lazily (nothing is read before a `yield` needs it) and at most once,
 * so a stream bound to a variable and used by two yields reads storage once. A stream that is still
 * `from() |> range() |> filter()` keeps that as a `PendingRead`, which is what push-down narrows.
 */
import type { Bucket } from '../storage/types';
import type { Loc } from './parser/ast';
import type { Table } from './table';
import { atRuntime } from './interpreter/errors';
import { mergeTablesByKey } from './tables/merge';
import type { FluxFunction, Value } from './interpreter/values';

/** The time range of the query (the nearest `range()` upstream): what windows are clipped to. */
export interface Bounds {
  start: bigint;
  stop: bigint;
}

export interface StreamData {
  tables: Table[];
  bounds?: Bounds;
}

export interface PendingFilter {
  fn: FluxFunction;
  onEmpty: 'drop' | 'keep';
  loc: Loc;
}

export interface PendingRead {
  bucket: Bucket;
  /** `start`/`stop` as given (durations are relative to now; no stop = now), resolved when the read runs. */
  range?: { start: Value; stop?: Value; loc: Loc };
  filters: PendingFilter[];
}

/**
 * A stream whose every storage series may be cut to its first or last point without changing what a selector
 * downstream picks: the filters read only columns constant within a series, and every transformation since the
 * read keeps rows whole and in order, grouping only by columns constant within a series.
 */
export interface Reducible {
  /** The same stream computed from storage series cut to their first or last point (in time). */
  reduced(mode: 'first' | 'last'): TableStream;
  /** Columns whose values may differ between rows of one storage series (`_time`, `_value`), still present. */
  varying: ReadonlySet<string>;
}

/**
 * The tables of a stream one at a time, for a consumer that needs each table only until the next (the last
 * result of a query, encoded as it comes): memory then follows the largest table, not the whole answer.
 * Calling it does the stream's up-front work (and throws its errors); the iterator may throw later ones.
 */
export type TableSequence = () => Iterable<Table>;

export class TableStream {
  private cached?: StreamData;
  /** Set by the transformations that keep it (see Reducible). */
  reducible?: Reducible;
  /** The tables in row blocks (see Table.continuesPrevious), for a stream that can make them so. */
  rowBlocks?: TableSequence;

  constructor(
    private readonly produce: () => StreamData,
    readonly pendingRead?: PendingRead,
    private readonly sequence?: TableSequence,
  ) {}

  data(): StreamData {
    if (!this.cached) this.cached = this.produce();
    return this.cached;
  }

  /**
   * The tables in order, pulled one by one when the stream can make them so (and was not computed already), else
   * the computed list. Unlike data(), nothing is kept: a second call computes again, so only a last consumer uses it.
   */
  tables(): Iterable<Table> {
    if (this.cached || !this.sequence) return this.data().tables;
    return this.sequence();
  }

  /**
   * As tables(), but a long table may come as several blocks of rows, each a Table, the later ones marked
   * `continuesPrevious`: only for the CSV encoder, which writes them as one table.
   */
  blocks(): Iterable<Table> {
    if (this.cached || !this.rowBlocks) return this.tables();
    return this.rowBlocks();
  }

  /** A stream computed from this one by a transformation; errors name the function and its call. */
  derive(name: string, loc: Loc, transform: (input: StreamData) => StreamData): TableStream {
    return new TableStream(() => {
      const input = this.data();
      try {
        return transform(input);
      } catch (e) {
        throw atRuntime(e, name, loc);
      }
    });
  }

  /**
   * Marks `out` (computed from this stream by `again`) reducible when this stream is, provided `varying` (this
   * stream's varying columns as `out` has them) says so; returns `out`.
   */
  carryReducible(
    out: TableStream,
    again: (input: TableStream) => TableStream,
    varying: (columns: ReadonlySet<string>) => ReadonlySet<string> | undefined,
  ): TableStream {
    const mine = this.reducible;
    if (!mine) return out;
    const next = varying(mine.varying);
    if (next) out.reducible = { varying: next, reduced: (mode) => again(mine.reduced(mode)) };
    return out;
  }

  /**
   * Shorthand for transformations that work table by table and keep the bounds. `changesKeys` is for those that
   * may change group keys: their output goes through mergeTablesByKey, so tables that now share a key are one.
   */
  mapTables(
    name: string,
    loc: Loc,
    perTable: (table: Table) => Table | Table[] | undefined,
    changesKeys: 'changesKeys' | 'keepsKeys' = 'keepsKeys',
  ): TableStream {
    const whole = this.derive(name, loc, (input) => {
      const tables: Table[] = [];
      for (const t of input.tables) {
        const out = perTable(t);
        if (Array.isArray(out)) tables.push(...out);
        else if (out) tables.push(out);
      }
      return { tables: changesKeys === 'changesKeys' ? mergeTablesByKey(tables) : tables, bounds: input.bounds };
    });
    // Tables that may now share a key must be merged, which needs them all: only key-keeping ones go one by one.
    if (changesKeys === 'changesKeys' || !this.sequence) return whole;
    return new TableStream(
      () => whole.data(),
      undefined,
      () => mapSequence(this.tables(), name, loc, perTable),
    );
  }
}

function* mapSequence(
  input: Iterable<Table>,
  name: string,
  loc: Loc,
  perTable: (table: Table) => Table | Table[] | undefined,
): Generator<Table> {
  for (const t of input) {
    let out: Table | Table[] | undefined;
    try {
      out = perTable(t);
    } catch (e) {
      throw atRuntime(e, name, loc);
    }
    if (Array.isArray(out)) yield* out;
    else if (out) yield out;
  }
}
