/**
 * Joins: the `join` package's `join.tables` (FLUX stdlib/join: inner, left, right, full, time are Flux on top of it)
 * and universe's older `join(tables: {a, b}, on: [...])` (FLUX stdlib/universe/join.go, inner only).
 *
 * join.tables pairs the left and right tables that share a group key; within a pair, rows are matched on the
 * column pairs that `on` equates (`l.a == r.b and ...`, the only predicates Flux accepts), in join-key order (a
 * null never matches, and sorts last), and `as` builds each output row from a left and a right row. An outer join
 * stands in for a missing side with a row of the group key's values and nulls. Output columns are the first
 * row's properties, sorted; `as` may not change the group key.
 */
import { cellToValue, columnTypeOf, nullOf, rowRecord, valueToCell } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin, callFunction } from '../interpreter/functions';
import type { CallSite, FluxFunction, Value } from '../interpreter/values';
import { record, stream, typeName } from '../interpreter/values';
import type { Expression } from '../parser/ast';
import { TableStream } from '../stream';
import type { Cell, Column, ColumnType, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { compareCells, compareRows, compareStrings } from '../tables/compare';
import { FLUX_TYPE } from '../tables/merge';
import { cellId, keyId } from '../tables/keys';

interface ColumnPair {
  left: string;
  right: string;
}

const METHODS = ['inner', 'left', 'right', 'full'];

export const joinTables = builtin({
  name: 'join.tables',
  params: ['left', 'right', 'on', 'as', 'method'],
  required: ['right', 'on', 'as', 'method'],
  pipe: 'left',
  run(args, site) {
    const left = args.stream('left');
    const right = args.stream('right');
    const pairs = equiJoinPairs(args.fn('on'));
    const as = args.fn('as');
    const method = args.string('method');
    if (!METHODS.includes(method))
      throw new FluxError('invalid argument for \'method\' - must be "inner", "left", "right", or "full"');
    return stream(
      new TableStream(() => {
        const l = left.data();
        const r = right.data();
        return { tables: joinByKey(l.tables, r.tables, pairs, as, method, site), bounds: l.bounds ?? r.bounds };
      }),
    );
  },
});

export const JOIN_PRELUDE = `
time = (left=<-, right, as, method="inner") => tables(left: left, right: right, on: (l, r) => l._time == r._time, as: as, method: method)
inner = (left=<-, right, on, as) => tables(left: left, right: right, on: on, as: as, method: "inner")
full = (left=<-, right, on, as) => tables(left: left, right: right, on: on, as: as, method: "full")
left = (left=<-, right, on, as) => tables(left: left, right: right, on: on, as: as, method: "left")
right = (left=<-, right, on, as) => tables(left: left, right: right, on: on, as: as, method: "right")
`;

function unsupportedOn(what: string): FluxError {
  return new FluxError(
    `error in join function - some expressions are not yet supported in the \`on\` parameter: ${what}`,
  );
}

/** As Flux's EquiJoinPredicateRule: `on` must be `l.a == r.b` comparisons joined by `and`. */
function equiJoinPairs(on: FluxFunction): ColumnPair[] {
  const def = on.definition;
  if (!def)
    throw unsupportedOn('function body should be a single logical expression that compares columns from each table');
  let body: Expression | undefined;
  if (def.node.body.kind !== 'Block') body = def.node.body;
  else if (def.node.body.body.length === 1 && def.node.body.body[0].kind === 'ReturnStatement')
    body = def.node.body.body[0].argument;
  if (!body)
    throw unsupportedOn('function body should be a single logical expression that compares columns from each table');
  const pairs: ColumnPair[] = [];
  const visit = (e: Expression): void => {
    if (e.kind === 'LogicalExpression') {
      if (e.operator !== 'and') throw unsupportedOn(`unsupported operator in join predicate: ${e.operator}`);
      visit(e.left);
      visit(e.right);
      return;
    }
    if (e.kind !== 'BinaryExpression') throw unsupportedOn(`illegal expression type in join predicate: ${e.kind}`);
    if (e.operator !== '==') throw unsupportedOn(`unsupported operator in join predicate: ${e.operator}`);
    if (e.left.kind !== 'MemberExpression') throw unsupportedOn('left side of comparison is not a member expression');
    if (e.right.kind !== 'MemberExpression') throw unsupportedOn('right side of comparison is not a member expression');
    const lob = e.left.object.kind === 'Identifier' ? e.left.object.name : '';
    const rob = e.right.object.kind === 'Identifier' ? e.right.object.name : '';
    if (!((lob === 'l') !== (rob === 'l') && (lob === 'r') !== (rob === 'r')))
      throw unsupportedOn(
        'binary expression operands must reference `l` or `r` only, and may not reference the same object',
      );
    pairs.push(
      lob === 'l'
        ? { left: e.left.property, right: e.right.property }
        : { left: e.right.property, right: e.left.property },
    );
  };
  visit(body);
  return pairs;
}

interface Product {
  key: Cell[];
  left: Value[];
  right: Value[];
}

function joinByKey(
  left: Table[],
  right: Table[],
  pairs: ColumnPair[],
  as: FluxFunction,
  method: string,
  site: CallSite,
): Table[] {
  const groups = new Map<string, { key: Table; left: Table[]; right: Table[] }>();
  const add = (t: Table, side: 'left' | 'right') => {
    if (t.rows.length === 0) return;
    const id = keyId(t);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key: t, left: [], right: [] }));
    g[side].push(t);
  };
  left.forEach((t) => add(t, 'left'));
  right.forEach((t) => add(t, 'right'));
  const leftSchema = schemaUnion(left);
  const rightSchema = schemaUnion(right);
  const callSite = { name: as.name, loc: site.loc, runtime: site.runtime };
  const out: Table[] = [];
  for (const g of groups.values()) {
    const products: Product[] = [];
    collect(
      products,
      g.left,
      schemaUnion(g.left),
      pairs.map((p) => p.left),
      'left',
    );
    collect(
      products,
      g.right,
      schemaUnion(g.right),
      pairs.map((p) => p.right),
      'right',
    );
    const key = keyMap(g.key);
    const records: Map<string, Value>[] = [];
    for (const p of products) {
      let ls = p.left;
      let rs = p.right;
      if (ls.length === 0) {
        if (method === 'inner' || method === 'left') continue;
        ls = [defaultRow(g.key, leftSchema)];
      } else if (rs.length === 0) {
        if (method === 'inner' || method === 'right') continue;
        rs = [defaultRow(g.key, rightSchema)];
      }
      for (const l of ls) {
        for (const r of rs) {
          const joined = callFunction(
            as,
            new Map([
              ['l', l],
              ['r', r],
            ]),
            undefined,
            callSite,
          );
          if (joined.type !== 'record') throw new FluxError(`as must return a record, got ${typeName(joined)}`);
          validateGroupKey(joined.value, g.key);
          records.push(joined.value);
        }
      }
    }
    if (records.length > 0) out.push(buildTable(records, g.key.keyColumns, key));
  }
  return out;
}

