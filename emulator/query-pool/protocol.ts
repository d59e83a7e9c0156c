/**
 * What the main thread and a query worker say to each other. Everything is plain data (structured
 * clone): the worker never sees tokens or the metadata store, only what the main thread decided the
 * caller may read.
 */
import type { Dialect } from '../flux/csv/dialect';
import type { ErrorCode } from '../errors';
import type { Bucket, Point } from '../storage/types';

/** One query as a worker runs it. */
export interface WorkerJob {
  id: number;
  source: string;
  orgID: string;
  /** ns since the epoch: the value of now(). */
  now: bigint;
  /** Every bucket the caller may read, of any org: from(bucketID:) reaches all of them, from(bucket:) the org's. */
  readable: Bucket[];
  /** Absent: no CSV is wanted (task runs, `Prefer: return-no-content`), only the outcome. */
  dialect?: Dialect;
  /** Bytes the query's tables may take; 0 = unlimited. */
  memoryLimitBytes: number;
  /** Without a dialect: whether an error after the first result is reported (see evaluate.ts). */
  keepLateErrors?: boolean;
}

export interface PlainError {
  code: ErrorCode;
  message: string;
}

export type ToWorker = { type: 'run'; job: WorkerJob };

export type FromWorker =
  | { type: 'ready' }
  /**
   * CSV of the job as UTF-8, in order (its buffer is transferred, not copied); the first one commits
   * the response to status 200.
   */
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'done'; id: number; error?: PlainError };

/** `to()` inside a worker asks the main thread (the one writer) synchronously, over its own port. */
export type WriteCall =
  | { type: 'resolve'; id: number; ref: { name?: string; id?: string; org?: string; orgID?: string } }
  | { type: 'write'; id: number; bucketID: string; points: Point[] };

export type WriteAnswer =
  | { type: 'resolved'; bucket: Bucket }
  | { type: 'refused'; refusal: 'not found' | 'forbidden' }
  | { type: 'written' }
  | { type: 'failed'; error: PlainError };

/** What a worker gets at start. */
export interface WorkerInit {
  databaseFile: string;
  /** Int32Array(1) over it: the main thread sets 1 and notifies once a WriteAnswer is on the port. */
  signal: SharedArrayBuffer;
  /**
   * Int32Array(1) over it: chunks of the current job the HTTP response has taken, counted up (and
   * notified) by the main thread, reset to 0 before each job. The worker stays at most
   * CHUNKS_IN_FLIGHT chunks ahead: backpressure from the client back to the evaluation.
   */
  flow: SharedArrayBuffer;
}

/** With 64 KiB chunks: at most about 0.5 MiB of one query's CSV waits between worker and socket. */
export const CHUNKS_IN_FLIGHT = 8;
