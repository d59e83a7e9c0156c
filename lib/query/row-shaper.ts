/**
 * Shapes a query result row by row as it streams in, and finishes in slices: the same output as
 * `shapeResult` (shape.ts) on the same rows, without holding Node-RED's event loop for the whole result.
 * `add` does the per-row work (cheap, a row at a time); `finish` does what needs every row (the numeric
 * columns of pivoted rows, the sort by time, the grouping into lines), giving way between slices.
 */
import { FluxResultError } from './errors';
import {
  fluxErrorOf,
  type FluxRow,
  NOT_SERIES,
  numeric,
  rowTime,
  seriesColumns,
  seriesName,
  tableOf,
  withoutAnnotations,
} from './row-cells';
import type {
  GaugeValue,
  OutputFormat,
  SeriesOptions,
  SeriesPoint,
  ShapedResult,
  TablePayload,
  UiChartData,
} from './shape';
import { SliceBudget } from './slice-budget';
import { sortInSlices } from './sort-in-slices';

export interface RowShaper {
  /** Takes the next row of the result; throws FluxResultError on an in-band error row. */
  add(row: FluxRow): void;
  /** The result shaped; gives way to the event loop whenever `budget` says a slice is over. */
  finish(budget: SliceBudget): Promise<ShapedResult>;
}

export function createRowShaper(format: OutputFormat, options: SeriesOptions = {}): RowShaper {
  switch (format) {
    case 'rows':
      return plainRowsShaper();
    case 'tables':
      return tablesShaper();
    case 'chart':
    case 'dashboard2Chart':
      return chartShaper(format, options);
    case 'gauge':
      return gaugeShaper(options);
  }
}

/** Shapes rows already in memory, in slices: for results that did not stream (and to compare with shape.ts). */
export async function shapeRowsInSlices(
  rows: readonly FluxRow[],
  format: OutputFormat,
  options: SeriesOptions = {},
  budget: SliceBudget = new SliceBudget(),
): Promise<ShapedResult> {
  const shaper = createRowShaper(format, options);
  for (const row of rows) {
    shaper.add(row);
    if (budget.spend()) await budget.pause();
  }
  return shaper.finish(budget);
}

function throwOnFluxError(row: FluxRow): void {
  const error: FluxResultError | undefined = fluxErrorOf(row);
  if (error) throw error;
}

function plainRowsShaper(): RowShaper {
  const payload: FluxRow[] = [];
  return {
    add(row) {
      throwOnFluxError(row);
      payload.push(withoutAnnotations(row));
    },
    finish: () => Promise.resolve({ format: 'rows', payload }),
  };
}

function tablesShaper(): RowShaper {
  const tables = new Map<string, TablePayload>();
  return {
    add(row) {
      throwOnFluxError(row);
      const { result, table } = tableOf(row);
      const key = `${result}\u0000${table}`;
      let payload = tables.get(key);
      if (!payload) {
        payload = { result, table, rows: [] };
        tables.set(key, payload);
      }
      payload.rows.push(withoutAnnotations(row));
    },
    finish: () => Promise.resolve({ format: 'tables', payloads: [...tables.values()] }),
  };
}

/** The newest value of each series as rows come; needs no other row (gaps are skipped anyway). */
function gaugeShaper(options: SeriesOptions): RowShaper {
  const wanted = options.fields ? new Set(options.fields) : undefined;
  const seriesBy = seriesColumns(options.seriesBy);
  const values: Record<string, GaugeValue> = {};
  const keep = (series: string, time: number | undefined, value: number): void => {
    const seen = values[series];
    // Equal or missing times keep the later row: results list a series oldest first.
    if (seen && seen.time !== undefined && time !== undefined && time < seen.time) return;
    values[series] = time === undefined ? { value } : { value, time };
  };
  return {
    add(row) {
      throwOnFluxError(row);
      const time = rowTime(row);
      if ('_value' in row) {
        const value = numeric(row._value);
        if (value === undefined || value === null) return;
        const series = seriesName(row, seriesBy);
        if (!wanted || wanted.has(series)) keep(series, time, value);
        return;
      }
      for (const [column, cell] of Object.entries(row)) {
        if (NOT_SERIES.has(column) || (wanted && !wanted.has(column))) continue;
        const value = numeric(cell);
        if (typeof value === 'number') keep(column, time, value);
      }
    },
    finish: () => Promise.resolve({ format: 'gauge', payload: values }),
  };
}

