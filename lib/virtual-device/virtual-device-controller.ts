/**
 * The virtual device without Node-RED: live mode, backfill of the missing minutes and the commands of a
 * message. It talks to the outside only through its options; the node maps them to send and status.
 */
import type { QueryApi } from '@influxdata/influxdb-client';
import {
  backfillChunks,
  type BackfillProgress,
  builtInTrack,
  type GpsTrack,
  parseGpsTrack,
  progressOf,
} from '../environment';
import { queryFailure } from '../query';
import { type Command, parseIntervalSeconds } from './commands';
import { devicePoint, type DevicePoint, pointSummary } from './device-points';
import { LiveTicker } from './live-ticker';
import { minutesSince, missingMinutesOf } from './missing-data';
import { loadTrackFile } from './track-file';

/** What the status line says; the node chooses the words and the colours. */
export type StatusKind = 'running' | 'ticked' | 'stopped' | 'planning' | 'backfilling' | 'backfilled' | 'error';
export type StatusParams = Record<string, string | number>;

/** One message's command: where its device id comes from. The emitters get it back to reply to that message. */
export interface CommandContext {
  deviceId(): Promise<string>;
}

export interface VirtualDeviceControllerOptions<C extends CommandContext> {
  /** With a seed, the point at a given time is always the same; without, the noise is Math.random. */
  seed?: string;
  /** Seconds between live points (a number or a numeric text); empty or missing: 60, IoT Center's default. */
  interval?: string | number;
  /** A JSON file of [lat, lon] points, relative to `baseDir`; none: the built-in Prague loop. */
  trackFile?: { path: string; baseDir: string };
  /** false: live mode waits for a `start` command. Default true. */
  autoStart?: boolean;
  /** With a query API, backfill asks InfluxDB which minutes `bucket` misses; without, it writes them all. */
  queryApi?: () => QueryApi;
  bucket?: string;
  /** Default Date.now. */
  now?: () => number;
  /** A live point (no context), or the reply to a `tick`. */
  emitPoint(point: DevicePoint, deviceId: string, context?: C): void;
  /** A backfill chunk, with the progress once it is written. */
  emitChunk(points: DevicePoint[], progress: BackfillProgress, deviceId: string, context: C): void;
  /** The progress before the first chunk: 0 %, or 100 % at once when nothing is missing. */
  emitProgress(progress: BackfillProgress, deviceId: string, context: C): void;
  status(kind: StatusKind, params: StatusParams): void;
  /** A live tick failed and live mode stopped; the status already shows it. */
  error?(error: Error): void;
}

export class VirtualDeviceController<C extends CommandContext = CommandContext> {
  private closedFlag = false;
  private track: GpsTrack | undefined;
  private trackError: Error | undefined;
  private readonly intervalMs: number | undefined;
  private readonly intervalError: Error | undefined;
  private liveDeviceId = '';
  /** The running backfill; `stop` and close set `cancelled`. */
  private backfill: { cancelled: boolean } | undefined;
  private readonly ticker = new LiveTicker(() => this.emitLive());
  private readonly now: () => number;

  constructor(private readonly options: VirtualDeviceControllerOptions<C>) {
    this.now = options.now ?? Date.now;
    this.track = options.trackFile ? undefined : builtInTrack();
    try {
      this.intervalMs = parseIntervalSeconds(
        options.interval === '' || options.interval === undefined ? 60 : options.interval,
      );
    } catch (e) {
      this.intervalError = e as Error;
    }
  }

