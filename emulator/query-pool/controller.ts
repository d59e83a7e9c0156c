/**
 * The query controller (OSS query/control/controller.go): at most `concurrency` queries execute at
 * once, up to `queueSize` more wait in order, and one beyond a full queue is refused with
 * `queue length exceeded` (codes.ResourceExhausted, which OSS answers as 400 `invalid`). Task runs go
 * through it too, as in OSS. A query whose client went away leaves the queue or is cancelled.
 */
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../errors';
import type { QueryLimits } from './limits';
import { canceledError } from './pool';
import type { CsvSink, QueryExecutor, QuerySpec } from './types';

export interface QueryStats {
  /** Queries admitted and executing (evaluating, or waiting for a worker thread). */
  running: number;
  /** Queries waiting in the controller's queue. */
  queued: number;
  workers: number;
  /** Worker threads evaluating a query. */
  busy: number;
}

export class QueryController {
  private running = 0;
  private readonly queue: { admit(): void }[] = [];

  constructor(
    private readonly limits: QueryLimits,
    private readonly executor: QueryExecutor,
  ) {}

  /**
   * Runs one query, emitting its CSV; resolves with the error its response must carry. Rejects with
   * `queue length exceeded` when refused.
   */
  async run(spec: QuerySpec, emit: CsvSink, signal?: AbortSignal): Promise<ApiError | undefined> {
    if (!(await this.admit(signal))) return canceledError();
    try {
      const memoryLimitBytes = Number.isFinite(this.limits.perQueryBytes) ? this.limits.perQueryBytes : 0;
      return await this.executor.execute({ ...spec, memoryLimitBytes }, emit, signal);
    } finally {
      this.release();
    }
  }

  stats(): QueryStats {
    const { workers, busy } = this.executor.stats();
    return { running: this.running, queued: this.queue.length, workers, busy };
  }

  /** The live worker threads, for tests that end one from outside as a crash would. */
  threads(): Worker[] {
    return this.executor.threads();
  }

  close(): Promise<void> {
    return this.executor.close();
  }

  /** Resolves true once the query may execute, false if its client went away while it waited. */
  private admit(signal: AbortSignal | undefined): Promise<boolean> {
    const { concurrency, queueSize } = this.limits;
    if (concurrency === 0 || this.running < concurrency) {
      this.running++;
      return Promise.resolve(true);
    }
    if (this.queue.length >= queueSize) return Promise.reject(new ApiError('invalid', 'queue length exceeded'));
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.queue.indexOf(entry);
        if (index >= 0) this.queue.splice(index, 1);
        resolve(false);
      };
      const entry = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          resolve(true);
        },
      };
      if (signal?.aborted) return resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.admit();
  }
}