function schemaUnion(tables: Table[]): Column[] {
  const columns: Column[] = [];
  for (const t of tables) for (const c of t.columns) if (!columns.some((d) => d.label === c.label)) columns.push(c);
  return columns;
}

/** Rows of one side into the products, kept sorted by join key (Flux's joinState.insert). */
function collect(products: Product[], tables: Table[], schema: Column[], on: string[], side: 'left' | 'right'): void {
  for (const t of tables) {
    const index = on.map((label) => t.columns.findIndex((c) => c.label === label));
    for (let i = 0; i < t.rows.length; i++) {
      const row = t.rows[i];
      const key = index.map((j) => (j < 0 ? null : (row[j] ?? null)));
      const rec = sideRecord(t, i, schema);
      const hasNull = key.some((c) => c === null);
      const found = hasNull ? undefined : products.find((p) => sameKey(p.key, key));
      if (found) {
        found[side].push(rec);
        continue;
      }
      const p: Product = { key, left: [], right: [] };
      p[side].push(rec);
      const at = products.findIndex((q) => keyLess(key, q.key));
      if (at < 0) products.push(p);
      else products.splice(at, 0, p);
    }
  }
}

function sameKey(a: Cell[], b: Cell[]): boolean {
  return a.every((c, i) => c !== null && b[i] !== null && cellId(c) === cellId(b[i]));
}

/** joinKey.less: a null sorts after every value. */
function keyLess(a: Cell[], b: Cell[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (b[i] === null) return true;
    if (a[i] === null) return false;
    const c = compareCells(a[i], b[i]);
    if (c !== 0) return c < 0;
  }
  return false;
}

/** A row as the side's record type: every column of the side, null where this table lacks it. */
function sideRecord(table: Table, i: number, schema: Column[]): Value {
  if (schema.length === table.columns.length) return rowRecord(table, i);
  const fields = new Map<string, Value>();
  for (const c of schema) {
    const j = table.columns.findIndex((d) => d.label === c.label);
    fields.set(c.label, j < 0 ? nullOf(c.type) : cellToValue(table.rows[i][j] ?? null, c.type));
  }
  return record(fields);
}

function defaultRow(key: Table, schema: Column[]): Value {
  const values = keyMap(key);
  const fields = new Map<string, Value>();
  for (const c of schema) {
    const v = values.get(c.label);
    fields.set(c.label, v === undefined ? nullOf(c.type) : cellToValue(v, c.type));
  }
  return record(fields);
}

