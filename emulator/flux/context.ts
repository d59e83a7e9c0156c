/** What the query handler gives the Flux engine for one query (re-exported by engine.ts). */
import type { Bucket, Point, PointStore } from '../storage/types';

/** A bucket the caller may write to, as `to()` sees it. */
export interface WritableBucket {
  bucket: Bucket;
  /** Writes in one transaction; throws on a field type conflict. */
  write(points: Point[]): void;
}

export type WriteRefusal = 'not found' | 'forbidden';

export interface FluxContext {
  /** ns; value of now() */
  now: bigint;
  orgID: string;
  points: PointStore;
  /** Finds a bucket the caller may read, by name (or by id when byId); undefined if missing OR not readable. */
  findBucket(ref: { name?: string; id?: string }): Bucket | undefined;
  /**
   * false: every transformation runs in the engine, none is pushed down to storage (only the series
   * narrowing of filters is). The tests compare both ways; default true.
   */
  pushDown?: boolean;
  /** Buckets the caller may read (for buckets()). */
  listBuckets(): Bucket[];
  /**
   * A bucket of the org (named by `org`/`orgID` when given, else the query's) for `to()`: 'not found' when the
   * org or bucket does not exist, 'forbidden' when the caller may not write it. Absent: the context cannot write.
   */
  writeBucket?(ref: { name?: string; id?: string; org?: string; orgID?: string }): WritableBucket | WriteRefusal;
}
