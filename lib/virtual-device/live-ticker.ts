/** Live mode: one tick now and then one every interval, until stopped. */
export class LiveTicker {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onTick: () => void) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** (Re)starts with `intervalMs`; the first tick is immediate so that a dashboard shows a value at once. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => this.onTick(), intervalMs);
    this.onTick();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
