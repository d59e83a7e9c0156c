/**
 * The `experimental` package (FLUX stdlib/experimental): the aggregates and selectors are the universe's
 * transformations with the narrower signatures experimental.flux gives them (always `_value`, as the Go side
 * registers the universe's op specs under them); `addDuration`, `subDuration`, `alignTime` and `window` are
 * composed in Flux as experimental.flux composes them; `group(mode: "extend")`, `set`, `join`, `chain`,
 * `preview`, `unpivot`, `diff` and `objectKeys` are builtins here as in Go; `to` is influxdb.wideTo (wide-to.ts).
 * `catch` and the other members are refused by name.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { cellToValue, columnTypeOf, valueToCell } from '../interpreter/cells';
import type { FluxFunction, Value } from '../interpreter/values';
import { array, record, str, stream, typeName } from '../interpreter/values';
import { TableStream } from '../stream';
import type { Cell, Column, ColumnType, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { keyId } from '../tables/keys';
import { FLUX_TYPE, mergeTablesByKey } from '../tables/merge';
import { count, mean, quantile, spread, stddev, sum } from './aggregates';
import { histogram, histogramQuantile, mode, skew } from './distribution';
import { groupTables } from './group';
import { integral } from './integral';
import { kaufmansAMA } from './momentum';
import { distinct, unique } from './rows';
import { first, last, max, min } from './selectors';
import { fill } from './series';
import { window } from './window';

/** A universe builtin under experimental's signature: only the listed parameters (the rest keep their defaults). */
function narrowed(f: FluxFunction, params: string[]): FluxFunction {
  return { ...f, params: f.params.filter((p) => p.pipe || params.includes(p.name)) };
}

const objectKeys = builtin({
  name: 'objectKeys',
  params: ['o'],
  required: ['o'],
  run: (args) => array([...args.record('o').keys()].map(str)),
});

const group = builtin({
  name: 'group',
  params: ['tables', 'mode', 'columns'],
  required: ['mode'],
  pipe: 'tables',
  run(args, site) {
    const mode = args.string('mode');
    if (mode !== 'extend')
      throw new FluxError(`invalid group mode "${mode}"; experimental.group requires mode "extend"`);
    const columns = args.stringArray('columns', []);
    return stream(
      args.stream('tables').derive('experimental.group', site.loc, (data) => {
        for (const t of data.tables)
          for (const c of columns)
            if (!t.columns.some((x) => x.label === c)) throw new FluxError(`unknown column "${c}"`);
        return { tables: groupTables(data.tables, columns, 'extend'), bounds: data.bounds };
      }),
    );
  },
});

const set = builtin({
  name: 'set',
  params: ['tables', 'o'],
  required: ['o'],
  pipe: 'tables',
  run(args, site) {
    const o = new Map<string, { cell: Cell; type: ColumnType }>();
    for (const [label, v] of args.record('o')) {
      const type = columnTypeOf(v, `value of ${label}`);
      if (!type) throw new FluxError(`cannot set column "${label}" to null`);
      o.set(label, { cell: valueToCell(v), type });
    }
    return stream(
      args.stream('tables').mapTables(
        'experimental.set',
        site.loc,
        (t) => {
          const key = keyMap(t);
          for (const [label, { cell }] of o) if (key.has(label)) key.set(label, cell);
          const columns: Column[] = t.columns.map((c) => {
            const s = o.get(c.label);
            return s ? { label: c.label, type: s.type } : c;
          });
          for (const [label, { type }] of o) if (!columns.some((c) => c.label === label)) columns.push({ label, type });
          const from = columns.map((c) => t.columns.findIndex((x) => x.label === c.label));
          const rows = t.rows.map((r) =>
            columns.map((c, j) => {
              const s = o.get(c.label);
              return s ? s.cell : (r[from[j]] ?? null);
            }),
          );
          return makeTable(columns, key.keys(), rows, key);
        },
        'changesKeys',
      ),
    );
  },
});

/** Each table's first `nrows` rows, for its first `ntables` tables (experimental/preview.go). */
const preview = builtin({
  name: 'preview',
  params: ['tables', 'nrows', 'ntables'],
  pipe: 'tables',
  run(args, site) {
    const nrows = Number(args.int('nrows', 5n));
    const ntables = Number(args.int('ntables', 5n));
    return stream(
      args.stream('tables').derive('experimental.preview', site.loc, (data) => ({
        tables: data.tables.slice(0, Math.max(0, ntables)).map((t) => ({ ...t, rows: t.rows.slice(0, nrows) })),
        bounds: data.bounds,
      })),
    );
  },
});

/**
 * One table per column that is neither in the group key nor among `otherColumns` (default `_time`): the key plus
 * `_field` (the column's name, unless `_field` is one of the other columns), the other columns and `_value`, for
 * the rows where that column is not null (experimental/unpivot.go).
 */
