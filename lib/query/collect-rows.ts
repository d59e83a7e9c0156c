/**
 * Rows of a query as objects, with a ceiling: a query that would flood a flow (a month of raw points into a
 * chart) is cancelled as soon as it passes the limit instead of being read into memory first.
 */
import type { ParameterizedQuery, QueryApi } from '@influxdata/influxdb-client';
import type { FluxRow } from './shape';

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

/** All rows (as `collectRows` gives them), or RowLimitError once there are more than `limit`; 0 means no limit. */
export function collectRowsLimited(
  api: QueryApi,
  query: string | ParameterizedQuery,
  limit: number,
): Promise<FluxRow[]> {
  return new Promise((resolve, reject) => {
    const rows: FluxRow[] = [];
    let settled = false;
    let cancel: (() => void) | undefined;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      finish();
    };
    api.queryRows(query, {
      next(values, tableMeta) {
        if (settled) return;
        if (limit > 0 && rows.length >= limit) {
          settle(() => reject(new RowLimitError(limit)));
          cancel?.();
          return;
        }
        rows.push(tableMeta.toObject(values));
      },
      error(error) {
        settle(() => reject(error));
      },
      complete() {
        settle(() => resolve(rows));
      },
      useCancellable(cancellable) {
        cancel = () => cancellable.cancel();
      },
    });
  });
}
