/**
 * `csv.from(csv:, mode:)` (import "csv"): annotated CSV text as a table stream, every result's tables; with
 * `mode: "raw"`, CSV without annotations as one table of string columns.
 */
import { decodeAnnotatedCsv } from '../csv/decode';
import { decodeRawCsv } from '../csv/decode-raw';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import { TableStream } from '../stream';

export const csvFrom = builtin({
  name: 'csv.from',
  params: ['csv', 'file', 'mode'],
  run(args) {
    if (args.has('file')) throw new FluxError('csv.from(file:) is not supported by the emulator; pass the text as csv');
    const text = args.string('csv');
    // Flux reads any mode but "raw" as "annotations" (stdlib/csv/from.go).
    const mode = args.string('mode', 'annotations');
    // Decoded now, so malformed CSV is an error of the call, before any result.
    const tables = mode === 'raw' ? decodeRawCsv(text) : decodeAnnotatedCsv(text).flatMap((r) => r.tables);
    return stream(new TableStream(() => ({ tables })));
  },
});
