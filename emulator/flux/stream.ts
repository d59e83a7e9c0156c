/**
 * A Flux table stream: computed lazily (nothing is read before a `yield` needs it) and at most once,
 * so a stream bound to a variable and used by two yields reads storage once. A stream that is still
 * `from() |> range() |> filter()` keeps that as a `PendingRead`, which is what push-down narrows. A last result may
 * instead be pulled table by table (TablePass), as far as its steps allow (see mapTables and KeyFacts).
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
 * What is known of the group keys of a stream's tables before the first is made: enough for a step that changes
 * keys (drop, keep, rename, map) to tell that no two tables can end up with one key, so it need not merge them and
 * may go table by table.
 */
export interface KeyFacts {
  /** Every label that is, or may be, a group-key column of some table. */
  possible: ReadonlySet<string>;
  /** Key columns every table has, with one type and value in all of them (`_start`, `_stop` after range()). */
  uniform: ReadonlySet<string>;
}

/**
 * One pass over the tables of a stream, for a consumer that needs each table only until the next (the last result
 * of a query, encoded as it comes): memory then follows the largest table, not the whole answer.
 */
export interface TablePass {
  tables: Iterable<Table>;
  /** True of exactly the tables of this pass (a later pass may read more series). */
  keys?: KeyFacts;
  /** The tables are all held while they are pulled (computed whole upstream): nothing is saved by pulling them. */
  heldWhole?: true;
}

/** Starts a pass: does the stream's up-front work (and throws its errors); pulling may throw later ones. */
export type TableSequence = () => TablePass;

/**
 * How a step that may change group keys can still go table by table (see TableStream.mapTables).
 * `keys` gives the output's key facts when, by the input's, no two tables can end up sharing a key (undefined: it
 * cannot tell, and the answer is computed whole and merged). `blocks` applies the step to row blocks (see
 * Table.continuesPrevious), for a step that works row by row.
 */
export interface KeyChangingStep {
  keys(input: KeyFacts): KeyFacts | undefined;
  blocks?: (blocks: Iterable<Table>) => Iterable<Table>;
}

/** Key facts without the given labels (a step that removes those columns). */
export function withoutKeyColumns(facts: KeyFacts, removed: (label: string) => boolean): KeyFacts {
  return {
    possible: new Set([...facts.possible].filter((l) => !removed(l))),
    uniform: new Set([...facts.uniform].filter((l) => !removed(l))),
  };
}

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
    return this.pass().tables;
  }

  /** As tables(), with what is known of the pass (see TablePass). */
  pass(): TablePass {
    if (this.cached || !this.sequence) return { tables: this.data().tables, heldWhole: true };
    return this.sequence();
  }

  /**
   * As pass(), but a long table may come as several blocks of rows, each a Table, the later ones marked
   * `continuesPrevious`: only for the CSV encoder, which writes them as one table.
   */
  blocks(): TablePass {
    if (this.cached || !this.rowBlocks) return this.pass();
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
   * Shorthand for transformations that work table by table and keep the bounds. One that may change group keys
   * says so (`changesKeys`, or a KeyChangingStep): its output goes through mergeTablesByKey, so tables that now
   * share a key are one. That needs every table, so it goes table by table only as a KeyChangingStep whose input's
   * key facts show no two tables can end up with one key.
   */
  mapTables(
    name: string,
    loc: Loc,
    perTable: (table: Table) => Table | Table[] | undefined,
    keys: 'changesKeys' | 'keepsKeys' | KeyChangingStep = 'keepsKeys',
  ): TableStream {
    const merges = keys !== 'keepsKeys';
    const whole = this.derive(name, loc, (input) => {
      const tables = mapAll(input.tables, perTable);
      return { tables: merges ? mergeTablesByKey(tables) : tables, bounds: input.bounds };
    });
    if (keys === 'changesKeys' || !this.sequence) return whole;
    if (keys === 'keepsKeys') {
      return new TableStream(
        () => whole.data(),
        undefined,
        () => {
          const pass = this.pass();
          return { ...pass, tables: mapSequence(pass.tables, name, loc, perTable) };
        },
      );
    }
    const step = keys;
    /** The answer computed whole from a pass over the input, tables that now share a key merged. */
    const merged = (pass: TablePass): TablePass => {
      const tables = [...mapSequence(pass.tables, name, loc, perTable)];
      try {
        return { tables: mergeTablesByKey(tables), heldWhole: true };
      } catch (e) {
        throw atRuntime(e, name, loc);
      }
    };
    const out = new TableStream(
      () => whole.data(),
      undefined,
      () => {
        const pass = this.pass();
        const facts = pass.keys && step.keys(pass.keys);
        if (!facts) return merged(pass);
        const tables = mapSequence(pass.tables, name, loc, (t) => withoutPhantomRows(perTable(t)));
        return { tables, keys: facts, ...heldAsBefore(pass) };
      },
    );
    const { blocks } = step;
    if (blocks && this.rowBlocks) {
      out.rowBlocks = () => {
        const pass = this.blocks();
        const facts = pass.keys && step.keys(pass.keys);
        // Blocks are no tables to merge: the whole answer starts again from a pass over tables.
        if (!facts) return out.pass();
        return { tables: blocks(pass.tables), keys: facts, ...heldAsBefore(pass) };
      };
    }
    return out;
  }
}

function heldAsBefore(pass: TablePass): { heldWhole?: true } {
  return pass.heldWhole ? { heldWhole: true } : {};
}

function mapAll(tables: Iterable<Table>, perTable: (table: Table) => Table | Table[] | undefined): Table[] {
  const out: Table[] = [];
  for (const t of tables) {
    const mapped = perTable(t);
    if (Array.isArray(mapped)) out.push(...mapped);
    else if (mapped) out.push(mapped);
  }
  return out;
}

/**
 * Applies `perBlock` to each row block, the output of a continuing block marked so too (a block left without rows
 * is left out: its table goes on without it).
 */
export function mapRowBlocks(
  blocks: Iterable<Table>,
  name: string,
  loc: Loc,
  perBlock: (block: Table) => Table,
): Iterable<Table> {
  return (function* () {
    for (const block of blocks) {
      let out: Table;
      try {
        out = withoutPhantomOne(perBlock(block));
      } catch (e) {
        throw atRuntime(e, name, loc);
      }
      if (!block.continuesPrevious) yield out;
      else if (out.rows.length > 0) yield { ...out, continuesPrevious: true as const };
    }
  })();
}

/** As mergeTablesByKey leaves a table alone: one without columns has no rows. */
function withoutPhantomRows(out: Table | Table[] | undefined): Table | Table[] | undefined {
  if (Array.isArray(out)) return out.map(withoutPhantomOne);
  return out && withoutPhantomOne(out);
}

function withoutPhantomOne(table: Table): Table {
  return table.columns.length === 0 && table.rows.length > 0 ? { ...table, rows: [] } : table;
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
