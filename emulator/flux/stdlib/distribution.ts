/**
 * Statistics over the values of each table, after FLUX stdlib/universe (mode.go, skew.go, sample.go,
 * covariance.go, histogram.go, histogram_quantile.go): `mode`, `skew`, `sample`, `covariance`, `histogram`,
 * `histogramQuantile`, and the bin helpers `linearBins` and `logarithmicBins`.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { array, float, stream, typeName } from '../interpreter/values';
import type { Cell, Column, Table } from '../table';
import { compareCells } from '../tables/compare';
import { keyMap, makeTable } from '../tables/build';
import { cellId } from '../tables/keys';
import { aggregateBuiltin, numbers } from './aggregates';

/** Key columns (in table order) and their values: the start of every one-row-per-result output. */
function keyPart(t: Table): { columns: Column[]; cells: Cell[] } {
  const key = keyMap(t);
  const columns = t.columns.filter((c) => t.keyColumns.includes(c.label));
  return { columns, cells: columns.map((c) => key.get(c.label) ?? null) };
}

export const mode = builtin({
  name: 'mode',
  params: ['tables', 'column'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('mode', site.loc, (t) => {
        const key = keyPart(t);
        const j = t.columns.findIndex((c) => c.label === column);
        // As Flux: a missing column gives one row with an empty string.
        if (j < 0)
          return makeTable(
            [...key.columns, { label: '_value', type: 'string' }],
            t.keyColumns,
            [[...key.cells, '']],
            keyMap(t),
          );
        const columns = [...key.columns, { label: '_value', type: t.columns[j].type }];
        if (t.keyColumns.includes(column))
          return makeTable(columns, t.keyColumns, [[...key.cells, keyMap(t).get(column) ?? null]], keyMap(t));
        const counts = new Map<string, { cell: Cell; n: number }>();
        for (const r of t.rows) {
          const cell = r[j];
          if (cell === null) continue;
          const id = cellId(cell);
          const entry = counts.get(id);
          if (entry) entry.n++;
          else counts.set(id, { cell, n: 1 });
        }
        let max = 0;
        for (const e of counts.values()) max = Math.max(max, e.n);
        const modes = [...counts.values()].filter((e) => e.n === max).map((e) => e.cell);
        // Every value equally frequent (or none at all): no mode, one null row.
        const values = modes.length === counts.size ? [null] : modes.sort(compareCells);
        return makeTable(
          columns,
          t.keyColumns,
          values.map((v) => [...key.cells, v]),
          keyMap(t),
        );
      }),
    );
  },
});

export const skew = aggregateBuiltin('skew', [], () => (values, type) => {
  let n = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  for (const v of numbers(values, type, 'skew')) {
    const n0 = n;
    n++;
    const delta = v - m1;
    const deltaN = delta / n;
    const t = delta * deltaN * n0;
    m3 += t * deltaN * (n - 2) - 3 * deltaN * m2;
    m2 += t;
    m1 += deltaN;
  }
  if (n === 0) return { cell: null, type: 'double' };
  // Go's math.Pow(x, 1.5) is Sqrt(x)·x, rounded once.
  return { cell: n < 2 ? NaN : (Math.sqrt(n) * m3) / (Math.sqrt(m2) * m2), type: 'double' };
});

export const sample = builtin({
  name: 'sample',
  params: ['tables', 'n', 'pos', 'column'],
  required: ['n'],
  pipe: 'tables',
  run(args, site) {
    const n = args.int('n');
    if (n <= 0n) throw new FluxError(`n must be a positive integer, but was ${n}`);
    const given = args.has('pos') ? args.int('pos') : -1n;
    if (given >= n) throw new FluxError(`pos must be less than n, but ${given} >= ${n}`);
    const column = args.string('column', '_value');
    return stream(
      args.stream('tables').mapTables('sample', site.loc, (t) => {
        if (!t.columns.some((c) => c.label === column)) throw new FluxError(`column "${column}" does not exist`);
        // Without pos, Flux starts at a random row of the first n, per table.
        const pos = given < 0n ? Math.floor(Math.random() * Number(n)) : Number(given);
        return { ...t, rows: t.rows.filter((_, i) => i >= pos && (i - pos) % Number(n) === 0) };
      }),
    );
  },
});

