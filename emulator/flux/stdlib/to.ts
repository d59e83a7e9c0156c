/**
 * `to(bucket | bucketID, org | orgID, timeColumn, measurementColumn, tagColumns)`: writes every row of
 * its input as a point and passes the input through unchanged. The write happens when the stream is
 * computed, i.e. when a yield (explicit or implicit) needs it.
 */
import type { FieldType, FieldValue, Point } from '../../storage/types';
import { FluxError } from '../interpreter/errors';
import type { Args } from '../interpreter/functions';
import { builtin } from '../interpreter/functions';
import type { CallSite } from '../interpreter/values';
import { stream } from '../interpreter/values';
import type { WritableBucket } from '../context';
import type { Cell, Table } from '../table';

/** Columns that are never tags (Flux `to()`'s default tagColumns excludes them). */
const NOT_TAGS = new Set(['_start', '_stop', '_time', '_measurement', '_field', '_value']);

export const to = builtin({
  name: 'to',
  params: [
    'tables',
    'bucket',
    'bucketID',
    'org',
    'orgID',
    'host',
    'token',
    'timeColumn',
    'measurementColumn',
    'tagColumns',
    'fieldFn',
  ],
  pipe: 'tables',
  run(args, site) {
    const input = args.stream('tables');
    if (args.has('fieldFn'))
      throw new FluxError('unsupported function "to" with fieldFn: the emulator writes _field/_value rows only');
    const target = writeTarget(args, site, 'to()');
    const columns: WriteColumns = {
      time: args.string('timeColumn', '_time'),
      measurement: args.string('measurementColumn', '_measurement'),
      tags: args.has('tagColumns') ? args.stringArray('tagColumns') : undefined,
    };
    return stream(
      input.derive('to', site.loc, (data) => {
        const points = data.tables.flatMap((t) => tablePoints(t, columns));
        if (points.length > 0) target.write(points);
        return data;
      }),
    );
  },
});

/**
 * The bucket that `to()` and `experimental.to()` write to, from their bucket/bucketID/org/orgID/host/token
 * arguments; `caller` names the function in the errors.
 */
export function writeTarget(args: Args, site: CallSite, caller: string): WritableBucket {
  if (args.has('host') || args.has('token'))
    throw new FluxError('writing to another host is not supported by the emulator');
  const name = args.optString('bucket');
  const id = args.optString('bucketID');
  if (name === undefined && id === undefined) throw new FluxError('must specify one of bucket or bucketID');
  if (name !== undefined && id !== undefined) throw new FluxError('must specify only one of bucket or bucketID');
  const org = args.optString('org');
  const orgID = args.optString('orgID');
  if (org !== undefined && orgID !== undefined) throw new FluxError('must specify only one of org or orgID');
  const writer = site.runtime.context.writeBucket;
  if (!writer) throw new FluxError(`${caller}: this query cannot write (no write access is available)`, 'forbidden');
  const target = writer({
    ...(name !== undefined ? { name } : { id }),
    ...(org !== undefined ? { org } : {}),
    ...(orgID !== undefined ? { orgID } : {}),
  });
  const shown = name ?? id ?? '';
  if (target === 'not found') throw new FluxError(`${caller}: could not find bucket "${shown}"`, 'not found');
  if (target === 'forbidden')
    throw new FluxError(`${caller}: insufficient permissions for write to bucket "${shown}"`, 'forbidden');
  return target;
}

interface WriteColumns {
  time: string;
  measurement: string;
  /** Explicit tag columns; undefined = every string column that is not reserved. */
  tags: string[] | undefined;
}

function tablePoints(table: Table, columns: WriteColumns): Point[] {
  const index = (label: string) => table.columns.findIndex((c) => c.label === label);
  const timeAt = index(columns.time);
  const measurementAt = index(columns.measurement);
  const fieldAt = index('_field');
  const valueAt = index('_value');
  if (timeAt < 0) throw new FluxError(`to(): input table is missing the time column "${columns.time}"`);
  if (measurementAt < 0)
    throw new FluxError(`to(): input table is missing the measurement column "${columns.measurement}"`);
  if (fieldAt < 0 || valueAt < 0) throw new FluxError('to(): input table needs _field and _value columns');
  const valueType = table.columns[valueAt]?.type;
  if (valueType === undefined || valueType === 'dateTime:RFC3339')
    throw new FluxError('to(): _value must be a string, number or boolean column, not a time');
  const fieldType: FieldType = valueType;
  const tagIndexes = table.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) =>
      columns.tags !== undefined
        ? columns.tags.includes(c.label)
        : c.type === 'string' && !NOT_TAGS.has(c.label) && c.label !== columns.measurement,
    )
    .map(({ c, i }) => ({ key: c.label, i }));

  const byKey = new Map<string, Point>();
  const points: Point[] = [];
  for (const row of table.rows) {
    const value = row[valueAt] ?? null;
    // A null value is no field at all (aggregateWindow's empty windows), as in Flux.
    if (value === null) continue;
    const time = row[timeAt];
    const measurement = row[measurementAt];
    const field = row[fieldAt];
    if (typeof time !== 'bigint') throw new FluxError(`to(): column "${columns.time}" must be a non-null time`);
    if (typeof measurement !== 'string' || measurement === '')
      throw new FluxError(`to(): column "${columns.measurement}" must be a non-empty string`);
    if (typeof field !== 'string' || field === '')
      throw new FluxError('to(): column _field must be a non-empty string');
    const tags = tagsOf(row, tagIndexes);
    const key = JSON.stringify([measurement, tags, time.toString()]);
    let point = byKey.get(key);
    if (!point) {
      point = { measurement, tags, fields: new Map<string, FieldValue>(), time };
      byKey.set(key, point);
      points.push(point);
    }
    point.fields.set(field, { type: fieldType, value });
  }
  return points;
}

function tagsOf(row: Cell[], tagIndexes: { key: string; i: number }[]): [string, string][] {
  const tags: [string, string][] = [];
  for (const { key, i } of tagIndexes) {
    const v = row[i];
    // Empty tag values are not written (line protocol has no empty tags).
    if (typeof v === 'string' && v !== '') tags.push([key, v]);
  }
  return tags.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
