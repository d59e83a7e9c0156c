/**
 * `filter(fn, onEmpty="drop")`. After `from() |> range()` the filter joins the pending read, so its
 * predicate can narrow the storage read (pushdown.ts); it is always evaluated on every row anyway.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import { applyFilter } from './filter-rows';
import { pendingStream } from './storage-read';

export const filter = builtin({
  name: 'filter',
  params: ['tables', 'fn', 'onEmpty'],
  required: ['fn'],
  pipe: 'tables',
  run(args, site) {
    const input = args.stream('tables');
    const fn = args.fn('fn');
    const onEmpty = args.string('onEmpty', 'drop');
    if (onEmpty !== 'drop' && onEmpty !== 'keep')
      throw new FluxError(`onEmpty must be "drop" or "keep", got "${onEmpty}"`);
    const pending = input.pendingRead;
    if (pending) {
      return stream(
        pendingStream({ ...pending, filters: [...pending.filters, { fn, onEmpty, loc: site.loc }] }, site.runtime),
      );
    }
    return stream(
      input.derive('filter', site.loc, (data) => ({
        tables: applyFilter(data.tables, fn, onEmpty, site),
        bounds: data.bounds,
      })),
    );
  },
});