const unpivot = builtin({
  name: 'unpivot',
  params: ['tables', 'otherColumns'],
  pipe: 'tables',
  run(args, site) {
    const other = args.stringArray('otherColumns', ['_time']);
    return stream(
      args.stream('tables').derive('experimental.unpivot', site.loc, (data) => {
        const out: Table[] = [];
        for (const t of data.tables) out.push(...unpivotTable(t, other));
        return { tables: mergeTablesByKey(out), bounds: data.bounds };
      }),
    );
  },
});

function unpivotTable(t: Table, other: string[]): Table[] {
  if (t.columns.some((c) => c.label === '_field' || c.label === '_value'))
    throw new FluxError(`unpivot can't have "_field" or "_value" as an input column`);
  const otherCols: Column[] = other.map((label) => {
    if (label === '_field') return { label, type: 'string' };
    const c = t.columns.find((x) => x.label === label);
    if (!c) throw new FluxError(`unpivot could not find column named "${label}"`);
    return c;
  });
  const fieldInOther = other.includes('_field');
  const key = keyMap(t);
  const keyCols = t.columns.filter((c) => key.has(c.label));
  const out: Table[] = [];
  t.columns.forEach((c, i) => {
    if (key.has(c.label) || other.includes(c.label)) return;
    const columns: Column[] = [
      ...keyCols,
      ...(fieldInOther ? [] : [{ label: '_field', type: 'string' as ColumnType }]),
      ...otherCols,
      { label: '_value', type: c.type },
    ];
    const otherIdx = otherCols.map((oc) =>
      oc.label === '_field' ? -1 : t.columns.findIndex((x) => x.label === oc.label),
    );
    const rows: Cell[][] = [];
    for (const r of t.rows) {
      const v = r[i] ?? null;
      if (v === null) continue;
      rows.push([
        ...keyCols.map((kc) => key.get(kc.label) ?? null),
        ...(fieldInOther ? [] : [c.label]),
        ...otherIdx.map((j) => (j < 0 ? c.label : (r[j] ?? null))),
        v,
      ]);
    }
    const outKey = new Map(key);
    if (!fieldInOther) outKey.set('_field', c.label);
    out.push(makeTable(columns, outKey.keys(), rows, outKey));
  });
  return out;
}

/**
 * Joins two streams table by table (same group key) and row by row on equal `_time`, calling `fn(left, right)`
 * per pair; the output columns are the first result's labels in sorted order (experimental/join.go).
 */
const join = builtin({
  name: 'join',
  params: ['left', 'right', 'fn'],
  required: ['left', 'right', 'fn'],
  run(args, site) {
    const left = args.stream('left');
    const right = args.stream('right');
    const fn = args.fn('fn');
    for (const p of ['left', 'right'])
      if (!fn.params.some((q) => q.name === p)) throw new FluxError(`function fn must take parameter "${p}"`);
    const call = (l: Value, r: Value): Value => {
      const out = fn.invoke(
        new Map([
          ['left', l],
          ['right', r],
        ]),
        site,
      );
      if (out.type !== 'record') throw new FluxError(`fn must return a record, got ${typeName(out)}`);
      return out;
    };
    return stream(
      new TableStream(() => {
        const l = left.data();
        const r = right.data();
        const rightByKey = new Map(r.tables.map((t) => [keyId(t), t]));
        const tables: Table[] = [];
        for (const lt of l.tables) {
          const rt = rightByKey.get(keyId(lt));
          if (!rt || lt.rows.length === 0 || rt.rows.length === 0) continue;
          tables.push(joinTables(lt, rt, call));
        }
        return { tables, bounds: l.bounds };
      }),
    );
  },
});

function rowValue(t: Table, row: Cell[]): Value {
  return record(new Map(t.columns.map((c, j) => [c.label, cellToValue(row[j] ?? null, c.type)])));
}

