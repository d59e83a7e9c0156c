/** Shapes shared by the query service's parts. */
import type { Caller } from '../auth/caller';
import type { Worker } from 'node:worker_threads';
import type { ApiError } from '../errors';
import type { Dialect } from '../flux/csv/dialect';

export type { CallerWriter } from '../handlers/flux-context';

/** One query as the HTTP handler and the task runner ask for it. */
export interface QuerySpec {
  source: string;
  orgID: string;
  /** ns since the epoch. */
  now: bigint;
  caller: Caller;
  /** Absent: only the outcome is wanted, no CSV. */
  dialect?: Dialect;
  /** Without a dialect: whether an error after the first result is reported (see evaluate.ts). */
  keepLateErrors?: boolean;
}

/**
 * Receives a query's CSV piece by piece: text in-process, UTF-8 from a worker. `taken`, when given,
 * is to be called once the response has the piece (the worker waits for room, see protocol.ts).
 */
export type CsvSink = (chunk: string | Uint8Array, taken?: () => void) => void;

/** Runs admitted queries: in worker threads, or in-process for an in-memory database. */
export interface QueryExecutor {
  execute(
    spec: QuerySpec & { memoryLimitBytes: number },
    emit: CsvSink,
    signal?: AbortSignal,
  ): Promise<ApiError | undefined>;
  stats(): { workers: number; busy: number; waiting: number };
  /** The live worker threads (none in-process), for tests that end one from outside as a crash would. */
  threads(): Worker[];
  close(): Promise<void>;
}
