/**
 * Query results shaped for what consumes them: plain rows (ui_table), one payload per table, the
 * node-red-dashboard ui_chart "stored data" format, Dashboard 2.0 ui-chart points, and gauge values.
 * Input rows are the objects `collectRows` returns: long form (`_time, _value, _field, tags...`) or
 * pivoted by `fieldsAsCols` (`_time, Temperature, Humidity, ...`). Times come out in ms since the epoch.
 * These shape a whole result in one go; row-shaper.ts gives the same output row by row, in slices.
 */
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

export type { FluxRow } from './row-cells';

/** A point of one series: `y` null where the series has no value (a gap). */
export interface SeriesPoint {
  series: string;
  x: number;
  y: number | null;
}

export interface SeriesOptions {
  /**
   * Long-form rows: the column(s) naming a series, joined by a space (default `_field`).
   * Pivoted rows: ignored; each numeric column is a series.
   */
  seriesBy?: string | readonly string[];
  /** Only these series (field names). */
  fields?: readonly string[];
}

/**
 * Throws FluxResultError when the result holds an in-band error: InfluxDB answers 200 and streams a
 * table with the columns `error, reference` when a query fails after it started.
 */
export function assertNoFluxError(rows: readonly FluxRow[]): void {
  for (const row of rows) {
    const error = fluxErrorOf(row);
    if (error) throw error;
  }
}

/** The rows without the client's `result` and `table` annotations, e.g. for a ui_table. */
export function plainRows(rows: readonly FluxRow[]): FluxRow[] {
  assertNoFluxError(rows);
  return rows.map(withoutAnnotations);
}

export interface TablePayload {
  result: string;
  table: number;
  rows: FluxRow[];
}

/** The rows split by Flux table (`result` + `table`), in the order the tables arrived: one message each. */
export function rowsPerTable(rows: readonly FluxRow[]): TablePayload[] {
  assertNoFluxError(rows);
  const tables = new Map<string, TablePayload>();
  for (const row of rows) {
    const { result, table } = tableOf(row);
    const key = `${result}\u0000${table}`;
    let payload = tables.get(key);
    if (!payload) {
      payload = { result, table, rows: [] };
      tables.set(key, payload);
    }
    payload.rows.push(withoutAnnotations(row));
  }
  return [...tables.values()];
}

/** node-red-dashboard (v1) ui_chart "stored data": replaces the chart's lines; `[]` (no data) clears it. */
export interface UiChartData {
  series: string[];
  data: Array<Array<{ x: number; y: number | null }>>;
  labels: string[];
}

export function toUiChart(rows: readonly FluxRow[], options: SeriesOptions = {}): UiChartData[] {
  const points = seriesPoints(rows, options);
  if (points.length === 0) return [];
  const bySeries = new Map<string, Array<{ x: number; y: number | null }>>();
  for (const { series, x, y } of points) {
    let line = bySeries.get(series);
    if (!line) bySeries.set(series, (line = []));
    line.push({ x, y });
  }
  return [{ series: [...bySeries.keys()], data: [...bySeries.values()], labels: [''] }];
}

/** Dashboard 2.0 ui-chart: `[{series, x, y}]`, oldest first; gaps are left out. */
export function toDashboard2Chart(
  rows: readonly FluxRow[],
  options: SeriesOptions = {},
): Array<{ series: string; x: number; y: number }> {
  return seriesPoints(rows, options).flatMap(({ series, x, y }) => (y === null ? [] : [{ series, x, y }]));
}

export interface GaugeValue {
  value: number;
  /** When the value was measured, in ms; absent when the rows carry no time. */
  time?: number;
}

/** The newest value of each series, e.g. `{Temperature: {value: 21.3, time: 1700000000000}}`. */
export function toGaugeValues(rows: readonly FluxRow[], options: SeriesOptions = {}): Record<string, GaugeValue> {
  const values: Record<string, GaugeValue> = {};
  for (const { series, time, value } of seriesValues(rows, options)) {
    if (value === null) continue;
    const seen = values[series];
    // Equal or missing times keep the later row: results list a series oldest first.
    if (seen && seen.time !== undefined && time !== undefined && time < seen.time) continue;
    values[series] = time === undefined ? { value } : { value, time };
  }
  return values;
}

/** Every numeric value of every series with its time in ms, oldest first; rows without a time are left out. */
export function seriesPoints(rows: readonly FluxRow[], options: SeriesOptions = {}): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (const { series, time, value } of seriesValues(rows, options)) {
    if (time !== undefined) points.push({ series, x: time, y: value });
  }
  // Array.prototype.sort is stable, so equal times keep the order of the result.
  return points.sort((a, b) => a.x - b.x);
}

interface SeriesValue {
  series: string;
  time: number | undefined;
  value: number | null;
}

function* seriesValues(rows: readonly FluxRow[], options: SeriesOptions): Generator<SeriesValue> {
  assertNoFluxError(rows);
  const wanted = options.fields ? new Set(options.fields) : undefined;
  const seriesBy = seriesColumns(options.seriesBy);
  const pivoted = numericColumns(rows);
  for (const row of rows) {
    const time = rowTime(row);
    if ('_value' in row) {
      const value = numeric(row._value);
      if (value === undefined) continue;
      const series = seriesName(row, seriesBy);
      if (wanted && !wanted.has(series)) continue;
      yield { series, time, value };
      continue;
    }
    for (const [column, cell] of Object.entries(row)) {
      if (!pivoted.has(column) || (wanted && !wanted.has(column))) continue;
      const value = numeric(cell);
      if (value !== undefined) yield { series: column, time, value };
    }
  }
}

/**
 * The columns of pivoted rows that hold a number somewhere: those are series, and a null there is a gap.
 * A null in a text column (a missing tag) is not a series.
 */
function numericColumns(rows: readonly FluxRow[]): Set<string> {
  const columns = new Set<string>();
  for (const row of rows) {
    if ('_value' in row) continue;
    for (const [column, cell] of Object.entries(row)) {
      if (!NOT_SERIES.has(column) && typeof numeric(cell) === 'number') columns.add(column);
    }
  }
  return columns;
}

export const OUTPUT_FORMATS = ['rows', 'tables', 'chart', 'dashboard2Chart', 'gauge'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What a query node sends: one payload, or (format `tables`) one payload per table. */
export type ShapedResult =
  | { format: 'rows'; payload: FluxRow[] }
  | { format: 'tables'; payloads: TablePayload[] }
  | { format: 'chart'; payload: UiChartData[] }
  | { format: 'dashboard2Chart'; payload: Array<{ series: string; x: number; y: number }> }
  | { format: 'gauge'; payload: Record<string, GaugeValue> };

export function isOutputFormat(value: unknown): value is OutputFormat {
  return OUTPUT_FORMATS.some((format) => format === value);
}

/** Shapes `rows` as `format`; throws FluxResultError on an in-band error. */
export function shapeResult(rows: readonly FluxRow[], format: OutputFormat, options: SeriesOptions = {}): ShapedResult {
  switch (format) {
    case 'rows':
      return { format, payload: plainRows(rows) };
    case 'tables':
      return { format, payloads: rowsPerTable(rows) };
    case 'chart':
      return { format, payload: toUiChart(rows, options) };
    case 'dashboard2Chart':
      return { format, payload: toDashboard2Chart(rows, options) };
    case 'gauge':
      return { format, payload: toGaugeValues(rows, options) };
  }
}