function joinTables(a: Table, b: Table, call: (l: Value, r: Value) => Value): Table {
  const ta = a.columns.findIndex((c) => c.label === '_time');
  const tb = b.columns.findIndex((c) => c.label === '_time');
  if (ta < 0 || tb < 0) throw new FluxError('no _time column found');
  const key = keyMap(a);
  let columns: Column[] | undefined;
  const rows: Cell[][] = [];
  let i = 0;
  let j = 0;
  while (i < a.rows.length && j < b.rows.length) {
    const x = a.rows[i][ta] as bigint;
    const y = b.rows[j][tb] as bigint;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      for (let k = j; k < b.rows.length && b.rows[k][tb] === x; k++) {
        const obj = call(rowValue(a, a.rows[i]), rowValue(b, b.rows[k]));
        const fields = obj.type === 'record' ? obj.value : new Map<string, Value>();
        if (!columns) {
          columns = [...fields.entries()]
            .map(([label, v]): Column => ({ label, type: columnTypeOf(v, `column ${label}`) ?? 'string' }))
            .sort((p, q) => (p.label < q.label ? -1 : p.label > q.label ? 1 : 0));
        }
        for (const [label, cell] of key) {
          const v = fields.get(label);
          if (!v || valueToCell(v) !== cell) throw new FluxError("argument 'fn' may not modify group key");
        }
        const cols = columns;
        rows.push(
          cols.map((c) => {
            const v = fields.get(c.label);
            return v === undefined ? null : valueToCell(v);
          }),
        );
      }
      i++;
    }
  }
  return makeTable(columns ?? [], key.keys(), rows, key);
}

/** Runs `first`, then answers `second` (experimental/chain.go). */
const chain = builtin({
  name: 'chain',
  params: ['first', 'second'],
  required: ['first', 'second'],
  run(args) {
    const first = args.stream('first');
    const second = args.stream('second');
    return stream(
      new TableStream(() => {
        first.data();
        return second.data();
      }),
    );
  },
});

const DIFF_EPSILON = 1e-6;

/**
 * The rows that differ between `want` and `got`, table by table (same group key), as experimental/diff.go: a
 * longest common subsequence of rows, each row of the output marked `-` (only in want), `+` (only in got) or
 * empty (in both); identical tables give no table.
 */
const diff = builtin({
  name: 'diff',
  params: ['got', 'want'],
  required: ['want'],
  pipe: 'got',
  run(args, site) {
    const want = args.stream('want');
    const got = args.stream('got');
    return stream(
      got.derive('experimental.diff', site.loc, (g) => {
        const w = want.data();
        const wantByKey = new Map<string, Table>();
        const gotByKey = new Map<string, Table>();
        const order: string[] = [];
        for (const [tables, into] of [
          [w.tables, wantByKey],
          [g.tables, gotByKey],
        ] as const) {
          for (const t of mergeTablesByKey(tables)) {
            const id = keyId(t);
            if (!wantByKey.has(id) && !gotByKey.has(id)) order.push(id);
            into.set(id, t);
          }
        }
        const tables: Table[] = [];
        for (const id of order) {
          const out = diffTables(wantByKey.get(id), gotByKey.get(id));
          if (out) tables.push(out);
        }
        return { tables, bounds: g.bounds };
      }),
    );
  },
});

function diffTables(want: Table | undefined, got: Table | undefined): Table | undefined {
  const keySource = (want ?? got) as Table;
  const key = keyMap(keySource);
  if (key.has('_diff')) throw new FluxError('group key cannot contain _diff column');
  const keyCols = keySource.columns.filter((c) => key.has(c.label));
  const cols: Column[] = [];
  const wantIdx: number[] = [];
  const gotIdx: number[] = [];
  const taken = (label: string) => label === '_diff' || key.has(label) || cols.some((c) => c.label === label);
  (want?.columns ?? []).forEach((c, i) => {
    if (taken(c.label)) return;
    const j = got ? got.columns.findIndex((x) => x.label === c.label) : -1;
    if (j >= 0 && got && got.columns[j].type !== c.type)
      throw new FluxError(
        `column "${c.label}" has different types ${FLUX_TYPE[c.type]} != ${FLUX_TYPE[got.columns[j].type]}`,
      );
    cols.push(c);
    wantIdx.push(i);
    gotIdx.push(j);
  });
  (got?.columns ?? []).forEach((c, i) => {
    if (taken(c.label)) return;
    cols.push(c);
    wantIdx.push(-1);
    gotIdx.push(i);
  });
  const wRows = want?.rows ?? [];
  const gRows = got?.rows ?? [];
  const equal = (i: number, j: number): boolean =>
    cols.every((c, k) => {
      const a = wantIdx[k] < 0 ? null : (wRows[i][wantIdx[k]] ?? null);
      const b = gotIdx[k] < 0 ? null : (gRows[j][gotIdx[k]] ?? null);
      if (a === null || b === null) return a === b;
      if (typeof a === 'number' && typeof b === 'number') {
        if (Number.isNaN(a) && Number.isNaN(b)) return true;
        return !(Math.abs(a - b) > DIFF_EPSILON);
      }
      return a === b;
    });
  if (wRows.length === gRows.length && wRows.every((_, i) => equal(i, i))) return undefined;
  // lcs[col][row]: col over got, row over want, as diff.go's table.
  const EITHER = 0;
  const LEFT = 1;
  const TOP = 2;
  const MATCH = 3;
  const lcs: { parent: number; length: number }[][] = [];
  for (let col = 0; col <= gRows.length; col++) {
    lcs.push([]);
    for (let row = 0; row <= wRows.length; row++) {
      if (col === 0 || row === 0) lcs[col].push({ parent: EITHER, length: 0 });
      else if (equal(row - 1, col - 1)) lcs[col].push({ parent: MATCH, length: lcs[col - 1][row - 1].length + 1 });
      else {
        const top = lcs[col - 1][row].length;
        const left = lcs[col][row - 1].length;
        lcs[col].push(
          top === left
            ? { parent: EITHER, length: top }
            : top > left
              ? { parent: TOP, length: top }
              : { parent: LEFT, length: left },
        );
      }
    }
  }
  const marks: string[] = [];
  const rows: Cell[][] = [];
  const emit = (mark: string, fromGot: boolean, i: number) => {
    marks.push(mark);
    const idx = fromGot ? gotIdx : wantIdx;
    const src = fromGot ? gRows[i] : wRows[i];
    rows.push(idx.map((j) => (j < 0 ? null : (src[j] ?? null))));
  };
  // Iterative form of diffTrace.trace: walk back, then emit in forward order.
  const steps: [string, boolean, number][] = [];
  let row = wRows.length;
  let col = gRows.length;
  for (;;) {
    const parent = lcs[col][row].parent;
    if (row > 0 && col > 0 && parent === MATCH) {
      steps.push(['', false, row - 1]);
      row--;
      col--;
    } else if (row > 0 && (col === 0 || parent === LEFT)) {
      steps.push(['-', false, row - 1]);
      row--;
    } else if (col > 0 && (row === 0 || parent === TOP || parent === EITHER)) {
      steps.push(['+', true, col - 1]);
      col--;
    } else break;
  }
  for (const [mark, fromGot, i] of steps.reverse()) emit(mark, fromGot, i);
  const keyCells = keyCols.map((c) => key.get(c.label) ?? null);
  return makeTable(
    [{ label: '_diff', type: 'string' }, ...keyCols, ...cols],
    key.keys(),
    rows.map((r, n) => [marks[n], ...keyCells, ...r]),
    key,
  );
}