export const covariance = builtin({
  name: 'covariance',
  params: ['tables', 'columns', 'pearsonr', 'valueDst'],
  required: ['columns'],
  pipe: 'tables',
  run(args, site) {
    const columns = args.stringArray('columns');
    if (columns.length !== 2) throw new FluxError('must provide exactly two columns');
    const pearsonr = args.bool('pearsonr', false);
    const valueDst = args.string('valueDst', '_value');
    return stream(
      args.stream('tables').mapTables('covariance', site.loc, (t) => {
        const [xi, yi] = columns.map((label) => {
          const j = t.columns.findIndex((c) => c.label === label);
          if (j < 0) throw new FluxError(`specified column does not exist in table: ${label}`);
          return j;
        });
        if (t.columns[xi].type !== t.columns[yi].type)
          throw new FluxError('cannot compute the covariance between different types');
        if (t.columns[xi].type !== 'double') throw new FluxError(`covariance does not support ${t.columns[xi].type}`);
        let n = 0;
        let xm1 = 0;
        let ym1 = 0;
        let xm2 = 0;
        let ym2 = 0;
        let xym2 = 0;
        for (const r of t.rows) {
          const x = r[xi];
          const y = r[yi];
          if (x === null || y === null) continue;
          n++;
          const xdelta = (x as number) - xm1;
          const ydelta = (y as number) - ym1;
          xm1 += xdelta / n;
          ym1 += ydelta / n;
          const ydelta2 = (y as number) - ym1;
          xm2 += xdelta * ((x as number) - xm1);
          ym2 += ydelta * ydelta2;
          xym2 += xdelta * ydelta2;
        }
        const value = n < 2 ? NaN : pearsonr ? xym2 / Math.sqrt(xm2 * ym2) : xym2 / (n - 1);
        const key = keyPart(t);
        return makeTable(
          [...key.columns, { label: valueDst, type: 'double' }],
          t.keyColumns,
          [[...key.cells, value]],
          keyMap(t),
        );
      }),
    );
  },
});

function floatArray(v: ReturnType<typeof array>, name: string): number[] {
  if (v.type !== 'array') throw new FluxError(`argument ${name} must be an array of floats, got ${typeName(v)}`);
  return v.value.map((e) => {
    if (e.type !== 'float') throw new FluxError(`argument ${name} must be an array of floats, got ${typeName(e)}`);
    return e.value;
  });
}

