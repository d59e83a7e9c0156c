/**
 * `stateTracking`, the builtin under `stateCount` and `stateDuration` (FLUX stdlib/universe/state_tracking.go):
 * per row, how many consecutive rows (count) and how long (duration, in `durationUnit`) the predicate has held,
 * -1 on rows where it does not. The new int columns are appended after the table's own.
 */
import { rowRecord } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { isTrue } from '../interpreter/operators';
import { stream } from '../interpreter/values';
import type { Cell, Column } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { rowCaller } from './row-function';
import { fixedPositiveNanoseconds } from './units';

export const stateTracking = builtin({
  name: 'stateTracking',
  params: ['tables', 'fn', 'countColumn', 'durationColumn', 'durationUnit', 'timeColumn'],
  required: ['fn'],
  pipe: 'tables',
  run(args, site) {
    const predicate = rowCaller(args.fn('fn'), 'r', site);
    const countColumn = args.optString('countColumn');
    const durationColumn = args.optString('durationColumn');
    const unit = fixedPositiveNanoseconds(
      args.duration('durationUnit', { months: 0n, nanoseconds: 1_000_000_000n }),
      'state tracking duration unit',
    );
    const timeColumn = args.string('timeColumn', '_time');
    return stream(
      args.stream('tables').mapTables('stateTracking', site.loc, (t) => {
        const ti = t.columns.findIndex((c) => c.label === timeColumn);
        if (ti < 0) throw new FluxError(`column "${timeColumn}" does not exist`);
        const added: Column[] = [];
        if (countColumn !== undefined) added.push({ label: countColumn, type: 'long' });
        if (durationColumn !== undefined) added.push({ label: durationColumn, type: 'long' });
        // Flux appends the new columns even when one of that name exists; a table cannot hold that.
        for (const c of added)
          if (t.columns.some((d) => d.label === c.label))
            throw new FluxError(`column "${c.label}" already exists: the emulator cannot add it a second time`);
        if (durationColumn !== undefined && t.rows.some((r) => r[ti] === null))
          throw new FluxError('got a null timestamp');
        let count = -1n;
        let inCount = false;
        let duration = -1n;
        let inDuration = false;
        let start = 0n;
        let previous = 0n;
        const rows: Cell[][] = t.rows.map((r, i) => {
          const match = isTrue(predicate(rowRecord(t, i)), 'stateTracking fn result');
          const out = r.slice();
          if (durationColumn !== undefined) {
            const ts = r[ti] as bigint;
            if (previous > ts) throw new FluxError('got an out-of-order timestamp');
            previous = ts;
            if (!match) {
              inDuration = false;
              duration = -1n;
            } else if (!inDuration) {
              inDuration = true;
              start = ts;
              duration = 0n;
            } else duration = (ts - start) / unit;
          }
          if (countColumn !== undefined) {
            if (!match) {
              inCount = false;
              count = -1n;
            } else if (!inCount) {
              inCount = true;
              count = 1n;
            } else count++;
            out.push(count);
          }
          if (durationColumn !== undefined) out.push(duration);
          return out;
        });
        return makeTable([...t.columns, ...added], t.keyColumns, rows, keyMap(t));
      }),
    );
  },
});
