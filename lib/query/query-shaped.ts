/**
 * A query's result shaped for a flow while it streams in: rows are shaped as they arrive and the reading
 * pauses between slices, so that a 10,000-row result never holds Node-RED's event loop for long.
 */
import type { ParameterizedQuery, QueryApi } from '@influxdata/influxdb-client';
import { streamRows } from './collect-rows';
import { createRowShaper } from './row-shaper';
import type { OutputFormat, SeriesOptions, ShapedResult } from './shape';
import { DEFAULT_SLICE, SliceBudget, type SliceLimits } from './slice-budget';

export interface ShapedQueryOptions {
  format: OutputFormat;
  /** Most rows; one more cancels the request with RowLimitError. 0 means no limit. */
  rowLimit: number;
  series?: SeriesOptions;
  /** Size of a slice of work between two turns of the event loop (default 1,000 rows or 5 ms). */
  slice?: SliceLimits;
}

export interface ShapedQueryResult {
  shaped: ShapedResult;
  /** Rows the result had. */
  rows: number;
  /** How many times the shaping gave way to the event loop. */
  yields: number;
}

/** Runs `query` and shapes its rows as `format`; rejects with RowLimitError, FluxResultError or the client's error. */
export async function queryShaped(
  api: QueryApi,
  query: string | ParameterizedQuery,
  { format, rowLimit, series, slice = DEFAULT_SLICE }: ShapedQueryOptions,
): Promise<ShapedQueryResult> {
  const shaper = createRowShaper(format, series);
  const budget = new SliceBudget(slice);
  const rows = await streamRows(api, query, { limit: rowLimit, onRow: (row) => shaper.add(row), budget });
  const shaped = await shaper.finish(budget);
  return { shaped, rows, yields: budget.yields };
}
