/**
 * WritePipeline: what `iot-write` hands points to. `write()` validates and puts the lines in the spool
 * before it returns; `writeGrouped()` puts those of every call in one turn of the event loop there in one
 * disk write, and says when. A single sender loop sends them in batches (by size, or after flushInterval), one
 * request at a time, and retries what the server could not take yet. Nothing leaves the spool until the
 * server has settled it, so an outage or a restart loses nothing (within the buffer cap, which drops the
 * oldest lines and counts them).
 *
 * Events: 'stats' (WriteStats), 'written' ({count}), 'failed' (FailedLines), 'retry' (RetryNotice),
 * 'circuit' (CircuitNotice: opened after repeated failures, closed when InfluxDB takes points again).
 */
import { EventEmitter } from 'node:events';
import type { CircuitChange, CircuitState } from './circuit';
import { Circuit } from './circuit';
import type { WriteError } from './errors';
import { WritePipelineError, writeError } from './errors';
import type { Clock, WritePipelineConfig, WritePipelineOptions } from './options';
import { resolveOptions } from './options';
import type { InputError, PointDefaults } from './point';
import { toLines } from './point';
import { backoffDelay } from './retry';
import type { SendResult } from './sender';
import { Sender } from './sender';
import type { RecoveryReport, Spool } from './spool';
import { openSpool } from './spool';

export interface WriteResult {
  /** Lines taken into the buffer. */
  accepted: number;
  /** Points (or lines) refused at the edge, each with the reason; the others were accepted. */
  errors: InputError[];
}

export interface GroupedWriteResult extends WriteResult {
  /** Resolves once the accepted lines are in the spool (on disk when it is durable); never rejects. */
  persisted: Promise<void>;
}

export interface WriteStats {
  /** Lines waiting to be written (including the batch being sent). */
  buffered: number;
  /** Lines the server has written. */
  written: number;
  /** Lines the server refused for good (bad lines, points it dropped, a line too large). */
  failed: number;
  /** Points refused by write() itself (returned in its errors). */
  invalid: number;
  /** Oldest lines dropped because the buffer was full. */
  dropped: number;
  /** True while a batch waits for its next attempt. */
  retrying: boolean;
  /** 'open' after repeated failures (or a refused token/bucket) until InfluxDB takes points again. */
  circuit: CircuitState;
  /** Failed attempts of the batch being sent. */
  attempts: number;
  /** When the next attempt is due (epoch ms), while retrying. */
  nextRetryAt?: number;
  /** The last problem seen (it stays after recovery; `retrying` tells whether it still holds). */
  lastError?: WriteError;
  /** True while the buffer is on disk. */
  durable: boolean;
}

export interface FailedLines {
  /** Lines that will not be written. */
  count: number;
  error: WriteError;
  /** Those the server named, with its reason (a 422 names none). */
  lines: Array<{ line: string; reason: string }>;
}

export interface RetryNotice {
  error: WriteError;
  attempt: number;
  /** Delay before the next attempt, in ms. */
  delay: number;
}

/** A change of the circuit; `error` is why it opened. */
export type CircuitNotice = CircuitChange & { error?: WriteError };

type Wake = 'elapsed' | 'flush' | 'close';

/** Per-call changes of the measurement or default tags (e.g. from `msg.measurement`). */
type Overrides = Partial<Pick<PointDefaults, 'measurement' | 'defaultTags'>>;

function closedResult(): WriteResult {
  return { accepted: 0, errors: [{ index: 0, reason: 'the write pipeline is closed; the points were not accepted' }] };
}

export class WritePipeline extends EventEmitter {
  readonly options: WritePipelineOptions;
  private readonly spool: Spool;
  private readonly sender: Sender;
  private readonly clock: Clock;
  private counters = { written: 0, failed: 0, invalid: 0, dropped: 0 };
  private attempts = 0;
  private readonly circuit = new Circuit();
  private nextRetryAt: number | undefined;
  private lastError: WriteError | undefined;

