/** What the query handler gives the Flux engine for one query (re-exported by engine.ts). */
import type { Bucket, PointStore } from '../storage/types';

export interface FluxContext {
  /** ns; value of now() */
  now: bigint;
  orgID: string;
  points: PointStore;
  /** Finds a bucket the caller may read, by name (or by id when byId); undefined if missing OR not readable. */
  findBucket(ref: { name?: string; id?: string }): Bucket | undefined;
  /** Buckets the caller may read (for buckets()). */
  listBuckets(): Bucket[];
}