  /** Live mode is on. */
  get live(): boolean {
    return this.ticker.running;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /**
   * Loads the track file, if any. False when live mode must not start by itself (a bad track or
   * interval, or auto-start off); the status says why.
   */
  async load(): Promise<boolean> {
    const file = this.options.trackFile;
    if (file) {
      try {
        this.track = await loadTrackFile(file.path, file.baseDir);
      } catch (e) {
        this.trackError = e as Error;
        this.fail(this.trackError);
        return false;
      }
    }
    if (this.intervalError) {
      this.fail(this.intervalError);
      return false;
    }
    if (this.options.autoStart === false) {
      this.report('stopped');
      return false;
    }
    return true;
  }

  /** Starts live mode with the configured interval; a failure goes to the status only (no message to fail). */
  async autoStart(deviceId: () => Promise<string>): Promise<void> {
    if (this.closedFlag) return;
    try {
      this.start(await deviceId(), undefined);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** A GPS track brought by a message (`msg.track`) replaces the configured one. */
  setTrack(value: unknown): void {
    this.track = parseGpsTrack(value);
    this.trackError = undefined;
  }

  async handle(command: Command, context: C): Promise<void> {
    switch (command.name) {
      case 'start':
        this.start(await context.deviceId(), command.intervalMs);
        return;
      case 'stop':
        this.stop();
        return;
      case 'tick': {
        const deviceId = await context.deviceId();
        const point = this.pointAt(deviceId, command.timeMs ?? this.now());
        this.options.emitPoint(point, deviceId, context);
        const live = this.ticker.running;
        this.report(live ? 'running' : 'ticked', { summary: pointSummary(point) });
        return;
      }
      case 'backfill':
        await this.runBackfill(command, context);
        return;
    }
  }

  // A status is one short line under the node; the whole message goes to done(err) and the debug sidebar.
  fail(error: Error): void {
    this.report('error', {
      message: error.message.length > 60 ? `${error.message.slice(0, 57)}...` : error.message,
    });
  }

  /** Stops live mode and cancels a running backfill; nothing is emitted or reported afterwards. */
  close(): void {
    this.closedFlag = true;
    this.ticker.stop();
    if (this.backfill) this.backfill.cancelled = true;
  }

  private report(kind: StatusKind, params: StatusParams = {}): void {
    if (!this.closedFlag) this.options.status(kind, params);
  }

  private currentTrack(): GpsTrack {
    if (!this.track) throw this.trackError ?? new Error('the GPS track is not loaded yet');
    return this.track;
  }

  private pointAt(deviceId: string, timeMs: number): DevicePoint {
    return devicePoint(deviceId, timeMs, { seed: this.options.seed, track: this.currentTrack() });
  }

  private emitLive(): void {
    if (this.closedFlag) return;
    try {
      const point = this.pointAt(this.liveDeviceId, this.now());
      this.options.emitPoint(point, this.liveDeviceId);
      this.report('running', { summary: pointSummary(point) });
    } catch (e) {
      this.ticker.stop();
      this.fail(e as Error);
      this.options.error?.(e as Error);
    }
  }

  private start(deviceId: string, everyMs: number | undefined): void {
    const ms = everyMs ?? this.intervalMs;
    if (ms === undefined) throw this.intervalError ?? new Error('no interval is set');
    this.currentTrack();
    // Auto-start awaits the track and the device id: the flow may have been stopped meanwhile.
    if (this.closedFlag) return;
    this.liveDeviceId = deviceId;
    this.ticker.start(ms);
  }

  private stop(): void {
    this.ticker.stop();
    if (this.backfill) this.backfill.cancelled = true;
    this.report('stopped');
  }

  private async runBackfill(command: Command, context: C): Promise<void> {
    if (this.backfill) throw new Error('a backfill is already running: wait for it, or send "stop" to cancel it');
    const job = { cancelled: false };
    this.backfill = job;
    try {
      const deviceId = await context.deviceId();
      this.currentTrack();
      const nowMs = this.now();
      this.report('planning');
      const queryApi = this.options.queryApi;
      const minutes =
        command.timeMs !== undefined || !queryApi
          ? minutesSince(nowMs, command.timeMs)
          : await missingMinutesOf(queryApi(), { bucket: this.options.bucket ?? '', deviceId, nowMs }).catch(
              (e: unknown) => Promise.reject(queryFailure(e)),
            );
      if (job.cancelled || this.closedFlag) return;
      // The bar starts at 0 %, or shows 100 % at once when nothing is missing.
      this.options.emitProgress(progressOf(0, minutes.length), deviceId, context);
      for (const chunk of backfillChunks(minutes)) {
        if (job.cancelled || this.closedFlag) return;
        const points = chunk.items.map((minute) => this.pointAt(deviceId, minute));
        this.options.emitChunk(points, chunk.progress, deviceId, context);
        this.report('backfilling', { ...chunk.progress });
        // Let timers, close and other messages run between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.report('backfilled', { total: minutes.length });
    } finally {
      if (this.backfill === job) this.backfill = undefined;
    }
  }
}