function validateGroupKey(rec: Map<string, Value>, key: Table): void {
  key.keyColumns.forEach((label, k) => {
    const v = rec.get(label);
    const want = key.keyValues[k] ?? null;
    const type = key.columns.find((c) => c.label === label)?.type ?? 'string';
    const got = v === undefined || v.type === 'null' ? null : valueToCell(v);
    if (v === undefined || got === null || want === null || cellId(got) !== cellId(want))
      throw new FluxError(
        `join cannot modify group key: output record has a missing or invalid value for column '${label}:${FLUX_TYPE[type]}'`,
      );
  });
}

function valueType(v: Value | undefined, label: string): ColumnType | undefined {
  if (!v) return undefined;
  if (v.type === 'null') return v.column;
  return columnTypeOf(v, `join property "${label}"`);
}

function buildTable(records: Map<string, Value>[], keyLabels: string[], key: Map<string, Cell>): Table {
  const labels = [...records[0].keys()].sort(compareStrings);
  const columns: Column[] = [];
  for (const label of labels) {
    let type = valueType(records[0].get(label), label);
    for (let i = 1; type === undefined && i < records.length; i++) type = valueType(records[i].get(label), label);
    if (type) columns.push({ label, type });
  }
  const rows = records.map((rec, i) =>
    columns.map((c) => {
      const v = rec.get(c.label);
      if (!v || v.type === 'null') return null;
      const type = columnTypeOf(v, `join property "${c.label}"`);
      if (type !== c.type)
        throw new FluxError(
          `join property "${c.label}" is ${FLUX_TYPE[c.type]} in the first row but ${type ? FLUX_TYPE[type] : 'of no column type'} in row ${i}`,
        );
      return valueToCell(v);
    }),
  );
  return makeTable(columns, keyLabels, rows, key);
}

/* ---------------------------------------------------------------------------------------------------------------- */

/**
 * Universe `join(tables: {a: s1, b: s2}, on, method: "inner")`, as Flux's MergeJoinCache: the stream whose name sorts
 * first is the left; a left and a right table join when they agree on the `on` columns both streams group by; the
 * output has the `on` columns once and every other column both sides have renamed `<column>_<stream name>`, sorted
 * by label, rows matched on `on` (a null matching a null) in `on` order; its key is both keys' columns, renamed.
 */
export const universeJoin = builtin({
  name: 'join',
  params: ['tables', 'on', 'method'],
  required: ['tables', 'on'],
  run(args) {
    const on = args.stringArray('on');
    if (on.length === 0) throw new FluxError("at least one column in 'on' column list is required");
    const method = args.string('method', 'inner');
    if (method !== 'inner') throw new FluxError(`${method} is not a valid join type`);
    const tables = args.record('tables');
    const names = [...tables.keys()].sort();
    const streams = names.map((name) => {
      const v = tables.get(name) as Value;
      if (v.type !== 'stream') throw new FluxError(`expected "${name}" to be stream type; instead got ${typeName(v)}`);
      return v.value;
    });
    if (streams.length !== 2)
      throw new FluxError(`join needs exactly two streams in tables, got ${streams.length}: the emulator joins two`);
    return stream(
      new TableStream(() => {
        const l = streams[0].data();
        const r = streams[1].data();
        try {
          return { tables: mergeJoin(l.tables, r.tables, names, [...on].sort()), bounds: l.bounds ?? r.bounds };
        } catch (e) {
          throw e instanceof FluxError ? e : new FluxError(String(e));
        }
      }),
    );
  },
});

function mergeJoin(left: Table[], right: Table[], names: string[], on: string[]): Table[] {
  const onSet = new Set(on);
  let intersection = new Set(on);
  for (const side of [left, right]) {
    if (side.length === 0) continue;
    intersection = new Set(side[0].keyColumns.filter((l) => intersection.has(l)));
  }
  // A table whose key has a null `on` value joins nothing.
  const usable = (tables: Table[]) =>
    buffer(tables).filter((t) => t.keyColumns.every((l, k) => !onSet.has(l) || t.keyValues[k] !== null));
  const ls = usable(left);
  const rs = usable(right);
  const byKey = new Map<string, { l: Table; r: Table; full: boolean }>();
  for (const l of ls) {
    for (const r of rs) {
      const agree = [...intersection].every(
        (label) => cellId(keyMap(l).get(label) ?? null) === cellId(keyMap(r).get(label) ?? null),
      );
      if (!agree) continue;
      const schema = postJoinSchema(l, r, names, onSet);
      const key = postJoinKey(l, r, names, schema);
      // Pairs that give the same output key: Flux keeps the last registered, which depends on arrival order;
      // the emulator keeps one whose keys agree on every \`on\` column both have (the pair that can match rows).
      const lk = keyMap(l);
      const rk = keyMap(r);
      const full = on.every((c) => !lk.has(c) || !rk.has(c) || cellId(lk.get(c) ?? null) === cellId(rk.get(c) ?? null));
      const existing = byKey.get(key.id);
      if (!existing || full || !existing.full) byKey.set(key.id, { l, r, full });
    }
  }
  return [...byKey.values()].map(({ l, r }) => joinPair(l, r, names, on, onSet));
}