/** experimental._window: the universe's window, where a zero `every` or `period` means "not given". */
const _window = builtin({
  name: '_window',
  params: ['tables', 'every', 'period', 'offset', 'location', 'createEmpty'],
  pipe: 'tables',
  run(args, site) {
    const values = new Map<string, Value>();
    for (const name of ['tables', 'every', 'period', 'offset', 'location', 'createEmpty']) {
      const v = args.optional(name);
      if (!v) continue;
      if ((name === 'every' || name === 'period') && v.type === 'duration' && isZero(v)) continue;
      values.set(name, v);
    }
    return window.invoke(values, site);
  },
});

function isZero(v: Value): boolean {
  return v.type === 'duration' && !v.value.infinite && v.value.months === 0n && v.value.nanoseconds === 0n;
}

export const EXPERIMENTAL: Record<string, FluxFunction> = {
  objectKeys,
  group,
  set,
  join,
  chain,
  preview,
  unpivot,
  diff,
  _window,
  integral: narrowed(integral, ['unit', 'interpolate']),
  count: narrowed(count, []),
  histogramQuantile: narrowed(histogramQuantile, ['quantile', 'minValue']),
  mean: narrowed(mean, []),
  mode: narrowed(mode, []),
  quantile: narrowed(quantile, ['q', 'compression', 'method']),
  skew: narrowed(skew, []),
  spread: narrowed(spread, []),
  stddev: narrowed(stddev, ['mode']),
  sum: narrowed(sum, []),
  kaufmansAMA: narrowed(kaufmansAMA, ['n']),
  distinct: narrowed(distinct, []),
  fill: narrowed(fill, ['value', 'usePrevious']),
  first: narrowed(first, []),
  last: narrowed(last, []),
  max: narrowed(max, []),
  min: narrowed(min, []),
  unique: narrowed(unique, []),
  histogram: narrowed(histogram, ['bins', 'normalize']),
};

export const EXPERIMENTAL_PRELUDE = `
import "date"

addDuration = (d, to, location=location) => date.add(d: d, to: to, location: location)
subDuration = (d, from, location=location) => date.sub(d: d, from: from, location: location)
alignTime = (tables=<-, alignTo=time(v: 0)) =>
    tables
        |> stateDuration(fn: (r) => true, column: "timeDiff", unit: 1ns)
        |> map(fn: (r) => ({r with _time: time(v: int(v: alignTo) + r.timeDiff)}))
        |> drop(columns: ["timeDiff"])
window = (tables=<-, every=0s, period=0s, offset=0s, location=location, createEmpty=false) =>
    tables |> _window(every: every, period: period, offset: offset, location: location, createEmpty: createEmpty)
`;
