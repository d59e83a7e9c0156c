/**
 * `experimental.to()` (= `influxdb.wideTo()`, FLUX stdlib/influxdata/influxdb/wide_to.go): writes pivoted rows.
 * `_measurement` must be in the group key; the other group-key columns (strings) are tags, `_start`/`_stop`
 * aside; every other column but `_time` is a field. Null and non-finite values are no field, a row without
 * fields is no point, and the input passes through unchanged. monitor.check and monitor.notify write with it.
 */
import type { FieldValue, Point } from '../../storage/types';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import type { Table } from '../table';
import { writeTarget } from './to';

const NOT_WRITTEN = new Set(['_start', '_stop', '_measurement', '_time']);

export const wideTo = builtin({
  name: 'to',
  params: ['tables', 'bucket', 'bucketID', 'org', 'orgID', 'host', 'token'],
  pipe: 'tables',
  run(args, site) {
    const input = args.stream('tables');
    const target = writeTarget(args, site, 'experimental.to()');
    return stream(
      input.derive('experimental.to', site.loc, (data) => {
        const points = data.tables.flatMap(widePoints);
        if (points.length > 0) target.write(points);
        return data;
      }),
    );
  },
});

function widePoints(table: Table): Point[] {
  let measurement: string | undefined;
  const tags: [string, string][] = [];
  table.keyColumns.forEach((label, k) => {
    if (label === '_start' || label === '_stop') return;
    if (label === '_field')
      throw new FluxError(`found column "_field" in the group key; experimental.to() expects pivoted data`);
    const type = table.columns.find((c) => c.label === label)?.type;
    if (type !== 'string')
      throw new FluxError(`group key column "${label}" has type ${String(type)}; type string is required`);
    const value = table.keyValues[k];
    if (label === '_measurement') measurement = typeof value === 'string' ? value : '';
    else if (typeof value === 'string' && value !== '') tags.push([label, value]);
  });
  if (measurement === undefined) throw new FluxError('required column "_measurement" not in group key');
  if (measurement === '') throw new FluxError('experimental.to(): column "_measurement" must be a non-empty string');
  tags.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const timeAt = table.columns.findIndex((c) => c.label === '_time');
  if (timeAt < 0) throw new FluxError('input table is missing required column "_time"');
  if (table.columns[timeAt].type !== 'dateTime:RFC3339')
    throw new FluxError(`column "_time" has type ${table.columns[timeAt].type}; type time is required`);
  const fields = table.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !NOT_WRITTEN.has(c.label) && !table.keyColumns.includes(c.label));
  const points: Point[] = [];
  for (const row of table.rows) {
    const time = row[timeAt];
    if (typeof time !== 'bigint') throw new FluxError('experimental.to(): column "_time" must be a non-null time');
    const values = new Map<string, FieldValue>();
    for (const { c, i } of fields) {
      const value = row[i];
      if (value === null || (typeof value === 'number' && !Number.isFinite(value))) continue;
      if (c.type === 'dateTime:RFC3339')
        throw new FluxError(`experimental.to(): column "${c.label}" is a time, which is not a field type`);
      values.set(c.label, { type: c.type, value });
    }
    if (values.size > 0) points.push({ measurement, tags, fields: values, time });
  }
  return points;
}