/** The stream's tables by group key (a later table with the same key replaces an earlier one, as streamBuffer). */
function buffer(tables: Table[]): Table[] {
  const byKey = new Map<string, Table>();
  for (const t of tables) byKey.set(keyId(t), t);
  return [...byKey.values()];
}

interface PostJoinSchema {
  columns: Column[];
  /** [side][column label] -> output label */
  rename: Map<string, string>[];
}

function postJoinSchema(l: Table, r: Table, names: string[], on: Set<string>): PostJoinSchema {
  const shared = new Set(l.columns.filter((c) => r.columns.some((d) => d.label === c.label)).map((c) => c.label));
  const columns: Column[] = [];
  const rename = [l, r].map((t, side) => {
    const m = new Map<string, string>();
    for (const c of t.columns) {
      const label = shared.has(c.label) && !on.has(c.label) ? `${c.label}_${names[side]}` : c.label;
      m.set(c.label, label);
      if (!columns.some((d) => d.label === label)) columns.push({ label, type: c.type });
    }
    return m;
  });
  columns.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { columns, rename };
}

function postJoinKey(
  l: Table,
  r: Table,
  names: string[],
  schema: PostJoinSchema,
): { labels: string[]; values: Map<string, Cell>; id: string } {
  const values = new Map<string, Cell>();
  [l, r].forEach((t, side) =>
    t.keyColumns.forEach((label, k) => {
      const out = schema.rename[side].get(label) ?? label;
      if (!values.has(out)) values.set(out, t.keyValues[k] ?? null);
    }),
  );
  const labels = [...values.keys()].sort(compareStrings);
  return {
    labels,
    values,
    id: labels.map((label) => `${label}\u0001${cellId(values.get(label) ?? null)}`).join('\u0000'),
  };
}

function joinPair(l: Table, r: Table, names: string[], on: string[], onSet: Set<string>): Table {
  const schema = postJoinSchema(l, r, names, onSet);
  const key = postJoinKey(l, r, names, schema);
  const at = new Map(schema.columns.map((c, j) => [c.label, j]));
  const sortIdx = (t: Table) => on.map((label) => t.columns.findIndex((c) => c.label === label));
  const li = sortIdx(l);
  const ri = sortIdx(r);
  // A table without an \`on\` column matches nothing (its rows have no key to compare).
  if (li.some((j) => j < 0) || ri.some((j) => j < 0)) return makeTable(schema.columns, key.labels, [], key.values);
  const sorted = (t: Table, idx: number[]) =>
    t.rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => compareRows(a.row, b.row, idx) || a.i - b.i)
      .map((x) => x.row);
  const lrows = sorted(l, li);
  const rrows = sorted(r, ri);
  const keyOf = (row: Cell[], idx: number[]) => idx.map((j) => row[j] ?? null);
  const cmp = (a: Cell[], b: Cell[]) => {
    for (let i = 0; i < a.length; i++) {
      const c = compareCells(a[i], b[i]);
      if (c !== 0) return c;
    }
    return 0;
  };
  const out: Cell[][] = [];
  let i = 0;
  let j = 0;
  while (i < lrows.length && j < rrows.length) {
    const lk = keyOf(lrows[i], li);
    const rk = keyOf(rrows[j], ri);
    const c = cmp(lk, rk);
    let iEnd = i + 1;
    while (iEnd < lrows.length && cmp(keyOf(lrows[iEnd], li), lk) === 0) iEnd++;
    let jEnd = j + 1;
    while (jEnd < rrows.length && cmp(keyOf(rrows[jEnd], ri), rk) === 0) jEnd++;
    if (c === 0) {
      for (let a = i; a < iEnd; a++) {
        for (let b = j; b < jEnd; b++) {
          const row: Cell[] = schema.columns.map(() => null);
          l.columns.forEach((col, k) => {
            row[at.get(schema.rename[0].get(col.label) as string) as number] = lrows[a][k] ?? null;
          });
          r.columns.forEach((col, k) => {
            if (onSet.has(col.label)) return;
            row[at.get(schema.rename[1].get(col.label) as string) as number] = rrows[b][k] ?? null;
          });
          out.push(row);
        }
      }
      i = iEnd;
      j = jEnd;
    } else if (c < 0) i = iEnd;
    else j = jEnd;
  }
  return makeTable(schema.columns, key.labels, out, key.values);
}
