/**
 * The first rows of a query for the editor's "Run" button: a preview, so the query is cancelled once the
 * limit is reached and the answer says it was cut (unlike collectRowsLimited, which fails a node's query).
 */
import type { ParameterizedQuery, QueryApi } from '@influxdata/influxdb-client';
import { assertNoFluxError, type FluxRow } from '../query';

export interface RowPreview {
  /** Column labels in order of first appearance across all tables. */
  columns: string[];
  /** One array per row, aligned with `columns`; null where a table lacks the column. */
  rows: unknown[][];
  /** True when the query had more rows than the limit. */
  truncated: boolean;
}

/** Rows up to `limit` (at least 1) in a column-aligned form; rejects with the client's error, or FluxResultError for an in-band error. */
export function firstRows(api: QueryApi, query: string | ParameterizedQuery, limit: number): Promise<RowPreview> {
  const max = Math.max(1, Math.floor(limit));
  return new Promise((resolve, reject) => {
    const objects: FluxRow[] = [];
    const columns: string[] = [];
    const known = new Set<string>();
    let settled = false;
    let cancel: (() => void) | undefined;
    const finish = (truncated: boolean): void => {
      if (settled) return;
      settled = true;
      try {
        assertNoFluxError(objects);
        resolve({ columns, rows: objects.map((row) => columns.map((c) => (c in row ? row[c] : null))), truncated });
      } catch (e) {
        reject(e);
      }
    };
    api.queryRows(query, {
      next(values, tableMeta) {
        if (settled) return;
        if (objects.length >= max) {
          finish(true);
          cancel?.();
          return;
        }
        for (const column of tableMeta.columns) {
          if (!known.has(column.label)) {
            known.add(column.label);
            columns.push(column.label);
          }
        }
        objects.push(tableMeta.toObject(values));
      },
      error(error) {
        if (settled) return;
        settled = true;
        reject(error);
      },
      complete() {
        finish(false);
      },
      useCancellable(cancellable) {
        cancel = () => cancellable.cancel();
      },
    });
  });
}
