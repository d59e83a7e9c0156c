/**
 * `range(start, stop=now())`: on a pending storage read it becomes the read's time bounds (push-down);
 * on other tables it filters rows by `_time` and sets `_start`/`_stop`. Relative durations are resolved
 * against `now` when the data is computed, after every `option now` of the script has run.
 */
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { Value } from '../interpreter/values';
import { stream, typeName } from '../interpreter/values';
import type { Bounds } from '../stream';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable } from '../tables/build';
import { resolveRange } from './bounds';
import { pendingStream } from './storage-read';

export const range = builtin({
  name: 'range',
  params: ['tables', 'start', 'stop', 'timeColumn', 'startColumn', 'stopColumn'],
  required: ['start'],
  pipe: 'tables',
  run(args, site) {
    const input = args.stream('tables');
    const start = args.value('start');
    const stop: Value | undefined = args.optional('stop');
    const timeColumn = args.string('timeColumn', '_time');
    const startColumn = args.string('startColumn', '_start');
    const stopColumn = args.string('stopColumn', '_stop');
    checkBound(start, 'start');
    if (stop) checkBound(stop, 'stop');
    const runtime = site.runtime;
    const pending = input.pendingRead;
    const defaultColumns = timeColumn === '_time' && startColumn === '_start' && stopColumn === '_stop';
    if (pending && !pending.range && defaultColumns) {
      return stream(pendingStream({ ...pending, range: { start, stop, loc: site.loc } }, runtime));
    }
    return stream(
      input.derive('range', site.loc, (data) => {
        const requested = resolveRange(start, stop, runtime.now());
        const bounds = data.bounds ? intersectBounds(data.bounds, requested) : requested;
        return {
          tables: data.tables.map((t) => rangeTable(t, bounds, timeColumn, startColumn, stopColumn)),
          bounds,
        };
      }),
    );
  },
});

function checkBound(v: Value, name: string): void {
  if (v.type !== 'time' && v.type !== 'duration' && v.type !== 'int') {
    throw new FluxError(`argument ${name} must be a time, a duration or an int (unix seconds), got ${typeName(v)}`);
  }
}

function intersectBounds(a: Bounds, b: Bounds): Bounds {
  return { start: a.start > b.start ? a.start : b.start, stop: a.stop < b.stop ? a.stop : b.stop };
}

function rangeTable(table: Table, bounds: Bounds, timeColumn: string, startColumn: string, stopColumn: string): Table {
  const ti = table.columns.findIndex((c) => c.label === timeColumn);
  if (ti < 0) throw new FluxError(`missing time column "${timeColumn}"`);
  let columns: Column[] = table.columns;
  let rows = table.rows.filter((r) => {
    const t = r[ti];
    return typeof t === 'bigint' && t >= bounds.start && t < bounds.stop;
  });
  let si = columns.findIndex((c) => c.label === startColumn);
  let pi = columns.findIndex((c) => c.label === stopColumn);
  // Missing bound columns are added in front, as the storage reader lays them out.
  const missing: Column[] = [];
  if (si < 0) missing.push({ label: startColumn, type: 'dateTime:RFC3339' });
  if (pi < 0) missing.push({ label: stopColumn, type: 'dateTime:RFC3339' });
  if (missing.length > 0) {
    columns = [...missing, ...columns];
    rows = rows.map((r) => [...missing.map((): Cell => null), ...r]);
    si = columns.findIndex((c) => c.label === startColumn);
    pi = columns.findIndex((c) => c.label === stopColumn);
  }
  rows = rows.map((r) => {
    const copy = r.slice();
    copy[si] = bounds.start;
    copy[pi] = bounds.stop;
    return copy;
  });
  const key = keyMap(table);
  key.set(startColumn, bounds.start);
  key.set(stopColumn, bounds.stop);
  return makeTable(columns, key.keys(), rows, key);
}
