/**
 * Who may checkpoint now, shared by the writer (main thread) and the checkpoint worker: SQLite lets one
 * checkpoint run at a time and a second one returns "busy" at once, so the writer's hard-limit checkpoint waits
 * here (for the length of one background checkpoint) instead of failing. Once closed, the worker never
 * checkpoints again.
 */
const FREE = 0;
const TAKEN = 1;
const CLOSED = 2;

export class CheckpointLock {
  private readonly state: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.state = new Int32Array(buffer);
  }

  /** The worker's try: false when the writer holds the lock or the database is closing. */
  tryAcquire(): boolean {
    return Atomics.compareExchange(this.state, 0, FREE, TAKEN) === FREE;
  }

  /** The writer's: waits while the worker checkpoints. */
  acquire(): void {
    for (;;) {
      const previous = Atomics.compareExchange(this.state, 0, FREE, TAKEN);
      if (previous === FREE || previous === CLOSED) return;
      Atomics.wait(this.state, 0, previous, 1000);
    }
  }

  release(): void {
    Atomics.compareExchange(this.state, 0, TAKEN, FREE);
    Atomics.notify(this.state, 0);
  }

  /** At close: waits for a running checkpoint, then keeps the worker out for good. */
  acquireForever(): void {
    for (;;) {
      const previous = Atomics.compareExchange(this.state, 0, FREE, CLOSED);
      if (previous === FREE || previous === CLOSED) return;
      Atomics.wait(this.state, 0, previous, 1000);
    }
  }
}