  private flushTimer: unknown;
  private sending: Promise<void> | undefined;
  /** Send everything buffered, not only full batches. */
  private draining = false;
  private sleeper: { timer: unknown; wake: (why: Wake) => void } | undefined;
  /** A wake-up that came while no retry was waiting: the next wait is skipped. */
  private pendingWake: Wake | undefined;
  private inFlight: AbortController | undefined;
  private flushWaiters: Array<{ through: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private closing = false;
  private deadlinePassed = false;
  private closed: Promise<void> | undefined;
  private spoolErrorSeen: WriteError | undefined;
  private closedWithUnsent: WriteError | undefined;
  /** Lines of writeGrouped() calls waiting for the group's one append to the spool. */
  private group: { lines: string[]; done: Promise<void>; resolve: () => void } | undefined;

  constructor(config: WritePipelineConfig) {
    super();
    this.options = resolveOptions(config);
    const o = this.options;
    this.clock = o.clock;
    this.sender = new Sender({
      org: o.org,
      bucket: o.bucket,
      precision: o.precision,
      gzipThreshold: o.gzipThreshold,
      transport: o.transport,
      url: o.url,
      token: o.token,
      timeout: o.timeout,
      transportOptions: o.transportOptions,
      now: () => this.clock.now(),
    });
    this.spool = openSpool({ dir: o.spoolDir, maxLines: o.maxBufferLines, maxBytes: o.maxBufferBytes });
    this.counters.dropped += this.spool.recovered.dropped;
    this.spoolErrorSeen = this.spool.error;
    if (this.spool.error) this.lastError = this.spool.error;
    // Lines left by the previous run go out first, right away.
    if (this.spool.size > 0) {
      this.draining = true;
      this.armFlushTimer(0);
    }
  }

  /** What the spool held when the pipeline started. */
  get recovered(): RecoveryReport {
    return this.spool.recovered;
  }

  get stats(): WriteStats {
    const s: WriteStats = {
      buffered: this.spool.size + (this.group?.lines.length ?? 0),
      ...this.counters,
      retrying: this.attempts > 0,
      circuit: this.circuit.state,
      attempts: this.attempts,
      durable: this.spool.durable,
    };
    if (this.nextRetryAt !== undefined) s.nextRetryAt = this.nextRetryAt;
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  /**
   * Validates and buffers points; they are in the spool when this returns. `overrides` change the
   * measurement or default tags for this call (e.g. from `msg.measurement`).
   */
  write(input: unknown, overrides: Overrides = {}): WriteResult {
    if (this.closing) return closedResult();
    this.commitGroup();
    const { lines, errors } = this.convert(input, overrides);
    this.append(lines, errors.length);
    return { accepted: lines.length, errors };
  }

  /**
   * As write(), but the lines go to the spool together with those of the other writeGrouped() calls of this
   * turn of the event loop: one disk write for a burst of msgs instead of one each. Acknowledge the points
   * (done(), a reply) only once `persisted` resolves; a crash before that loses them, as they were not taken.
   */
  writeGrouped(input: unknown, overrides: Overrides = {}): GroupedWriteResult {
    if (this.closing) return { ...closedResult(), persisted: Promise.resolve() };
    const { lines, errors } = this.convert(input, overrides);
    if (lines.length === 0) {
      // Nothing to wait for; the refusals still count and show.
      this.append(lines, errors.length);
      return { accepted: 0, errors, persisted: this.group?.done ?? Promise.resolve() };
    }
    let group = this.group;
    if (!group) {
      let resolve = (): void => undefined;
      const done = new Promise<void>((r) => (resolve = r));
      group = { lines: [], done, resolve };
      this.group = group;
      // After the msgs already queued for this turn (setImmediate runs after every pending I/O callback).
      setImmediate(() => this.commitGroup());
    }
    for (const line of lines) group.lines.push(line);
    this.counters.invalid += errors.length;
    if (errors.length > 0) this.emitStats();
    return { accepted: lines.length, errors, persisted: group.done };
  }

  /** Puts the waiting group's lines in the spool; whatever reads or changes the spool does this first. */
  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    this.append(group.lines, 0);
    group.resolve();
  }

  private convert(input: unknown, overrides: Overrides): { lines: string[]; errors: InputError[] } {
    const o = this.options;
    return toLines(input, {
      precision: o.precision,
      measurement: overrides.measurement ?? o.measurement,
      defaultTags: { ...o.defaultTags, ...overrides.defaultTags },
    });
  }

  private append(lines: readonly string[], invalid: number): void {
    const o = this.options;
    this.counters.invalid += invalid;
    const wasEmpty = this.spool.size === 0;
    const { dropped } = this.spool.append(lines);
    this.noteSpoolError();
    if (dropped > 0) {
      this.counters.dropped += dropped;
      this.lastError = writeError(
        'buffer-full',
        `the write buffer is full (${o.maxBufferLines} lines); dropped the ${dropped} oldest line(s) — ` +
          'InfluxDB is not keeping up or not reachable',
      );
    }
    if (this.spool.size >= o.batchSize) this.startSending();
    else if (lines.length > 0 && o.flushInterval > 0) this.armFlushTimer(o.flushInterval);
    if (dropped > 0 || invalid > 0 || (wasEmpty && lines.length > 0)) this.emitStats();
  }

  /**
   * Sends what is buffered now, without waiting for the interval (a pending retry is attempted at once).
   * Resolves when those lines are settled; rejects with the error if the server cannot take them yet —
   * they stay buffered and are retried.
   */
  flush(): Promise<void> {
    this.commitGroup();
    if (this.spool.size === 0) return Promise.resolve();
    if (this.closing && !this.sending)
      return Promise.reject(new WritePipelineError(this.closedWithUnsent ?? this.unsentError()));
    const through = this.spool.newest;
    const done = new Promise<void>((resolve, reject) => this.flushWaiters.push({ through, resolve, reject }));
    this.draining = true;
    this.wake('flush');
    this.startSending();
    return done;
  }

  /**
   * Stops accepting points, sends what is buffered for at most `closeTimeout` ms (no retries), and
   * leaves what could not be sent in the spool for the next start. No timer is left running.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.commitGroup();
    this.closing = true;
    this.closed = (async () => {
      this.disarmFlushTimer();
      const deadline = this.clock.setTimeout(() => {
        this.deadlinePassed = true;
        this.inFlight?.abort();
      }, this.options.closeTimeout);
      this.draining = true;
      this.wake('close');
      this.startSending();
      while (this.sending) await this.sending;
      this.clock.clearTimeout(deadline);
      this.disarmFlushTimer();
      const unsent = this.spool.size > 0 ? this.unsentError() : undefined;
      this.closedWithUnsent = unsent;
      this.spool.close();
      this.noteSpoolError();
      this.attempts = 0;
      this.nextRetryAt = undefined;
      this.settleFlushWaiters(unsent);
      this.emitStats();
    })();
    return this.closed;
  }

  private unsentError(): WriteError {
    const n = this.spool.size;
    return writeError(
      'closed',
      this.spool.durable
        ? `closed with ${n} line(s) not sent yet; they are kept in the spool and sent at the next start`
        : `closed with ${n} line(s) not sent; they are lost, as no spool directory is in use`,
    );
  }

  private startSending(): void {
    if (this.sending) return;
    this.disarmFlushTimer();
    let idle = false;
    this.sending = this.sendLoop()
      .then((nothingLeft) => void (idle = nothingLeft))
      .finally(() => {
        this.sending = undefined;
        if (this.spool.size === 0) return;
        if (this.closing) {
          // Lines that came while a loop was ending (it had found nothing to send): close() sends them too.
          if (idle && !this.deadlinePassed) this.startSending();
        } else if (this.spool.size >= this.options.batchSize || this.draining) this.startSending();
        else if (this.options.flushInterval > 0) this.armFlushTimer(this.options.flushInterval);
      });
  }

  /** Returns true when it stopped for want of lines to send, false when a batch could not be settled. */
  private async sendLoop(): Promise<boolean> {
    for (;;) {
      const size = this.spool.size;
      if (size === 0) {
        this.draining = false;
        this.settleFlushWaiters(undefined);
        return true;
      }
      if (!this.draining && size < this.options.batchSize) return true;
      if (this.deadlinePassed) return false;
      const batch = this.spool.take(this.options.batchSize, this.options.maxBatchBytes);
      const settled = await this.deliver(batch);
      this.spool.ack(settled);
      this.noteSpoolError();
      this.settleFlushWaiters(undefined);
      this.emitStats();
      if (settled < batch.length) return false;
    }
  }

  /** Sends a batch until every line is settled; returns how many leading lines are (fewer when closing). */
  private async deliver(batch: readonly string[]): Promise<number> {
    const done = new Array<boolean>(batch.length).fill(false);
    await this.deliverLines(
      batch,
      batch.map((_, i) => i),
      done,
    );
    let n = 0;
    while (n < done.length && done[n]) n++;
    return n;
  }

  /** Returns false when interrupted by close(). */
  private async deliverLines(batch: readonly string[], indices: number[], done: boolean[]): Promise<boolean> {
    let pending = indices;
    for (;;) {
      if (pending.length === 0) return true;
      if (this.deadlinePassed) return false;
      const lines = pending.map((i) => batch[i]);
      const result = await this.sendOnce(lines);
      // Any answer about the data itself means InfluxDB is there and takes requests.
      if (result.kind !== 'retry' && result.kind !== 'blocked') this.serverAnswered();
      switch (result.kind) {
        case 'ok':
          this.settle(pending, done);
          this.wrote(pending.length);
          return true;
        case 'partial': {
          this.settle(pending, done);
          const dropped = Math.min(result.dropped, pending.length);
          this.wrote(pending.length - dropped);
          this.lastError = result.error;
          this.fail({ count: dropped, error: result.error, lines: [] });
          return true;
        }
        case 'rejected': {
          if (result.rejected.length === 0) {
            // The server names lines we cannot match: halve until the bad ones stand alone.
            if (pending.length === 1) {
              this.settle(pending, done);
              this.fail({ count: 1, error: result.error, lines: [{ line: lines[0], reason: result.error.message }] });
              return true;
            }
            return this.deliverHalves(batch, pending, done);
          }
          const bad = new Set(result.rejected.map((r) => r.index));
          this.settle(
            result.rejected.map((r) => pending[r.index]),
            done,
          );
          this.fail({
            count: bad.size,
            error: result.error,
            lines: result.rejected.map((r) => ({ line: lines[r.index], reason: r.reason })),
          });
          const rest = pending.filter((_, k) => !bad.has(k));
          if (result.othersWritten) {
            this.settle(rest, done);
            this.wrote(rest.length);
            return true;
          }
          // OSS wrote nothing of the batch: the good lines go again, at once (the data was the problem).
          pending = rest;
          continue;
        }
        case 'too-large':
          if (pending.length === 1) {
            this.settle(pending, done);
            this.fail({ count: 1, error: result.error, lines: [{ line: lines[0], reason: result.error.message }] });
            return true;
          }
          return this.deliverHalves(batch, pending, done);
        case 'retry':
        case 'blocked': {
          // close() gives up: no retries, and an aborted request is not the server's news.
          if (this.deadlinePassed) return false;
          this.attempts++;
          this.lastError = result.error;
          if (this.closing) return false;
          const opened = this.circuit.failure(this.clock.now(), result.kind === 'blocked');
          if (opened) this.notify('circuit', { ...opened, error: result.error } satisfies CircuitNotice);
          const o = this.options;
          const delay =
            result.kind === 'blocked'
              ? o.maxRetryDelay
              : (result.retryAfter ?? backoffDelay(this.attempts, o, o.random));
          this.nextRetryAt = this.clock.now() + delay;
          this.notify('retry', { error: result.error, attempt: this.attempts, delay } satisfies RetryNotice);
          this.emitStats();
          // Woken by flush() or close(): one attempt now (close() gives up after it).
          await this.sleep(delay);
          this.nextRetryAt = undefined;
          continue;
        }
      }
    }
  }

  private async deliverHalves(batch: readonly string[], pending: number[], done: boolean[]): Promise<boolean> {
    const mid = Math.ceil(pending.length / 2);
    if (!(await this.deliverLines(batch, pending.slice(0, mid), done))) return false;
    return this.deliverLines(batch, pending.slice(mid), done);
  }

  private async sendOnce(lines: readonly string[]): Promise<SendResult> {
    // Appends reach the OS at once (a crash loses nothing); each attempt also puts them on the disk.
    this.spool.sync();
    this.noteSpoolError();
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      return await this.sender.send(lines, controller.signal);
    } finally {
      this.inFlight = undefined;
    }
  }

