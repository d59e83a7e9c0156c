/**
 * What a Flux script may see and change, for one caller: buckets they may read exist for `from()`
 * (OSS query/dependency.go via the authorizer), buckets they may write take `to()` (reference 1.2).
 * Shared by `/api/v2/query` and task runs.
 */
import type { Caller } from '../auth/caller';
import { bucketPermission, can, canReadBucket } from '../auth/authorizer';
import { ApiError } from '../errors';
import type { FluxContext, WritableBucket, WriteRefusal } from '../flux/context';
import type { EmulatorState } from '../state';
import type { Bucket, Point } from '../storage/types';
import { bucketByName, orgByName } from './lookup';

/** The part of the emulator's state a Flux script reaches. */
export type FluxStores = Pick<EmulatorState, 'meta' | 'points' | 'nowNs'>;

/** The `to()` resolver of one caller: a writable bucket, or why not. */
export type CallerWriter = (ref: {
  name?: string;
  id?: string;
  org?: string;
  orgID?: string;
}) => WritableBucket | WriteRefusal;

export function callerFluxContext(state: FluxStores, caller: Caller, orgID: string, now: bigint): FluxContext {
  const { meta, points } = state;
  const readable = (b: Bucket | undefined) => (b && canReadBucket(caller, b) ? b : undefined);
  return {
    now,
    orgID,
    points,
    findBucket: (ref) => {
      if (ref.id !== undefined) return readable(meta.buckets.get(ref.id));
      if (ref.name !== undefined) return readable(bucketByName(meta, orgID, ref.name));
      return undefined;
    },
    listBuckets: () => meta.buckets.list().filter((b) => b.orgID === orgID && canReadBucket(caller, b)),
    writeBucket: callerWriter(state, caller, orgID),
  };
}

/** Every bucket of any org the caller may read: what a query worker may see. */
export function readableBuckets(state: FluxStores, caller: Caller): Bucket[] {
  return state.meta.buckets.list().filter((b) => canReadBucket(caller, b));
}

/**
 * `to()` targets for one caller, resolved where the one writer is: a bucket of the org named by
 * `org`/`orgID` (else the query's), writable only with the caller's write permission.
 */
export function callerWriter(state: FluxStores, caller: Caller, orgID: string): CallerWriter {
  const { meta } = state;
  return (ref) => {
    const targetOrg =
      ref.orgID !== undefined
        ? meta.orgs.get(ref.orgID)?.id
        : ref.org !== undefined
          ? orgByName(meta, ref.org)?.id
          : orgID;
    if (targetOrg === undefined) return 'not found';
    const bucket =
      ref.id !== undefined
        ? meta.buckets.get(ref.id)
        : ref.name !== undefined
          ? bucketByName(meta, targetOrg, ref.name)
          : undefined;
    if (!bucket || bucket.orgID !== targetOrg) return 'not found';
    if (!can(caller, bucketPermission('write', bucket))) return 'forbidden';
    return { bucket, write: (batch) => writePoints(state, bucket, batch) };
  };
}

function writePoints(state: FluxStores, bucket: Bucket, batch: Point[]): void {
  const outcome = state.points.write(bucket.id, batch, bucket.retentionSeconds, state.nowNs());
  const conflict = outcome.typeConflicts[0];
  if (conflict) {
    throw new ApiError(
      'invalid',
      `to(): field type conflict: field "${conflict.field}" of "${conflict.measurement}" is ${conflict.existing}, got ${conflict.type}`,
    );
  }
}
