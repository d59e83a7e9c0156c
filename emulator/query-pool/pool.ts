/**
 * A pool of query worker threads over one database file. Jobs wait in FIFO order for an idle worker;
 * a worker is started when a job needs one (up to `size`), so an emulator that is never queried
 * starts none. A worker whose job is cancelled is terminated (it may be deep in a synchronous
 * evaluation, so asking it to stop would not be heard) and replaced; a worker that dies on its own
 * answers its job with InfluxDB's internal error (or, past its heap limit, a memory-limit error) and is
 * replaced too.
 */
import { MessageChannel, type MessagePort, type ResourceLimits, Worker } from 'node:worker_threads';
import { ApiError } from '../errors';
import type { WritableBucket } from '../flux/context';
import { INTERNAL_ERROR_MESSAGE } from '../http/messages';
import type { FromWorker, ToWorker, WorkerJob, WriteAnswer, WriteCall } from './protocol';
import { workerEntry } from '../worker-entry';
import type { CallerWriter } from './types';

export interface PoolJob {
  job: Omit<WorkerJob, 'id'>;
  /** A piece of the CSV; `taken()` once the response has it, which lets the worker go on. */
  emit(bytes: Uint8Array, taken: () => void): void;
  /** Resolves `to()` targets for this job's caller on the main thread, where the one writer is. */
  writeBucket: CallerWriter;
  signal?: AbortSignal;
}

export interface PoolStats {
  /** Live worker threads. */
  workers: number;
  /** Workers running a job. */
  busy: number;
  /** Jobs waiting for a worker. */
  waiting: number;
}

interface Pending {
  id: number;
  spec: PoolJob;
  writable: Map<string, WritableBucket>;
  slot?: Slot;
  settle(error: ApiError | undefined): void;
}

export interface WorkerPoolOptions {
  /**
   * Heap limits of each worker (Node's Worker `resourceLimits`); none by default, so a worker may grow as the
   * process may. A worker that passes them dies, and its query fails with a memory-limit error.
   */
  resourceLimits?: ResourceLimits;
}

interface Slot {
  worker: Worker;
  /** Set when the worker ran out of its heap (see WorkerPoolOptions.resourceLimits). */
  outOfMemory?: true;
  writePort: MessagePort;
  signal: Int32Array;
  /** Chunks of the current job the response has taken (see WorkerInit.flow). */
  flow: Int32Array;
  ready: boolean;
  /** Terminated on purpose (cancel, close): its exit is no crash. */
  retiring: boolean;
  pending?: Pending;
  exited: Promise<void>;
}

/** What a query whose client went away gets (Go's context.Canceled; nobody reads it). */
export const canceledError = (): ApiError => new ApiError('invalid', 'context canceled');

