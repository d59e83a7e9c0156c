/** `csv.from(csv:)` (import "csv"): annotated CSV text as a table stream, every result's tables. */
import { decodeAnnotatedCsv } from '../csv/decode';
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
    const mode = args.string('mode', 'annotations');
    if (mode !== 'annotations') throw new FluxError(`csv.from mode "${mode}" is not supported by the emulator`);
    // Decoded now, so malformed CSV is an error of the call, before any result.
    const tables = decodeAnnotatedCsv(text).flatMap((r) => r.tables);
    return stream(new TableStream(() => ({ tables })));
  },
});
