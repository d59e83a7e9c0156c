/**
 * The `generate` package (FLUX stdlib/generate/from.go): `generate.from(start, stop, count, fn)` makes one table
 * keyed by `_start`/`_stop` with `count` rows, `_time` stepping from `start` by (stop - start) / count and
 * `_value = fn(n)` for n = 0, 1, ... count - 1. Relative bounds resolve against `now`, as range's do.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { FluxFunction } from '../interpreter/values';
import { int, stream, typeName } from '../interpreter/values';
import { TableStream } from '../stream';
import type { Cell, Column } from '../table';
import { makeTable } from '../tables/build';
import { resolveRange } from './bounds';
import { rowCaller } from './row-function';

const COLUMNS: Column[] = [
  { label: '_start', type: 'dateTime:RFC3339' },
  { label: '_stop', type: 'dateTime:RFC3339' },
  { label: '_time', type: 'dateTime:RFC3339' },
  { label: '_value', type: 'long' },
];

const from = builtin({
  name: 'generate.from',
  params: ['start', 'stop', 'count', 'fn'],
  required: ['start', 'stop', 'count', 'fn'],
  run(args, site) {
    const count = args.int('count');
    // Flux divides by count (a Go panic at zero); a negative count makes no rows there.
    if (count <= 0n) throw new FluxError(`generate.from: count must be positive, got ${count}`);
    const bounds = [args.value('start'), args.value('stop')] as const;
    const call = rowCaller(args.fn('fn'), 'n', site);
    return stream(
      new TableStream(() => {
        // Resolved when the data is made, after every `option now` of the script, as range does.
        const { start, stop } = resolveRange(bounds[0], bounds[1], site.runtime.now());
        const step = (stop - start) / count;
        const rows: Cell[][] = [];
        for (let n = 0n; n < count; n++) {
          const value = call(int(n));
          if (value.type !== 'int') throw new FluxError(`generate.from: fn must return an int, got ${typeName(value)}`);
          rows.push([start, stop, start + n * step, value.value]);
        }
        const key = new Map<string, Cell>([
          ['_start', start],
          ['_stop', stop],
        ]);
        return { tables: [makeTable(COLUMNS, ['_start', '_stop'], rows, key)] };
      }),
    );
  },
});

export const GENERATE: Record<string, FluxFunction> = { from };
