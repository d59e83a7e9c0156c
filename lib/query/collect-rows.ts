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
 * the result is complete.
 */
export function streamRows(
  api: QueryApi,
  query: string | ParameterizedQuery,
  { limit, onRow, budget }: StreamRowsOptions,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    let settled = false;
    let cancel: (() => void) | undefined;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      reject(error);
      cancel?.();
    };
    api.queryRows(query, {
      next(values, tableMeta) {
        if (settled) return true;
        if (limit > 0 && count >= limit) {
          fail(new RowLimitError(limit));
          return true;
        }
        count++;
        try {
          onRow(tableMeta.toObject(values));
        } catch (e) {
          fail(e);
          return true;
        }
        // false pauses the client's reading until the resume function given to useResume is called.
        return !budget?.spend();
      },
      error(error) {
        fail(error);
      },
      complete() {
        if (settled) return;
        settled = true;
        resolve(count);
      },
      useCancellable(cancellable) {
        cancel = () => cancellable.cancel();
      },
      useResume(resume) {
        if (budget) budget.pauseThen(() => (settled ? undefined : resume()));
        else resume();
      },
    });
  });
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
