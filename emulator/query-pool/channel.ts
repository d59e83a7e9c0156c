/**
 * The CSV of one query on its way from the evaluator to the HTTP response: chunks are queued as they
 * arrive and read in order; the reader learns whether anything came before it commits to a status.
 * A chunk's `taken` runs when the reader takes it, which lets a worker that waits for room go on
 * (backpressure: the response takes chunks only as fast as the client reads). A reader that stops
 * early (the client went away) calls `onAbandon`, which cancels the query.
 */
export type CsvChunk = string | Uint8Array;

export class CsvChannel implements AsyncIterable<CsvChunk> {
  private readonly chunks: { data: CsvChunk; taken?: () => void }[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  /** True once the first chunk was pushed. */
  started = false;

  constructor(private readonly onAbandon: () => void) {}

  push(data: CsvChunk, taken?: () => void): void {
    this.started = true;
    this.chunks.push(taken ? { data, taken } : { data });
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.ended = true;
    this.notify();
  }

  /** Resolves true when a chunk is there, false when the query ended with none; rejects if it failed with none. */
  async first(): Promise<boolean> {
    while (this.chunks.length === 0 && !this.ended) await this.next();
    if (this.chunks.length > 0) return true;
    if (this.failure) throw this.failure.error;
    return false;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CsvChunk> {
    let finished = false;
    try {
      for (;;) {
        const chunk = this.chunks.shift();
        if (chunk !== undefined) {
          chunk.taken?.();
          yield chunk.data;
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.ended) break;
        await this.next();
      }
      finished = true;
    } finally {
      if (!finished) this.onAbandon();
    }
  }

  private next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