  private serverAnswered(): void {
    const closed = this.circuit.success(this.clock.now());
    if (closed) this.notify('circuit', closed satisfies CircuitNotice);
  }

  private settle(indices: readonly number[], done: boolean[]): void {
    for (const i of indices) done[i] = true;
  }

  private wrote(count: number): void {
    this.attempts = 0;
    this.pendingWake = undefined;
    if (count <= 0) return;
    this.counters.written += count;
    this.notify('written', { count });
  }

  private fail(failed: FailedLines): void {
    if (failed.count <= 0) return;
    this.counters.failed += failed.count;
    this.lastError = failed.error;
    this.notify('failed', failed);
  }

  /** Waits `ms`, or less when flush() or close() wakes it (or asked to while a request was out). */
  private sleep(ms: number): Promise<Wake> {
    if (this.closing) return Promise.resolve('close');
    const pending = this.pendingWake;
    if (pending) {
      this.pendingWake = undefined;
      return Promise.resolve(pending);
    }
    return new Promise<Wake>((resolve) => {
      const wake = (why: Wake): void => {
        if (this.sleeper?.wake !== wake) return;
        this.clock.clearTimeout(this.sleeper.timer);
        this.sleeper = undefined;
        resolve(why);
      };
      this.sleeper = { timer: this.clock.setTimeout(() => wake('elapsed'), ms), wake };
      // A flush() that waits for this batch learns now that the server cannot take it yet.
      this.rejectFlushWaiters();
    });
  }

