/**
 * Runs `fn` at once, then at most every `intervalMs`: calls in between are folded into one trailing call,
 * so the latest state is always shown. Its timer never keeps the process alive.
 */
export class Throttle {
  private timer: NodeJS.Timeout | undefined;
  private lastRun = 0;

  constructor(
    private readonly fn: () => void,
    private readonly intervalMs: number,
  ) {}

  trigger(): void {
    if (this.timer) return;
    const wait = this.lastRun + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.lastRun = Date.now();
    this.fn();
  }
}