export const histogram = builtin({
  name: 'histogram',
  params: ['tables', 'column', 'upperBoundColumn', 'countColumn', 'bins', 'normalize'],
  required: ['bins'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column', '_value');
    const upperBoundColumn = args.string('upperBoundColumn', 'le');
    const countColumn = args.string('countColumn', '_value');
    const bins = floatArray(args.value('bins'), 'bins').sort((a, b) => a - b);
    const normalize = args.bool('normalize', false);
    return stream(
      args.stream('tables').mapTables('histogram', site.loc, (t) => {
        const j = t.columns.findIndex((c) => c.label === column);
        if (j < 0) throw new FluxError(`column "${column}" is missing`);
        if (t.columns[j].type !== 'double')
          throw new FluxError(`column "${column}" must be a float got ${t.columns[j].type}`);
        const counts = bins.map(() => 0);
        let total = 0;
        for (const r of t.rows) {
          const v = r[j];
          if (v === null) continue;
          total++;
          const idx = bins.findIndex((b) => (v as number) <= b);
          if (idx < 0) throw new FluxError(`found value greater than any bin, ${bins.length} ${bins.length} ${v}`);
          counts[idx]++;
        }
        const key = keyPart(t);
        let cumulative = 0;
        const rows = bins.map((bound, i) => {
          let count = counts[i] + cumulative;
          if (normalize) count /= total;
          cumulative += counts[i];
          return [...key.cells, bound, count];
        });
        const columns: Column[] = [
          ...key.columns,
          { label: upperBoundColumn, type: 'double' },
          { label: countColumn, type: 'double' },
        ];
        return makeTable(columns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

export const histogramQuantile = builtin({
  name: 'histogramQuantile',
  params: ['tables', 'quantile', 'countColumn', 'upperBoundColumn', 'valueColumn', 'minValue', 'onNonmonotonic'],
  required: ['quantile'],
  pipe: 'tables',
  run(args, site) {
    const q = args.float('quantile');
    const countColumn = args.string('countColumn', '_value');
    const upperBoundColumn = args.string('upperBoundColumn', 'le');
    const valueColumn = args.string('valueColumn', '_value');
    const minValue = args.float('minValue', 0);
    const onNonmonotonic = args.string('onNonmonotonic', 'error');
    if (!['error', 'force', 'drop'].includes(onNonmonotonic))
      throw new FluxError(
        'value provided to histogramQuantile parameter onNonmonotonic is invalid; must be one of "error", "force" or "drop"',
      );
    return stream(
      args.stream('tables').mapTables('histogramQuantile', site.loc, (t) => {
        const floatColumn = (label: string, what: string) => {
          const j = t.columns.findIndex((c) => c.label === label);
          if (j < 0) throw new FluxError(`table is missing ${what} column "${label}"`);
          if (t.columns[j].type !== 'double') throw new FluxError(`${what} column "${label}" must be of type float`);
          return j;
        };
        const ci = floatColumn(countColumn, 'count');
        const ui = floatColumn(upperBoundColumn, 'upper bound');
        const cdf = t.rows.map((r) => {
          if (r[ci] === null) throw new FluxError('unexpected null in the countColumn');
          if (r[ui] === null) throw new FluxError('unexpected null in the upperBoundColumn');
          return { count: r[ci] as number, upperBound: r[ui] as number };
        });
        cdf.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
        const result = quantileOf(cdf, q, minValue, onNonmonotonic);
        const key = keyPart(t);
        const columns: Column[] = [...key.columns, { label: valueColumn, type: 'double' }];
        const rows = result === 'drop' ? [] : [[...key.cells, result]];
        return makeTable(columns, t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});

function quantileOf(
  cdf: { count: number; upperBound: number }[],
  q: number,
  minValue: number,
  onNonmonotonic: string,
): number | null | 'drop' {
  if (cdf.length === 0) throw new FluxError('histogram is empty');
  let previous = 0;
  for (const b of cdf) {
    if (b.count >= previous) previous = b.count;
    else if (onNonmonotonic === 'force') b.count = previous;
    else if (onNonmonotonic === 'drop') return 'drop';
    else throw new FluxError('histogram records counts are not monotonic');
  }
  const total = cdf[cdf.length - 1].count;
  if (total === 0) return null;
  const rank = q * total;
  let rankIdx = -1;
  cdf.forEach((b, i) => {
    if (rank >= b.count) rankIdx = i;
  });
  if (rankIdx === cdf.length - 1) return cdf[rankIdx].upperBound;
  const lowerCount = rankIdx < 0 ? 0 : cdf[rankIdx].count;
  const lowerBound = rankIdx < 0 ? minValue : cdf[rankIdx].upperBound;
  const upperCount = cdf[rankIdx + 1].count;
  const upperBound = cdf[rankIdx + 1].upperBound;
  if (rank === lowerCount) return lowerBound;
  if (lowerBound === -Infinity) return upperBound;
  if (upperBound === Infinity) return lowerBound;
  return lowerBound + (upperBound - lowerBound) * ((rank - lowerCount) / (upperCount - lowerCount));
}

function bins(name: string, step: (bound: number, by: number) => number, byParam: string) {
  return builtin({
    name,
    params: ['start', byParam, 'count', 'infinity'],
    required: ['start', byParam, 'count'],
    run(args) {
      const count = Number(args.int('count'));
      const infinity = args.bool('infinity', true);
      const by = args.float(byParam);
      const out: number[] = [];
      let bound = args.float('start');
      for (let i = 0; i < count + (infinity ? 1 : 0); i++) {
        out.push(bound);
        bound = step(bound, by);
      }
      if (infinity) out[out.length - 1] = Infinity;
      return array(out.map(float));
    },
  });
}

export const linearBins = bins('linearBins', (b, w) => b + w, 'width');
export const logarithmicBins = bins('logarithmicBins', (b, f) => b * f, 'factor');
