/**
 * Transformations along the rows of each table, in row order: `fill`, `difference`, `derivative`,
 * `cumulativeSum`, `elapsed`, `timeShift`. Null values are skipped the way Flux documents it
 * (a difference or rate is taken from the last non-null value).
 */
import { valueToCell, columnTypeOf } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { addDuration, isNegative, isZero } from '../interpreter/time';
import type { Duration } from '../interpreter/values';
import { stream } from '../interpreter/values';
import type { Cell, Column, ColumnType, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';

function indexOf(table: Table, label: string): number {
  const j = table.columns.findIndex((c) => c.label === label);
  if (j < 0) throw new FluxError(`column "${label}" does not exist`);
  return j;
}

function numericIndex(table: Table, label: string, fn: string): number {
  const j = indexOf(table, label);
  const type = table.columns[j].type;
  if (type !== 'double' && type !== 'long' && type !== 'unsignedLong')
    throw new FluxError(`${fn} needs a numeric column, "${label}" is ${type}`);
  return j;
}

/** Listed columns the table has, as numeric indexes: Flux's difference and cumulativeSum skip absent ones. */
function presentNumericIndexes(table: Table, labels: string[], fn: string): number[] {
  return labels.filter((l) => table.columns.some((c) => c.label === l)).map((l) => numericIndex(table, l, fn));
}

/** Nanoseconds of a fixed duration (months have no fixed length). */
function fixedNanoseconds(d: Duration, name: string): bigint {
  if (d.months !== 0n || d.infinite || isNegative(d) || isZero(d))
    throw new FluxError(`${name} must be a positive duration without months`);
  return d.nanoseconds;
}

export const fill = builtin({
  name: 'fill',
  params: ['tables', 'column', 'value', 'usePrevious'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    const usePrevious = args.bool('usePrevious', false);
    const value = args.optional('value');
    if (usePrevious === (value !== undefined))
      throw new FluxError('fill needs exactly one of value or usePrevious: true');
    const replacement =
      value === undefined ? undefined : { cell: valueToCell(value), type: columnTypeOf(value, 'value') };
    return stream(
      args.stream('tables').mapTables('fill', site.loc, (t) => {
        const j = indexOf(t, column);
        if (replacement && replacement.type !== t.columns[j].type) {
          throw new FluxError(`fill value is ${replacement.type} but column "${column}" is ${t.columns[j].type}`);
        }
        let previous: Cell = null;
        const rows = t.rows.map((r) => {
          const cell = r[j] ?? null;
          if (cell !== null) {
            previous = cell;
            return r;
          }
          const copy = r.slice();
          copy[j] = replacement ? replacement.cell : previous;
          return copy;
        });
        return { ...t, rows };
      }),
    );
  },
});

/** A numeric cell as a number or bigint, with the arithmetic that keeps its type. */
function subtract(a: Cell, b: Cell, type: ColumnType): Cell {
  if (type === 'double') return (a as number) - (b as number);
  // uint differences can be negative, so Flux gives them as int.
  return BigInt.asIntN(64, (a as bigint) - (b as bigint));
}

function isBelowZero(c: Cell): boolean {
  return typeof c === 'number' ? c < 0 : typeof c === 'bigint' ? c < 0n : false;
}

export const difference = builtin({
  name: 'difference',
  params: ['tables', 'nonNegative', 'columns', 'keepFirst', 'initialZero'],
  pipe: 'tables',
  run(args, site) {
    const nonNegative = args.bool('nonNegative', false);
    const columns = args.stringArray('columns', ['_value']);
    const keepFirst = args.bool('keepFirst', false);
    const initialZero = args.bool('initialZero', false);
    return stream(
      args.stream('tables').mapTables('difference', site.loc, (t) => {
        const targets = presentNumericIndexes(t, columns, 'difference');
        const outColumns = t.columns.map((c, j): Column =>
          targets.includes(j) && c.type === 'unsignedLong' ? { label: c.label, type: 'long' } : c,
        );
        const last: Cell[] = targets.map(() => null);
        const rows: Cell[][] = [];
        t.rows.forEach((r, i) => {
          const out = r.slice();
          targets.forEach((j, k) => {
            const cell = r[j] ?? null;
            if (cell === null) {
              out[j] = null;
              return;
            }
            const before = last[k];
            last[k] = cell;
            const type = t.columns[j].type;
            // As Flux's difference.go: the first non-null value has no difference, except that keepFirst with
            // initialZero makes it 0; a negative difference under nonNegative is the value itself with
            // initialZero when the value is not negative, else null.
            if (before === null) {
              out[j] = keepFirst && initialZero ? (type === 'double' ? 0 : 0n) : null;
              return;
            }
            let d: Cell = subtract(cell, before, type);
            if (nonNegative && isBelowZero(d))
              d =
                initialZero && !isBelowZero(cell)
                  ? type === 'double'
                    ? cell
                    : BigInt.asIntN(64, cell as bigint)
                  : null;
            out[j] = d;
          });
          if (i > 0 || keepFirst) rows.push(out);
        });
        return makeTable(outColumns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

/**
 * `derivative`, as Flux's derivative.go: rows whose time repeats the previous row's are dropped, times going
 * backwards are an error, the first row is dropped; a null value gives null and leaves the previous value as it
 * was; under nonNegative a decrease gives null, or 0 with initialZero.
 */
export const derivative = builtin({
  name: 'derivative',
  params: ['tables', 'unit', 'nonNegative', 'columns', 'timeColumn', 'initialZero'],
  pipe: 'tables',
  run(args, site) {
    const unit = fixedNanoseconds(args.duration('unit', { months: 0n, nanoseconds: 1_000_000_000n }), 'unit');
    const nonNegative = args.bool('nonNegative', false);
    const initialZero = args.bool('initialZero', false);
    const columns = args.stringArray('columns', ['_value']);
    const timeColumn = args.string('timeColumn', '_time');
    return stream(
      args.stream('tables').mapTables('derivative', site.loc, (t) => {
        const ti = indexOf(t, timeColumn);
        const targets = columns.map((l) => numericIndex(t, l, 'derivative'));
        const outColumns = t.columns.map((c, j): Column =>
          targets.includes(j) ? { label: c.label, type: 'double' } : c,
        );
        const last: ({ t: bigint; v: number } | undefined)[] = targets.map(() => undefined);
        const rows: Cell[][] = [];
        let lastTime: bigint | undefined;
        t.rows.forEach((r) => {
          const now = r[ti];
          if (typeof now !== 'bigint') throw new FluxError('derivative found null time in time column');
          if (lastTime !== undefined && now < lastTime)
            throw new FluxError('derivative found out-of-order times in time column');
          const first = lastTime === undefined;
          if (now === lastTime) return;
          lastTime = now;
          const out = r.slice();
          targets.forEach((j, k) => {
            const cell = r[j] ?? null;
            if (cell === null) {
              out[j] = null;
              return;
            }
            const v = Number(cell);
            const before = last[k];
            last[k] = { t: now, v };
            if (!before) {
              out[j] = null;
              return;
            }
            if (nonNegative && before.v > v) out[j] = initialZero ? 0 : null;
            else out[j] = (v - before.v) / (Number(now - before.t) / Number(unit));
          });
          if (!first) rows.push(out);
        });
        return makeTable(outColumns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

export const cumulativeSum = builtin({
  name: 'cumulativeSum',
  params: ['tables', 'columns'],
  pipe: 'tables',
  run(args, site) {
    const columns = args.stringArray('columns', ['_value']);
    return stream(
      args.stream('tables').mapTables('cumulativeSum', site.loc, (t) => {
        const targets = presentNumericIndexes(t, columns, 'cumulativeSum');
        const sums: Cell[] = targets.map(() => null);
        const rows = t.rows.map((r) => {
          const out = r.slice();
          targets.forEach((j, k) => {
            const cell = r[j] ?? null;
            if (cell === null) return;
            const total = sums[k];
            const type = t.columns[j].type;
            sums[k] =
              total === null
                ? cell
                : type === 'double'
                  ? (total as number) + (cell as number)
                  : type === 'long'
                    ? BigInt.asIntN(64, (total as bigint) + (cell as bigint))
                    : BigInt.asUintN(64, (total as bigint) + (cell as bigint));
            out[j] = sums[k];
          });
          return out;
        });
        return { ...t, rows };
      }),
    );
  },
});

export const elapsed = builtin({
  name: 'elapsed',
  params: ['tables', 'unit', 'timeColumn', 'columnName'],
  pipe: 'tables',
  run(args, site) {
    const unit = fixedNanoseconds(args.duration('unit', { months: 0n, nanoseconds: 1_000_000_000n }), 'unit');
    const timeColumn = args.string('timeColumn', '_time');
    const columnName = args.string('columnName', 'elapsed');
    return stream(
      args.stream('tables').mapTables('elapsed', site.loc, (t) => {
        const ti = indexOf(t, timeColumn);
        const rows: Cell[][] = [];
        for (let i = 1; i < t.rows.length; i++) {
          const a = t.rows[i - 1][ti];
          const b = t.rows[i][ti];
          if (typeof a !== 'bigint' || typeof b !== 'bigint')
            throw new FluxError(`elapsed needs a time in every row of "${timeColumn}"`);
          rows.push([...t.rows[i], (b - a) / unit]);
        }
        return makeTable([...t.columns, { label: columnName, type: 'long' }], t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

export const timeShift = builtin({
  name: 'timeShift',
  params: ['tables', 'duration', 'columns'],
  required: ['duration'],
  pipe: 'tables',
  run(args, site) {
    const shift = args.duration('duration');
    const columns = args.stringArray('columns', ['_start', '_stop', '_time']);
    const move = (c: Cell): Cell => (typeof c === 'bigint' ? addDuration(c, shift) : c);
    return stream(
      args.stream('tables').mapTables('timeShift', site.loc, (t) => {
        const targets = t.columns.flatMap((c, j) =>
          columns.includes(c.label) && c.type === 'dateTime:RFC3339' ? [j] : [],
        );
        const key = keyMap(t);
        for (const j of targets)
          if (key.has(t.columns[j].label)) key.set(t.columns[j].label, move(key.get(t.columns[j].label) ?? null));
        const rows = t.rows.map((r) => {
          const out = r.slice();
          for (const j of targets) out[j] = move(r[j] ?? null);
          return out;
        });
        return makeTable(t.columns, t.keyColumns, rows, key);
      }),
    );
  },
});
