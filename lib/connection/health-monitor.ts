/** Checks health at start and then every interval; tells listeners when it changes. Never keeps the process alive. */
import type { Health } from './health';

export type HealthListener = (health: Health) => void;

export class HealthMonitor {
  private current: Health = { status: 'unknown' };
  private readonly listeners = new Set<HealthListener>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Health> | undefined;
  private stopped = false;

  /** `intervalMs` 0 checks only at start (and when `check()` is called). */
  constructor(
    private readonly probe: () => Promise<Health>,
    private readonly intervalMs: number,
  ) {}

  get health(): Health {
    return this.current;
  }

  start(): void {
    void this.check();
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.check(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Checks now (joining a check already running) and returns the result. */
  check(): Promise<Health> {
    if (this.stopped) return Promise.resolve(this.current);
    this.running ??= this.probe()
      .catch((e: unknown): Health => ({ status: 'fail', message: e instanceof Error ? e.message : String(e) }))
      .then((health) => {
        this.running = undefined;
        if (!this.stopped) this.update(health);
        return health;
      });
    return this.running;
  }

  /** Called on every change of status or message; returns the unsubscribe function. */
  onChange(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private update(health: Health): void {
    const changed = health.status !== this.current.status || health.message !== this.current.message;
    this.current = health;
    if (!changed) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(health);
      } catch (e) {
        // A listener's bug must not stop the others; it surfaces on its own.
        process.nextTick(() => {
          throw e;
        });
      }
    }
  }
}