/**
 * Chart points as rows come. A null in a pivoted column is a gap only if that column holds a number in
 * some row, which is known at the end: such nulls are kept with their index and dropped in `finish` when
 * the column never held one.
 */
function chartShaper(format: 'chart' | 'dashboard2Chart', options: SeriesOptions): RowShaper {
  const wanted = options.fields ? new Set(options.fields) : undefined;
  const seriesBy = seriesColumns(options.seriesBy);
  const points: SeriesPoint[] = [];
  const numericColumns = new Set<string>();
  /** Indexes in `points` of nulls of pivoted columns. */
  const pivotedNulls: number[] = [];
  return {
    add(row) {
      throwOnFluxError(row);
      const time = rowTime(row);
      if ('_value' in row) {
        const value = numeric(row._value);
        if (value === undefined || time === undefined) return;
        const series = seriesName(row, seriesBy);
        if (!wanted || wanted.has(series)) points.push({ series, x: time, y: value });
        return;
      }
      for (const [column, cell] of Object.entries(row)) {
        if (NOT_SERIES.has(column)) continue;
        const value = numeric(cell);
        if (value === undefined) continue;
        if (value !== null) numericColumns.add(column);
        if (time === undefined || (wanted && !wanted.has(column))) continue;
        if (value === null) pivotedNulls.push(points.length);
        points.push({ series: column, x: time, y: value });
      }
    },
    async finish(budget) {
      const kept = await withoutTextColumnNulls(points, pivotedNulls, numericColumns, budget);
      // The sort is stable, as in shape.ts, so equal times keep the order of the result.
      const sorted = await sortInSlices(kept, (a, b) => a.x - b.x, budget);
      if (format === 'chart') return { format, payload: await uiChart(sorted, budget) };
      const payload: Array<{ series: string; x: number; y: number }> = [];
      for (const { series, x, y } of sorted) {
        if (y !== null) payload.push({ series, x, y });
        if (budget.spend()) await budget.pause();
      }
      return { format, payload };
    },
  };
}

/** The points without the nulls of pivoted columns that never held a number (a missing tag, not a gap). */
async function withoutTextColumnNulls(
  points: SeriesPoint[],
  pivotedNulls: readonly number[],
  numericColumns: ReadonlySet<string>,
  budget: SliceBudget,
): Promise<SeriesPoint[]> {
  if (pivotedNulls.every((index) => numericColumns.has(points[index].series))) return points;
  const kept: SeriesPoint[] = [];
  let next = 0;
  for (let index = 0; index < points.length; index++) {
    if (next < pivotedNulls.length && pivotedNulls[next] === index) {
      next++;
      if (!numericColumns.has(points[index].series)) continue;
    }
    kept.push(points[index]);
    if (budget.spend()) await budget.pause();
  }
  return kept;
}

async function uiChart(sorted: readonly SeriesPoint[], budget: SliceBudget): Promise<UiChartData[]> {
  if (sorted.length === 0) return [];
  const bySeries = new Map<string, Array<{ x: number; y: number | null }>>();
  for (const { series, x, y } of sorted) {
    let line = bySeries.get(series);
    if (!line) bySeries.set(series, (line = []));
    line.push({ x, y });
    if (budget.spend()) await budget.pause();
  }
  return [{ series: [...bySeries.keys()], data: [...bySeries.values()], labels: [''] }];
}
