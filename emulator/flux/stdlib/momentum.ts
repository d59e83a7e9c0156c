/**
 * Momentum indicators, each following its FLUX stdlib/universe Go transformation: `chandeMomentumOscillator`,
 * `kaufmansAMA`, `relativeStrengthIndex`. The first n rows only warm the indicator up and are dropped; the
 * computed columns become float. Flux reads a null cell of these columns as whatever the buffer holds, so a
 * null there is refused rather than guessed. `kaufmansER` is composed in Flux (prelude.ts).
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { FLUX_TYPE } from '../tables/merge';

function positive(n: bigint, what: string): number {
  if (n <= 0n) throw new FluxError(`cannot take ${what} with a period of ${n} (must be greater than 0)`);
  return Number(n);
}

function numericTargets(t: Table, labels: string[], what: string): number[] {
  const targets: number[] = [];
  t.columns.forEach((c, j) => {
    if (!labels.includes(c.label)) return;
    if (c.type !== 'double' && c.type !== 'long' && c.type !== 'unsignedLong')
      throw new FluxError(`cannot take ${what} of column ${c.label} (type ${FLUX_TYPE[c.type]})`);
    if (t.rows.some((r) => r[j] === null))
      throw new FluxError(`${what} of a column with null values is not supported by the emulator`);
    targets.push(j);
  });
  return targets;
}

const asFloat = (t: Table, targets: number[]): Column[] =>
  t.columns.map((c, j) => (targets.includes(j) ? { label: c.label, type: 'double' } : c));

/** Rows from n on, with the target columns replaced by the computed series (one value per kept row). */
function fromRowN(t: Table, n: number, targets: number[], series: Map<number, number[]>): Table {
  const rows: Cell[][] = [];
  for (let i = n; i < t.rows.length; i++) {
    const out = t.rows[i].slice();
    for (const j of targets) out[j] = (series.get(j) as number[])[i - n];
    rows.push(out);
  }
  return makeTable(asFloat(t, targets), t.keyColumns, rows, keyMap(t));
}

/** One CMO step (Flux's nextCMO): the oscillator, then the running sums with the diff n rows ago taken out. */
function nextCMO(sums: { up: number; down: number }, diff: number, diffNAgo: number): number {
  if (diff > 0) sums.up += diff;
  else if (diff < 0) sums.down -= diff;
  const val = (100 * (sums.up - sums.down)) / (sums.up + sums.down);
  if (diffNAgo > 0) sums.up -= diffNAgo;
  else sums.down += diffNAgo;
  return val;
}

/** Differences as Flux takes them: in the column's own type (an unsigned difference wraps), then as float. */
function differ(type: Column['type']): (a: Cell, b: Cell) => number {
  if (type === 'double') return (a, b) => (a as number) - (b as number);
  if (type === 'long') return (a, b) => Number(BigInt.asIntN(64, (a as bigint) - (b as bigint)));
  return (a, b) => Number(BigInt.asUintN(64, (a as bigint) - (b as bigint)));
}

export const chandeMomentumOscillator = builtin({
  name: 'chandeMomentumOscillator',
  params: ['tables', 'n', 'columns'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = positive(args.int('n'), 'chande momentum oscillator');
    const columns = args.stringArray('columns', ['_value']);
    return stream(
      args.stream('tables').mapTables('chandeMomentumOscillator', site.loc, (t) => {
        const targets = numericTargets(t, columns, 'chande momentum oscillator');
        const series = new Map<number, number[]>();
        for (const j of targets) {
          const sub = differ(t.columns[j].type);
          const v = t.rows.map((r) => r[j]);
          const sums = { up: 0, down: 0 };
          const out: number[] = [];
          for (let i = 0; i < v.length; i++) {
            const diff = sub(v[i], v[i === 0 ? 0 : i - 1]);
            if (i >= n) out.push(nextCMO(sums, diff, sub(v[i - n + 1], v[i - n])));
            else nextCMO(sums, diff, 0);
          }
          series.set(j, out);
        }
        return fromRowN(t, n, targets, series);
      }),
    );
  },
});

