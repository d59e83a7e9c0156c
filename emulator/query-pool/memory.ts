/**
 * The per-query memory limit (OSS query/control/memory.go, flux memory/allocator.go). Flux counts the
 * bytes of the Arrow buffers a query allocates; the emulator's engine has no allocator to hook, so it
 * counts what the query's results hold, as Arrow would lay them out, table by table, and fails the
 * query with Flux's own error once that passes the limit. It is an estimate of the result, not of
 * every intermediate table; each table is charged before its CSV is encoded, so a result over the
 * limit stops there instead of being encoded whole. A table of a result pulled one table (or row block)
 * at a time is held only while it is encoded, so it counts only then: a streamed answer is refused only
 * by a table it would hold at once, as Flux frees the buffers of a table once it has been written.
 */
import { ApiError } from '../errors';
import type { Column, Table } from '../flux/table';

/** Arrow: 8-byte values for numbers and times, 1 byte per boolean here, strings' bytes plus a 4-byte offset. */
function cellBytes(column: Column, cell: unknown): number {
  switch (column.type) {
    case 'string':
      return 4 + (typeof cell === 'string' ? Buffer.byteLength(cell) : 0);
    case 'boolean':
      return 1;
    default:
      return 8;
  }
}

export function tableBytes(table: Table): number {
  let total = 0;
  for (const row of table.rows) {
    table.columns.forEach((column, j) => {
      total += cellBytes(column, row[j]);
    });
  }
  return total;
}

/**
 * Counts results against the limit; throws Flux's `LimitExceededError` (codes.ResourceExhausted, which
 * OSS answers as 400 `invalid`) at the first table that does not fit.
 */
export class MemoryAccount {
  private allocated = 0;

  constructor(private readonly limit: number) {}

  /** Charges a table of a result; one `pulled` (see StreamedResult) is released once it is encoded. */
  charge(table: Table, pulled?: boolean): void {
    if (this.limit <= 0) return;
    const wanted = tableBytes(table);
    if (this.allocated + wanted > this.limit) throw memoryLimitError(this.limit, this.allocated, wanted);
    if (!pulled) this.allocated += wanted;
  }
}

export function memoryLimitError(limit: number, allocated: number, wanted: number): ApiError {
  return new ApiError(
    'invalid',
    `memory allocation limit reached: limit ${limit} bytes, allocated: ${allocated}, wanted: ${wanted}`,
  );
}