const internalError = (): ApiError => new ApiError('internal error', INTERNAL_ERROR_MESSAGE);

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly databaseFile: string,
    private readonly size: number,
    private readonly options: WorkerPoolOptions = {},
  ) {}

  /** Runs a job; resolves with the error its response must carry, if any. Never rejects. */
  run(spec: PoolJob): Promise<ApiError | undefined> {
    return new Promise((resolve) => {
      const onAbort = () => this.cancel(pending);
      const pending: Pending = {
        id: this.nextId++,
        spec,
        writable: new Map(),
        settle: (error) => {
          spec.signal?.removeEventListener('abort', onAbort);
          pending.settle = () => undefined;
          resolve(error);
        },
      };
      if (this.closed || spec.signal?.aborted) return pending.settle(canceledError());
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(pending);
      this.dispatch();
    });
  }

  stats(): PoolStats {
    const live = this.slots.filter((s) => !s.retiring);
    return { workers: live.length, busy: live.filter((s) => s.pending).length, waiting: this.waiting.length };
  }

  /** The live worker threads, for tests that need to end one from outside as a crash would. */
  threads(): Worker[] {
    return this.slots.filter((s) => !s.retiring).map((s) => s.worker);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.settle(canceledError());
    const exits = this.slots.map((slot) => {
      slot.retiring = true;
      slot.pending?.settle(canceledError());
      void slot.worker.terminate();
      return slot.exited;
    });
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && !this.closed) {
      const slot = this.slots.find((s) => !s.retiring && !s.pending) ?? this.spawnIfRoom();
      if (!slot) return;
      const pending = this.waiting.shift() as Pending;
      pending.slot = slot;
      slot.pending = pending;
      Atomics.store(slot.flow, 0, 0);
      const message: ToWorker = { type: 'run', job: { ...pending.spec.job, id: pending.id } };
      slot.worker.postMessage(message);
    }
  }

  private spawnIfRoom(): Slot | undefined {
    if (this.slots.filter((s) => !s.retiring).length >= this.size) return undefined;
    return this.spawn();
  }

  private spawn(): Slot {
    const entry = workerEntry(__dirname, 'worker');
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const flow = new SharedArrayBuffer(4);
    const worker = new Worker(entry.file, {
      ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
      workerData: { databaseFile: this.databaseFile, signal, flow, writePort: port2 },
      transferList: [port2],
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
    });
    let exited!: () => void;
    const slot: Slot = {
      worker,
      writePort: port1,
      signal: new Int32Array(signal),
      flow: new Int32Array(flow),
      ready: false,
      retiring: false,
      exited: new Promise((resolve) => (exited = resolve)),
    };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    port1.on('message', (call: WriteCall) => this.onWriteCall(slot, call));
    worker.on('error', (err) => {
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') slot.outOfMemory = true;
      process.stderr.write(`influxdb emulator: query worker crashed: ${err.stack ?? err.message}\n`);
    });
    worker.on('exit', (code) => {
      this.onExit(slot, code);
      exited();
    });
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') {
      slot.ready = true;
      return;
    }
    const pending = slot.pending;
    if (!pending || pending.id !== message.id) return;
    if (message.type === 'chunk') {
      pending.spec.emit(message.bytes, () => {
        // Only for the job still running there: a late one must not give the next job room.
        if (slot.pending !== pending) return;
        Atomics.add(slot.flow, 0, 1);
        Atomics.notify(slot.flow, 0);
      });
      return;
    }
    slot.pending = undefined;
    pending.settle(message.error ? new ApiError(message.error.code, message.error.message) : undefined);
    this.dispatch();
  }

  /** Answers a worker's `to()`: the write happens here, in the main thread's one writer connection. */
  private onWriteCall(slot: Slot, call: WriteCall): void {
    let answer: WriteAnswer;
    try {
      answer = this.write(slot.pending, call);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
        process.stderr.write(`influxdb emulator: to() from a query worker failed: ${detail}\n`);
      }
      const error = err instanceof ApiError ? err : internalError();
      answer = { type: 'failed', error: { code: error.code, message: error.message } };
    }
    slot.writePort.postMessage(answer);
    Atomics.store(slot.signal, 0, 1);
    Atomics.notify(slot.signal, 0);
  }

  private write(pending: Pending | undefined, call: WriteCall): WriteAnswer {
    if (!pending || pending.id !== call.id) throw new Error(`to() call for job ${call.id}, which is not running`);
    if (call.type === 'resolve') {
      const target = pending.spec.writeBucket(call.ref);
      if (typeof target === 'string') return { type: 'refused', refusal: target };
      pending.writable.set(target.bucket.id, target);
      return { type: 'resolved', bucket: target.bucket };
    }
    const target = pending.writable.get(call.bucketID);
    if (!target) throw new Error(`to() write to bucket ${call.bucketID}, which was not resolved`);
    target.write(call.points);
    return { type: 'written' };
  }

  private cancel(pending: Pending): void {
    const index = this.waiting.indexOf(pending);
    if (index >= 0) this.waiting.splice(index, 1);
    const slot = pending.slot;
    if (slot && slot.pending === pending) {
      slot.pending = undefined;
      slot.retiring = true;
      void slot.worker.terminate();
    }
    pending.settle(canceledError());
  }

  /**
   * What a query that took its worker past the heap limit gets: Flux's memory-limit error (ResourceExhausted, 400
   * `invalid`), naming the worker's limit, since the emulator cannot tell how much more it wanted.
   */
  private outOfMemoryError(): ApiError {
    const limits = this.options.resourceLimits ?? {};
    const heapMb = (limits.maxOldGenerationSizeMb ?? 0) + (limits.maxYoungGenerationSizeMb ?? 0);
    const limit = heapMb > 0 ? `${heapMb} MB` : 'the heap';
    return new ApiError(
      'invalid',
      `memory allocation limit reached: the query needed more than ${limit} of its query worker`,
    );
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.writePort.close();
    const pending = slot.pending;
    slot.pending = undefined;
    if (!slot.retiring) {
      process.stderr.write(`influxdb emulator: query worker exited unexpectedly (code ${code}); starting another\n`);
      pending?.settle(slot.outOfMemory ? this.outOfMemoryError() : internalError());
    }
    if (this.closed) return;
    // A worker that never got ready is not replaced at once: a worker that cannot start would loop.
    if (slot.ready || slot.retiring) this.spawnIfRoom();
    this.dispatch();
  }
}
