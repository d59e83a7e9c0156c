/**
 * The write circuit: closed while InfluxDB takes the points; open after `threshold` failed attempts in a
 * row, or at once when the server refuses the request itself (token, permission, bucket: retrying will not
 * help until someone acts). While open, the pipeline still sends one probe per backoff delay; the first
 * success closes it. Only the changes are news: a user hears of an outage once, and of its end once.
 */

export type CircuitState = 'closed' | 'open';

export interface CircuitOpened {
  state: 'open';
  /** Failed attempts in a row when it opened. */
  failures: number;
}

export interface CircuitClosed {
  state: 'closed';
  /** How long it was open, in ms. */
  openMs: number;
  /** Failed attempts while it was open (the probes). */
  failures: number;
}

export type CircuitChange = CircuitOpened | CircuitClosed;

/** Failed attempts in a row that open the circuit. */
export const DEFAULT_CIRCUIT_THRESHOLD = 3;

export class Circuit {
  private failures = 0;
  private openedAt: number | undefined;

  constructor(private readonly threshold = DEFAULT_CIRCUIT_THRESHOLD) {
    if (!(Number.isInteger(threshold) && threshold >= 1)) throw new RangeError('circuit threshold must be 1 or more');
  }

  get state(): CircuitState {
    return this.openedAt === undefined ? 'closed' : 'open';
  }

  /** A failed attempt; `refused` when the server refused the request itself. Returns the change, if any. */
  failure(now: number, refused = false): CircuitOpened | undefined {
    this.failures++;
    if (this.openedAt !== undefined) return undefined;
    if (!refused && this.failures < this.threshold) return undefined;
    this.openedAt = now;
    return { state: 'open', failures: this.failures };
  }

  /** The server took a request. Returns the change, if any. */
  success(now: number): CircuitClosed | undefined {
    const openedAt = this.openedAt;
    const failures = this.failures;
    this.failures = 0;
    this.openedAt = undefined;
    if (openedAt === undefined) return undefined;
    return { state: 'closed', openMs: Math.max(0, now - openedAt), failures };
  }
}
