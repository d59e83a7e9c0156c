/**
 * `window()` and `aggregateWindow()`. `window` splits each table by time into one table per window,
 * with `_start`/`_stop` (in the group key) set to the window clipped to the query bounds; tables whose
 * keys become equal are merged. `aggregateWindow` is Flux's own composition (FLUX universe.flux):
 * window |> fn(column) |> fill empty tables |> duplicate(timeSrc -> timeDst) |> window(every: inf);
 * for the builtin aggregates and selectors it computes the same rows directly, window by window.
 */
import { atRuntime, FluxError } from '../interpreter/errors';
import { Args, builtin, callFunction } from '../interpreter/functions';
import { INFINITE_DURATION, MAX_TIME, MIN_TIME, ZERO_DURATION } from '../interpreter/time';
import type { CallSite, Duration, FluxFunction } from '../interpreter/values';
import { str, stream, typeName } from '../interpreter/values';
import { type Bounds, type StreamData, TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { keyId } from '../tables/keys';
import { count, Reducer, windowReducers } from './aggregates';
import { duplicateColumn } from './columns';
import { Pick, windowPickers } from './selectors';
import { FluxLocation, readLocation } from './timezone';
import type { SeriesKey } from '../../storage/types';
import { SeriesInWindows, windowedRead } from './window-pushdown';
import { clip, Window, Windower } from './windows';

interface WindowSpec {
  every: Duration;
  period: Duration;
  offset: Duration;
  createEmpty: boolean;
  timeColumn: string;
  startColumn: string;
  stopColumn: string;
}

export const window = builtin({
  name: 'window',
  params: ['tables', 'every', 'period', 'offset', 'location', 'timeColumn', 'startColumn', 'stopColumn', 'createEmpty'],
  pipe: 'tables',
  run(args, site) {
    const location = windowLocation(args, site);
    if (!args.has('every') && !args.has('period')) throw new FluxError('window needs every or period');
    const period = args.duration('period', ZERO_DURATION);
    const every = args.has('every') ? args.duration('every') : period;
    const spec: WindowSpec = {
      every,
      period,
      offset: args.duration('offset', ZERO_DURATION),
      createEmpty: args.bool('createEmpty', false),
      timeColumn: args.string('timeColumn', '_time'),
      startColumn: args.string('startColumn', '_start'),
      stopColumn: args.string('stopColumn', '_stop'),
    };
    const windower = every.infinite ? undefined : new Windower(every, period, spec.offset, location);
    return stream(args.stream('tables').derive('window', site.loc, (data) => windowStream(data, spec, windower)));
  },
});

export const aggregateWindow = builtin({
  name: 'aggregateWindow',
  params: ['tables', 'every', 'period', 'fn', 'offset', 'location', 'column', 'timeSrc', 'timeDst', 'createEmpty'],
  required: ['every', 'fn'],
  pipe: 'tables',
  run(args, site) {
    const location = windowLocation(args, site);
    const every = args.duration('every');
    if (every.infinite) throw new FluxError('aggregateWindow needs a finite every');
    const spec: WindowSpec = {
      every,
      period: args.duration('period', ZERO_DURATION),
      offset: args.duration('offset', ZERO_DURATION),
      createEmpty: args.bool('createEmpty', true),
      timeColumn: '_time',
      startColumn: '_start',
      stopColumn: '_stop',
    };
    const fn = args.fn('fn');
    const column = args.string('column', '_value');
    const timeSrc = args.string('timeSrc', '_stop');
    const timeDst = args.string('timeDst', '_time');
    const windower = new Windower(spec.every, spec.period, spec.offset, location);
    const input = args.stream('tables');
    const fast = fastOperation(fn);
    if (fast && (timeSrc === spec.startColumn || timeSrc === spec.stopColumn)) {
      const names = { column, timeSrc, timeDst };
      // Pushed down: storage groups each series' points by window; only the value column can be aggregated so.
      const read =
        column === '_value'
          ? windowedRead(
              input,
              site.runtime,
              windower,
              { withValues: !(fast.kind === 'aggregate' && fn === count), createEmpty: spec.createEmpty },
              storedReducer(fast),
            )
          : undefined;
      if (read) {
        return stream(
          new TableStream(() => {
            try {
              const { series, bounds } = read();
              return { tables: series.map((s) => aggregateStoredWindows(s, spec, bounds, fast, names)), bounds };
            } catch (e) {
              throw atRuntime(e, 'aggregateWindow', site.loc);
            }
          }),
        );
      }
      return stream(
        input.derive('aggregateWindow', site.loc, (data) => ({
          tables: data.tables.map((t) => aggregateWindows(t, spec, windower, data.bounds, fast, names)),
          bounds: data.bounds,
        })),
      );
    }
    const windowed = input.derive('aggregateWindow', site.loc, (data) => windowStream(data, spec, windower));
    const aggregated = callFunction(fn, new Map([['column', str(column)]]), stream(windowed), {
      name: fn.name,
      loc: site.loc,
      runtime: site.runtime,
    });
    if (aggregated.type !== 'stream')
      throw new FluxError(`fn must return a stream of tables, got ${typeName(aggregated)}`);
    const unwindow: WindowSpec = {
      ...spec,
      every: INFINITE_DURATION,
      period: INFINITE_DURATION,
      createEmpty: false,
      timeColumn: timeDst,
    };
    return stream(
      aggregated.value.derive('aggregateWindow', site.loc, (data) => {
        let tables = data.tables;
        if (spec.createEmpty) tables = tables.map(fillEmpty);
        tables = tables.map((t) => duplicateColumn(t, timeSrc, timeDst));
        const out = windowStream({ tables, bounds: data.bounds }, unwindow, undefined);
        return { ...out, tables: out.tables.map((t) => moveAfter(t, timeDst, spec.stopColumn)) };
      }),
    );
  },
});

/** The `location` argument, by default the `location` option (UTC unless the script sets it). */
function windowLocation(args: Args, site: CallSite): FluxLocation {
  return readLocation(args.optional('location') ?? site.runtime.option('location'));
}

/** One input table's rows sorted into windows, with `_start`/`_stop` columns present. */
interface Assignment {
  columns: Column[];
  startIndex: number;
  stopIndex: number;
  windows: { w: Window; rows: Cell[][] }[];
}

function assignWindows(
  table: Table,
  spec: WindowSpec,
  windower: Windower | undefined,
  bounds: Bounds | undefined,
): Assignment {
  let columns: Column[] = table.columns;
  let rows = table.rows;
  const missing: Column[] = [spec.startColumn, spec.stopColumn]
    .filter((label) => !columns.some((c) => c.label === label))
    .map((label): Column => ({ label, type: 'dateTime:RFC3339' }));
  if (missing.length > 0) {
    columns = [...missing, ...columns];
    rows = rows.map((r) => [...missing.map((): Cell => null), ...r]);
  }
  const ti = columns.findIndex((c) => c.label === spec.timeColumn);
  if (ti < 0) throw new FluxError(`missing time column "${spec.timeColumn}"`);
  if (columns[ti].type !== 'dateTime:RFC3339')
    throw new FluxError(`time column "${spec.timeColumn}" is ${columns[ti].type}, not a time`);

  const byWindow = new Map<string, { w: Window; rows: Cell[][] }>();
  const add = (w: Window) => {
    const id = `${w.start}:${w.stop}`;
    let entry = byWindow.get(id);
    if (!entry) byWindow.set(id, (entry = { w, rows: [] }));
    return entry;
  };
  if (!windower) {
    // window(every: inf): one window, the query bounds, holding every row whatever its time.
    add(bounds ?? { start: MIN_TIME, stop: MAX_TIME }).rows.push(...rows);
  } else {
    if (spec.createEmpty && bounds)
      for (const w of windower.overlapping(bounds.start, bounds.stop)) add(clip(w, bounds) ?? w);
    for (const r of rows) {
      const t = r[ti];
      if (typeof t !== 'bigint') continue;
      for (const w of windower.containing(t)) {
        const clipped = clip(w, bounds);
        if (clipped && t >= clipped.start && t < clipped.stop) add(clipped).rows.push(r);
      }
    }
  }
  const windows = [...byWindow.values()].sort((a, b) =>
    a.w.start < b.w.start ? -1 : a.w.start > b.w.start ? 1 : a.w.stop < b.w.stop ? -1 : 1,
  );
  return {
    columns,
    startIndex: columns.findIndex((c) => c.label === spec.startColumn),
    stopIndex: columns.findIndex((c) => c.label === spec.stopColumn),
    windows,
  };
}

function windowStream(data: StreamData, spec: WindowSpec, windower: Windower | undefined): StreamData {
  const bounds: Window | undefined = data.bounds;
  const merged = new Map<string, Table>();
  const bareColumns = new Set([spec.startColumn, spec.stopColumn]);
  for (const table of data.tables) {
    // Output keys differ from the input key only in _start/_stop, so the merge id is cheap to form.
    const base = keyId(table, bareColumns);
    for (const t of windowTable(table, spec, windower, bounds)) {
      const id = `${base}\u0002${t.keyValues[t.keyColumns.indexOf(spec.startColumn)]}:${t.keyValues[t.keyColumns.indexOf(spec.stopColumn)]}`;
      const existing = merged.get(id);
      if (existing) existing.rows.push(...alignRows(t, existing));
      else merged.set(id, t);
    }
  }
  return { tables: [...merged.values()], bounds: data.bounds };
}

/** Rows of `from` laid out in the column order of `into` (both have the same columns). */
function alignRows(from: Table, into: Table): Cell[][] {
  if (from.columns.every((c, j) => into.columns[j]?.label === c.label)) return from.rows;
  const index = into.columns.map((c) => from.columns.findIndex((f) => f.label === c.label));
  return from.rows.map((r) => index.map((j) => (j < 0 ? null : (r[j] ?? null))));
}

/** The tables one input table splits into, earliest window first. */
function windowTable(
  table: Table,
  spec: WindowSpec,
  windower: Windower | undefined,
  bounds: Bounds | undefined,
): Table[] {
  const { columns, startIndex, stopIndex, windows } = assignWindows(table, spec, windower, bounds);
  const keyLabels = windowKeyLabels(table, spec);
  const key = keyMap(table);
  return windows.map(({ w, rows }) => {
    const values = new Map(key);
    values.set(spec.startColumn, w.start);
    values.set(spec.stopColumn, w.stop);
    const out = rows.map((r) => {
      const copy = r.slice();
      copy[startIndex] = w.start;
      copy[stopIndex] = w.stop;
      return copy;
    });
    return makeTable(columns, keyLabels, out, values);
  });
}

function windowKeyLabels(table: Table, spec: WindowSpec): string[] {
  return [
    ...table.keyColumns.filter((l) => l !== spec.startColumn && l !== spec.stopColumn),
    spec.startColumn,
    spec.stopColumn,
  ];
}

type FastOperation = { kind: 'aggregate'; reduce: Reducer } | { kind: 'selector'; pick: Pick };

function fastOperation(fn: FluxFunction): FastOperation | undefined {
  const reduce = windowReducers.get(fn);
  if (reduce) return { kind: 'aggregate', reduce };
  const pick = windowPickers.get(fn);
  return pick ? { kind: 'selector', pick } : undefined;
}

/** One window reduced: an aggregate's value, or a selector's row (undefined when it picked none). */
interface ReducedWindow {
  w: Window;
  cell: Cell;
  row?: Cell[];
}

/** A table's layout as aggregateWindows needs it: its columns (with `_start`/`_stop`), key and value column. */
interface WindowedShape {
  columns: Column[];
  startIndex: number;
  stopIndex: number;
  keyLabels: string[];
  key: Map<string, Cell>;
  valueIndex: number;
}

/** One input table cut into windows by the engine. */
function aggregateWindows(
  table: Table,
  spec: WindowSpec,
  windower: Windower,
  bounds: Bounds | undefined,
  op: FastOperation,
  names: AggregateNames,
): Table {
  const { columns, startIndex, stopIndex, windows } = assignWindows(table, spec, windower, bounds);
  const vi = columns.findIndex((c) => c.label === names.column);
  if (vi < 0) throw new FluxError(`column "${names.column}" does not exist`);
  const keyLabels = windowKeyLabels(table, spec);
  const shape = { columns, startIndex, stopIndex, keyLabels, key: keyMap(table), valueIndex: vi };
  checkNotKey(keyLabels, names.column);
  const type = columns[vi].type;
  const reduced = windows.map(({ w, rows }): ReducedWindow => {
    const values = rows.map((r) => r[vi] ?? null);
    if (op.kind === 'aggregate') return { w, cell: op.reduce(values, type).cell };
    const i = op.pick(values, type);
    return { w, cell: null, row: i < 0 ? undefined : rows[i] };
  });
  return reduceWindows(shape, reduced, spec, bounds, op, names);
}

/**
 * Storage reduces the windows of each series (window-pushdown.ts) with this: the aggregate's value, or the picked
 * value of a selector (undefined when none).
 */
function storedReducer(op: FastOperation): (values: Cell[], series: SeriesKey) => Cell | undefined {
  if (op.kind === 'aggregate') return (values, series) => op.reduce(values, series.type).cell;
  return (values, series) => {
    const i = op.pick(values, series.type);
    return i < 0 ? undefined : values[i];
  };
}

/** One storage series cut into windows and reduced by storage. */
function aggregateStoredWindows(
  s: SeriesInWindows<Cell | undefined>,
  spec: WindowSpec,
  bounds: Bounds,
  op: FastOperation,
  names: AggregateNames,
): Table {
  const { probe } = s;
  const vi = probe.columns.findIndex((c) => c.label === names.column);
  const shape = {
    columns: probe.columns,
    startIndex: probe.columns.findIndex((c) => c.label === spec.startColumn),
    stopIndex: probe.columns.findIndex((c) => c.label === spec.stopColumn),
    keyLabels: windowKeyLabels(probe, spec),
    key: keyMap(probe),
    valueIndex: vi,
  };
  const reduced = s.windows.map(({ w, result }): ReducedWindow => {
    if (op.kind === 'aggregate') return { w, cell: result ?? null };
    if (result === undefined) return { w, cell: null };
    const row = probe.rows[0].slice();
    row[vi] = result;
    return { w, cell: null, row };
  });
  return reduceWindows(shape, reduced, spec, bounds, op, names);
}

function checkNotKey(keyLabels: string[], column: string): void {
  if (keyLabels.includes(column))
    throw new FluxError(`cannot aggregate column "${column}": it is part of the group key`);
}

interface AggregateNames {
  column: string;
  timeSrc: string;
  timeDst: string;
}

/**
 * What the generic composition yields for one input table when fn is a builtin aggregate or selector:
 * one row per window (empty windows per createEmpty), `timeDst` = the window's `timeSrc` bound,
 * `_start`/`_stop` = the query bounds, and `timeDst` placed after `_stop`.
 */
function reduceWindows(
  shape: WindowedShape,
  windows: ReducedWindow[],
  spec: WindowSpec,
  bounds: Bounds | undefined,
  op: FastOperation,
  names: AggregateNames,
): Table {
  const { columns, startIndex, stopIndex, keyLabels, valueIndex: vi } = shape;
  const key = new Map(shape.key);
  const outer = bounds ?? { start: MIN_TIME, stop: MAX_TIME };
  key.set(spec.startColumn, outer.start);
  key.set(spec.stopColumn, outer.stop);
  const timeOf = (w: Window) => (names.timeSrc === spec.startColumn ? w.start : w.stop);

  if (op.kind === 'aggregate') {
    // As aggregateTable lays it out: key columns, the value column, then timeDst after _stop.
    const keyColumns = columns.filter((c) => keyLabels.includes(c.label) && c.label !== names.timeDst);
    const type = op.reduce([], columns[vi].type).type;
    const prefix = keyColumns.map((c) => key.get(c.label) ?? null);
    const rows = windows.map(({ w, cell }) => [...prefix, cell, timeOf(w)]);
    const out = makeTable(
      [...keyColumns, { label: names.column, type }, { label: names.timeDst, type: 'dateTime:RFC3339' }],
      keyLabels,
      rows,
      key,
    );
    return moveAfter(out, names.timeDst, spec.stopColumn);
  }

  let outColumns = columns;
  let di = columns.findIndex((c) => c.label === names.timeDst);
  if (di < 0) {
    outColumns = [...columns, { label: names.timeDst, type: 'dateTime:RFC3339' }];
    di = columns.length;
  } else if (columns[di].type !== 'dateTime:RFC3339') {
    outColumns = columns.map((c, j): Column => (j === di ? { label: names.timeDst, type: 'dateTime:RFC3339' } : c));
  }
  const rows: Cell[][] = [];
  for (const { w, row: picked } of windows) {
    if (!picked && !spec.createEmpty) continue;
    // An empty window becomes a row of its key values and nulls (table.fill()).
    const row: Cell[] = picked
      ? picked.slice()
      : columns.map((c) => (key.has(c.label) ? (key.get(c.label) ?? null) : null));
    row[di] = timeOf(w);
    row[startIndex] = outer.start;
    row[stopIndex] = outer.stop;
    rows.push(row);
  }
  return moveAfter(
    makeTable(
      outColumns,
      keyLabels.filter((l) => l !== names.timeDst),
      rows,
      key,
    ),
    names.timeDst,
    spec.stopColumn,
  );
}

/** Flux's `table.fill()`: an empty table gets one row of its key values and nulls. */
export function fillEmpty(table: Table): Table {
  if (table.rows.length > 0) return table;
  const key = keyMap(table);
  return { ...table, rows: [table.columns.map((c) => (key.has(c.label) ? (key.get(c.label) ?? null) : null))] };
}

function moveAfter(table: Table, label: string, after: string): Table {
  const from = table.columns.findIndex((c) => c.label === label);
  const anchor = table.columns.findIndex((c) => c.label === after);
  if (from < 0 || anchor < 0 || from === anchor + 1) return table;
  const order = table.columns.map((_, j) => j).filter((j) => j !== from);
  order.splice(order.indexOf(anchor) + 1, 0, from);
  const columns = order.map((j) => table.columns[j]);
  return makeTable(
    columns,
    table.keyColumns,
    table.rows.map((r) => order.map((j) => r[j] ?? null)),
    keyMap(table),
  );
}