  private wake(why: Wake): void {
    if (this.sleeper) this.sleeper.wake(why);
    else if (this.sending) this.pendingWake = why;
  }

  private armFlushTimer(ms: number): void {
    if (this.flushTimer !== undefined || this.sending || this.closing) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.draining = true;
      this.startSending();
    }, ms);
  }

  private disarmFlushTimer(): void {
    if (this.flushTimer === undefined) return;
    this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private settleFlushWaiters(error: WriteError | undefined): void {
    const oldest = this.spool.oldest;
    this.flushWaiters = this.flushWaiters.filter((w) => {
      if (oldest === undefined || oldest > w.through) {
        w.resolve();
        return false;
      }
      if (error) {
        w.reject(new WritePipelineError(error));
        return false;
      }
      return true;
    });
  }

  private rejectFlushWaiters(): void {
    const error = this.lastError ?? writeError('unavailable', 'InfluxDB cannot take the points yet');
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w.reject(new WritePipelineError(error));
  }

  /** A spool that stopped being durable is worth telling once. */
  private noteSpoolError(): void {
    const e = this.spool.error;
    if (e === undefined || e === this.spoolErrorSeen) return;
    this.spoolErrorSeen = e;
    this.lastError = e;
    this.emitStats();
  }

  private emitStats(): void {
    this.notify('stats', this.stats);
  }

  /** A listener that throws must not break the sender loop; its error surfaces on its own. */
  private notify(event: 'stats' | 'written' | 'failed' | 'retry' | 'circuit', payload: unknown): void {
    try {
      this.emit(event, payload);
    } catch (e) {
      process.nextTick(() => {
        throw e;
      });
    }
  }
}
