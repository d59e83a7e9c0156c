/**
 * A minimal `testing` package, enough for assertion-style scripts (FLUX stdlib/testing): `diff`, `assertEquals`,
 * `assertEmpty`, `assertEqualValues`, and `load` (an identity). Where Flux's `testing.diff` yields a table of
 * differences as "errorOutput", the emulator's fails the query naming the first difference (and yields an empty
 * "errorOutput" when there is none), so a script never reads a diff table that differs from Flux's.
 * Comparison as experimental.diff: tables by group key, columns by label (absent = null), rows in order, floats
 * within epsilon; tables without rows are not compared.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import { TableStream } from '../stream';
import type { Cell, Table } from '../table';
import { keyId } from '../tables/keys';
import { FLUX_TYPE } from '../tables/merge';

export const TESTING_PRELUDE = `
import "array"

assertEqualValues = (got, want) => diff(got: array.from(rows: [{v: got}]), want: array.from(rows: [{v: want}]))
load = (tables=<-) => tables
`;

function differences(got: Table[], want: Table[], epsilon: number, nansEqual: boolean): string | undefined {
  const g = got.filter((t) => t.rows.length > 0);
  const w = want.filter((t) => t.rows.length > 0);
  const byKey = new Map(w.map((t) => [keyId(t), t]));
  if (g.length !== w.length) return `got ${g.length} tables with rows, want ${w.length}`;
  for (const t of g) {
    const id = keyId(t);
    const other = byKey.get(id);
    if (!other) return `unexpected table with key ${describeKey(t)}`;
    const labels = new Set([...t.columns, ...other.columns].map((c) => c.label));
    if (t.rows.length !== other.rows.length)
      return `table ${describeKey(t)}: got ${t.rows.length} rows, want ${other.rows.length}`;
    for (const label of labels) {
      const gi = t.columns.findIndex((c) => c.label === label);
      const wi = other.columns.findIndex((c) => c.label === label);
      if (gi >= 0 && wi >= 0 && t.columns[gi].type !== other.columns[wi].type)
        return `table ${describeKey(t)}: column ${label} is ${FLUX_TYPE[t.columns[gi].type]}, want ${FLUX_TYPE[other.columns[wi].type]}`;
      for (let i = 0; i < t.rows.length; i++) {
        const a = gi < 0 ? null : (t.rows[i][gi] ?? null);
        const b = wi < 0 ? null : (other.rows[i][wi] ?? null);
        if (!equalCells(a, b, epsilon, nansEqual))
          return `table ${describeKey(t)}: row ${i} column ${label}: got ${String(a)}, want ${String(b)}`;
      }
    }
  }
  return undefined;
}

function equalCells(a: Cell, b: Cell, epsilon: number, nansEqual: boolean): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return nansEqual && Number.isNaN(a) && Number.isNaN(b);
    return a === b || Math.abs(a - b) <= epsilon;
  }
  return typeof a === typeof b && a === b;
}

function describeKey(t: Table): string {
  return `{${t.keyColumns.map((l, k) => `${l}=${String(t.keyValues[k])}`).join(', ')}}`;
}

export const TESTING = {
  diff: builtin({
    name: 'testing.diff',
    params: ['got', 'want', 'verbose', 'epsilon', 'nansEqual'],
    required: ['want'],
    pipe: 'got',
    run(args) {
      const got = args.stream('got');
      const want = args.stream('want');
      const epsilon = args.float('epsilon', 0.000001);
      const nansEqual = args.bool('nansEqual', false);
      const diff = differences(got.data().tables, want.data().tables, epsilon, nansEqual);
      if (diff) throw new FluxError(`testing.diff found differences: ${diff}`);
      return stream(new TableStream(() => ({ tables: [] })));
    },
  }),
  assertEquals: builtin({
    name: 'testing.assertEquals',
    params: ['name', 'got', 'want'],
    required: ['name', 'want'],
    pipe: 'got',
    run(args) {
      const name = args.string('name');
      const got = args.stream('got');
      const diff = differences(got.data().tables, args.stream('want').data().tables, 0, false);
      if (diff) throw new FluxError(`test ${name}: tables are not equal: ${diff}`);
      return stream(got);
    },
  }),
  assertEmpty: builtin({
    name: 'testing.assertEmpty',
    params: ['tables'],
    pipe: 'tables',
    run(args) {
      const tables = args.stream('tables');
      if (tables.data().tables.some((t) => t.rows.length > 0)) throw new FluxError('found non-empty table');
      return stream(tables);
    },
  }),
};
