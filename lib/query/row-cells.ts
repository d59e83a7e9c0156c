/**
 * Reading one result row: its in-band error, time, chartable values and series name. Shared by the
 * shaping done in one go (shape.ts) and the shaping done row by row as a result streams in (row-shaper.ts),
 * so that both read a row the same way.
 */
import { FluxResultError } from './errors';

export type FluxRow = Record<string, unknown>;

/** The annotation columns the client adds to every row. */
const ANNOTATIONS = new Set(['result', 'table']);
/** Columns of a pivoted row that are never a series. */
export const NOT_SERIES = new Set(['result', 'table', '_start', '_stop', '_time', '_measurement']);

/**
 * The error of an in-band error row, or undefined for any other row: InfluxDB answers 200 and streams a
 * table with the columns `error, reference` when a query fails after it started.
 */
export function fluxErrorOf(row: FluxRow): FluxResultError | undefined {
  if (!('error' in row) || !('reference' in row) || '_value' in row || '_time' in row) return undefined;
  const error = row.error;
  if (typeof error !== 'string' || error === '') return undefined;
  const reference = typeof row.reference === 'string' && row.reference !== '' ? row.reference : undefined;
  return new FluxResultError(
    `the Flux query failed in InfluxDB: ${error}${reference ? ` (reference ${reference})` : ''}`,
    reference,
  );
}

/** `_time`, or `_stop` for an aggregate without one, in ms. */
export function rowTime(row: FluxRow): number | undefined {
  for (const column of ['_time', '_stop']) {
    const cell = row[column];
    const ms = typeof cell === 'string' ? Date.parse(cell) : typeof cell === 'number' ? cell : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}

/** A chartable value: a finite number, or null for a gap; text and booleans are not series values. */
export function numeric(cell: unknown): number | null | undefined {
  if (cell === null) return null;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell === 'bigint') return Number(cell);
  return undefined;
}

/** The series a long-form row belongs to: its `columns` joined by a space, `_value` when all are empty. */
export function seriesName(row: FluxRow, columns: readonly string[]): string {
  const parts = columns
    .map((column) => row[column])
    .filter((part) => part !== undefined && part !== null && part !== '');
  return parts.length > 0 ? parts.map(String).join(' ') : '_value';
}

/** The columns naming a series of long-form rows (`seriesBy`, default `_field`) as a list. */
export function seriesColumns(seriesBy: string | readonly string[] | undefined): readonly string[] {
  return typeof seriesBy === 'string' ? [seriesBy] : (seriesBy ?? ['_field']);
}

/** The row without the client's `result` and `table` annotations. */
export function withoutAnnotations(row: FluxRow): FluxRow {
  const plain: FluxRow = {};
  for (const [column, cell] of Object.entries(row)) if (!ANNOTATIONS.has(column)) plain[column] = cell;
  return plain;
}

/** The Flux table a row belongs to: its `result` and `table` annotations. */
export function tableOf(row: FluxRow): { result: string; table: number } {
  return {
    result: typeof row.result === 'string' ? row.result : '_result',
    table: typeof row.table === 'number' ? row.table : 0,
  };
}
