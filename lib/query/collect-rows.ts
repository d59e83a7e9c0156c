/**
 * Rows of a query as objects, with a ceiling: a query that would flood a flow (a month of raw points into a
 * chart) is cancelled as soon as it passes the limit instead of being read into memory first.
 */
import type { ParameterizedQuery, QueryApi } from '@influxdata/influxdb-client';
import type { FluxRow } from './row-cells';
import type { SliceBudget } from './slice-budget';

export class RowLimitError extends Error {
  readonly code = 'row_limit_exceeded';
  constructor(readonly limit: number) {
    super(
      `the query returned more than ${limit} rows, the row limit: narrow the range, filter fields, ` +
        `downsample with aggregateWindow, or raise the row limit`,
    );
    this.name = 'RowLimitError';
  }
}

export interface StreamRowsOptions {
  /** Most rows to read; one more cancels the request with RowLimitError. 0 means no limit. */
  limit: number;
  /** Takes each row as it arrives; a throw cancels the request and rejects with that error. */
  onRow: (row: FluxRow) => void;
  /** When given, reading pauses (the HTTP response too) whenever a slice is over, for a turn of the event loop. */
  budget?: SliceBudget;
}

/**
 * Streams the rows of `query` to `onRow` as the response arrives; resolves with the number of rows once
 * the result is complete. Leaving the loop early (row limit, a throw) ends the iteration, which destroys
 * the response and so cancels the request.
 */
export async function streamRows(
  api: QueryApi,
  query: string | ParameterizedQuery,
  { limit, onRow, budget }: StreamRowsOptions,
): Promise<number> {
  let count = 0;
  // The client's iterator reads the response only as fast as this loop asks, so a pause here pauses the
  // HTTP response too. (Its observer API, queryRows, can pause as well, but a response that ends during a
  // pause then loses the rows not yet read: the rest of the buffer is emitted as one line.)
  for await (const { values, tableMeta } of api.iterateRows(query)) {
    if (limit > 0 && count >= limit) throw new RowLimitError(limit);
    count++;
    onRow(tableMeta.toObject(values));
    if (budget?.spend()) await budget.pause();
  }
  return count;
}

/** All rows (as `collectRows` gives them), or RowLimitError once there are more than `limit`; 0 means no limit. */
export async function collectRowsLimited(
  api: QueryApi,
  query: string | ParameterizedQuery,
  limit: number,
): Promise<FluxRow[]> {
  const rows: FluxRow[] = [];
  await streamRows(api, query, { limit, onRow: (row) => rows.push(row) });
  return rows;
}
