/**
 * `filter(fn, onEmpty="drop")`. After `from() |> range()` the filter joins the pending read, so its
 * predicate can narrow the storage read (pushdown.ts); it is always evaluated on every row anyway.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { floorDiv } from '../interpreter/time';
import { stream } from '../interpreter/values';
import { columnIndex } from '../table';
import { applyFilter } from './filter-rows';
import { readLocation, timeInLocation } from './timezone';
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

/**
 * `_hourSelection` under universe.flux's `hourSelection(start, stop, location=location, timeColumn="_time")`:
 * keeps rows whose hour on the location's clock is in [start, stop] (wrapping past midnight when start > stop);
 * rows with a null time go.
 */
export const hourSelection = builtin({
  name: '_hourSelection',
  params: ['tables', 'start', 'stop', 'location', 'timeColumn'],
  required: ['start', 'stop', 'location', 'timeColumn'],
  pipe: 'tables',
  run(args, site) {
    const start = args.int('start');
    const stop = args.int('stop');
    const location = readLocation(args.value('location'));
    const timeColumn = args.string('timeColumn');
    return stream(
      args.stream('tables').mapTables('hourSelection', site.loc, (table) => {
        const ti = columnIndex(table, timeColumn);
        if (ti < 0) throw new FluxError('invalid time column');
        if (start < 0n || start > 23n) throw new FluxError('start must be between 0 and 23');
        if (stop < 0n || stop > 23n) throw new FluxError('stop must be between 0 and 23');
        const rows = table.rows.filter((r) => {
          const t = r[ti];
          if (typeof t !== 'bigint') return false;
          const local = timeInLocation(t, location);
          const hour = floorDiv(local, NS_PER_HOUR) - floorDiv(local, NS_PER_DAY) * 24n;
          return (hour >= start && hour <= stop) || (start > stop && (hour >= start || hour <= stop));
        });
        return { ...table, rows };
      }),
    );
  },
});

const NS_PER_HOUR = 3_600_000_000_000n;
const NS_PER_DAY = 24n * NS_PER_HOUR;
