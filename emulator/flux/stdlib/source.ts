/**
 * Data sources: `from()` over the point store, `buckets()`. `from()` returns a pending read that
 * `range()` bounds and `filter()` narrows (push-down); storage is read when a result needs the data.
 */
import type { Bucket } from '../../storage/types';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { stream } from '../interpreter/values';
import { TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { makeTable } from '../tables/build';
import { pendingStream } from './storage-read';

export const from = builtin({
  name: 'from',
  params: ['bucket', 'bucketID', 'org', 'orgID', 'host', 'token'],
  run(args, site) {
    if (args.has('host') || args.has('token'))
      throw new FluxError('reading from another host is not supported by the emulator');
    const name = args.optString('bucket');
    const id = args.optString('bucketID');
    if (name === undefined && id === undefined) throw new FluxError('must specify one of bucket or bucketID');
    if (name !== undefined && id !== undefined) throw new FluxError('must specify only one of bucket or bucketID');
    const bucket = site.runtime.context.findBucket(name !== undefined ? { name } : { id });
    if (!bucket) throw new FluxError(`could not find bucket "${name ?? id}"`, 'not found');
    return stream(pendingStream({ bucket, filters: [] }, site.runtime));
  },
});

export const buckets = builtin({
  name: 'buckets',
  params: ['org', 'orgID', 'host', 'token'],
  run(args, site) {
    if (args.has('host') || args.has('token'))
      throw new FluxError('listing buckets of another host is not supported by the emulator');
    const list = site.runtime.context.listBuckets();
    return stream(new TableStream(() => ({ tables: [bucketsTable(list)] })));
  },
});

function bucketsTable(list: Bucket[]): Table {
  const columns: Column[] = [
    { label: 'name', type: 'string' },
    { label: 'id', type: 'string' },
    { label: 'organizationID', type: 'string' },
    { label: 'retentionPolicy', type: 'string' },
    { label: 'retentionPeriod', type: 'long' },
  ];
  const rows = list.map((b): Cell[] => [b.name, b.id, b.orgID, '', BigInt(b.retentionSeconds) * 1_000_000_000n]);
  return makeTable(columns, [], rows);
}