export const kaufmansAMA = builtin({
  name: 'kaufmansAMA',
  params: ['tables', 'n', 'column'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = positive(args.int('n'), 'KaufmansAMA');
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('kaufmansAMA', site.loc, (t) => {
        const targets = numericTargets(t, [column], 'KAMA');
        const series = new Map<number, number[]>();
        for (const j of targets) {
          const v = t.rows.map((r) => Number(r[j]));
          const diffs = new Array<number>(n).fill(0);
          const sums = { up: 0, down: 0 };
          const out: number[] = [];
          let prev = v.length > 0 ? v[0] : 0;
          let prevKAMA = 0;
          for (let i = 0; i < v.length; i++) {
            const current = v[i];
            const diff = current - prev;
            if (i >= n) {
              const er = Math.abs(nextCMO(sums, diff, diffs[(i + 1) % n])) / 100.0;
              if (i === n) prevKAMA = prev;
              const k = er * (2.0 / (2.0 + 1.0) - 2.0 / (30.0 + 1.0)) + 2.0 / (30.0 + 1.0);
              const kama = prevKAMA + k * k * (current - prevKAMA);
              out.push(kama);
              prevKAMA = kama;
            } else nextCMO(sums, diff, 0);
            diffs[i % n] = current - prev;
            prev = current;
          }
          series.set(j, out);
        }
        return fromRowN(t, n, targets, series);
      }),
    );
  },
});

/** Flux's ExponentialMovingAverage.Add as RSI uses it: a running mean until n values, then an EMA with 1/n. */
class SmoothedAverage {
  private count = 0;
  private i = 0;
  private reached = false;
  value = 0;

  constructor(private readonly n: number) {}

  add(v: number): void {
    if (this.count === 0) this.value = v;
    else if (!this.reached) this.value = (this.value * this.count + v) / (this.count + 1);
    else this.value = v * (1 / this.n) + this.value * (1.0 - 1 / this.n);
    if (this.count < this.n) this.count++;
    this.addNull();
  }

  addNull(): void {
    if (this.i === this.n - 1) this.reached = true;
    this.i++;
  }
}

export const relativeStrengthIndex = builtin({
  name: 'relativeStrengthIndex',
  params: ['tables', 'n', 'columns'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = positive(args.int('n'), 'relative strength index');
    const columns = args.stringArray('columns', ['_value']);
    return stream(
      args.stream('tables').mapTables('relativeStrengthIndex', site.loc, (t) => {
        const targets: number[] = [];
        t.columns.forEach((c, j) => {
          if (!columns.includes(c.label)) return;
          if (c.type !== 'double' && c.type !== 'long' && c.type !== 'unsignedLong')
            throw new FluxError(`cannot take relative strength index of column ${c.label} (type ${FLUX_TYPE[c.type]})`);
          targets.push(j);
        });
        // Flux gives a table of at most one row a row of nulls (group key included) or NaN; not invented here.
        if (t.rows.length <= 1)
          throw new FluxError('relative strength index of a table with fewer than two rows is not supported');
        const series = new Map<number, (number | null)[]>();
        for (const j of targets) {
          const up = new SmoothedAverage(n);
          const down = new SmoothedAverage(n);
          let last: number | undefined;
          const out: (number | null)[] = [];
          t.rows.forEach((r, i) => {
            const cell = r[j];
            if (cell !== null) {
              const v = Number(cell);
              // Flux starts from a previous value of 0, so the first value counts as a gain (or loss) from 0.
              const before = last ?? 0;
              up.add(v > before ? v - before : 0);
              down.add(v < before ? before - v : 0);
              last = v;
            } else {
              up.addNull();
              down.addNull();
            }
            if (i >= n) out.push(last === undefined ? null : 100 - 100 / (1 + up.value / down.value));
          });
          // A table of at most n rows gives one row: its last, with the index so far.
          if (t.rows.length <= n) out.push(100 - 100 / (1 + up.value / down.value));
          series.set(j, out);
        }
        const first = t.rows.length <= n ? t.rows.length - 1 : n;
        const rows: Cell[][] = [];
        for (let i = first; i < t.rows.length; i++) {
          const out = t.rows[i].slice();
          for (const j of targets) out[j] = (series.get(j) as (number | null)[])[i - first];
          rows.push(out);
        }
        return makeTable(asFloat(t, targets), t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});
