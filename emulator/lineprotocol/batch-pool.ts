/**
 * Batches handed out to write requests and taken back once the store has written them, so that each
 * body parses into typed arrays already grown by the ones before instead of allocating its own.
 */
import { PointBatch } from '../storage/point-batch';

/** Batches kept for reuse: a write parses and stores without awaiting, so one is mostly enough. */
const MAX_KEPT = 2;
/** A batch grown past this many points or fields (a rare huge body, 13 MB or more of arrays) is not kept. */
const MAX_KEPT_CAPACITY = 1 << 20;

export class PointBatchPool {
  private readonly free: PointBatch[] = [];

  /** An empty batch that no one else holds until it is released. */
  acquire(): PointBatch {
    return this.free.pop() ?? new PointBatch();
  }

  /** Takes back a batch its holder no longer reads; it is emptied (it keeps no strings of its body). */
  release(batch: PointBatch): void {
    if (this.free.includes(batch)) throw new Error('PointBatchPool: a batch was released twice');
    batch.clear();
    if (this.free.length < MAX_KEPT && batch.capacity <= MAX_KEPT_CAPACITY) this.free.push(batch);
  }
}
