/**
 * App health: every interval, one `iot_center_app` point per write pipeline of a connection (spool depth,
 * written, failed, dropped, retries, circuit) and one for its queries (count, errors, median and longest
 * latency over the period), written through the connection's own write path. Off unless an interval is set.
 */
import type { WriteResult, WriteStats } from '../write/pipeline';
import type { Clock } from '../write/options';
import type { PointObject } from '../write/point';
import type { QueryPeriod, QueryStats } from './query-stats';

export const APP_HEALTH_MEASUREMENT = 'iot_center_app';

/** What app health reads of a write pipeline (a WritePipeline is one). */
export interface WatchedPipeline {
  readonly options: { readonly bucket: string; readonly precision: string };
  readonly stats: WriteStats;
  on(event: 'retry', listener: () => void): unknown;
  off(event: 'retry', listener: () => void): unknown;
}

export interface PipelineSample {
  bucket: string;
  precision: string;
  stats: WriteStats;
  /** Failed attempts that were retried, since the pipeline was watched. */
  retries: number;
}

export interface AppHealthSample {
  time: Date;
  /** The config node's id (tag `config`) and name (tag `config_name`, left out when empty). */
  configId: string;
  configName: string;
  pipelines: readonly PipelineSample[];
  queries: QueryPeriod;
}

export interface AppHealthOptions {
  /** Period between samples, in ms; must be positive. */
  intervalMs: number;
  configId: string;
  configName?: string;
  queries: QueryStats;
  /** The pipelines to report, read at each sample. */
  pipelines: () => Iterable<WatchedPipeline>;
  /** Writes the sample's points (the connection's pipeline of the app-health bucket). */
  write: (points: PointObject[]) => WriteResult;
  /** A sample that could not be written, with the reason. */
  onError?: (error: Error) => void;
  /** Time and timers (tests). */
  clock: Clock;
}

const int = (value: number) => ({ type: 'int' as const, value: Math.round(value) });

/** The points of one sample: one per pipeline, then one for the queries. */
export function appHealthPoints(sample: AppHealthSample): PointObject[] {
  const configTags: Record<string, string> = { config: sample.configId };
  if (sample.configName.trim() !== '') configTags.config_name = sample.configName.trim();
  const points: PointObject[] = sample.pipelines.map((p) => ({
    measurement: APP_HEALTH_MEASUREMENT,
    tags: { ...configTags, bucket: p.bucket, precision: p.precision },
    fields: {
      buffered: int(p.stats.buffered),
      written: int(p.stats.written),
      failed: int(p.stats.failed),
      dropped: int(p.stats.dropped),
      invalid: int(p.stats.invalid),
      retries: int(p.retries),
      attempts: int(p.stats.attempts),
      circuit_open: int(p.stats.circuit === 'open' ? 1 : 0),
    },
    timestamp: sample.time,
  }));
  points.push({
    measurement: APP_HEALTH_MEASUREMENT,
    tags: configTags,
    fields: {
      queries: int(sample.queries.queries),
      query_errors: int(sample.queries.errors),
      query_p50_ms: sample.queries.p50Ms,
      query_max_ms: sample.queries.maxMs,
    },
    timestamp: sample.time,
  });
  return points;
}

export class AppHealth {
  private readonly retries = new Map<WatchedPipeline, { count: number; listener: () => void }>();
  private timer: unknown;
  private stopped = false;

  constructor(private readonly options: AppHealthOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError('the app health interval must be a positive number of ms');
  }

  /** Counts the pipeline's retries from now on; called when the connection makes a pipeline. */
  watch(pipeline: WatchedPipeline): void {
    if (this.stopped || this.retries.has(pipeline)) return;
    const entry = { count: 0, listener: () => entry.count++ };
    pipeline.on('retry', entry.listener);
    this.retries.set(pipeline, entry);
  }

  start(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.schedule();
  }

  /** Samples now and writes the points; returns them (for tests and a final sample). */
  sample(): PointObject[] {
    const pipelines: PipelineSample[] = [];
    for (const pipeline of this.options.pipelines()) {
      this.watch(pipeline);
      pipelines.push({
        bucket: pipeline.options.bucket,
        precision: pipeline.options.precision,
        stats: pipeline.stats,
        retries: this.retries.get(pipeline)?.count ?? 0,
      });
    }
    const points = appHealthPoints({
      time: new Date(this.options.clock.now()),
      configId: this.options.configId,
      configName: this.options.configName ?? '',
      pipelines,
      queries: this.options.queries.take(),
    });
    try {
      const { errors } = this.options.write(points);
      if (errors.length > 0) this.report(new Error(`app health: ${errors.map((e) => e.reason).join('; ')}`));
    } catch (e) {
      this.report(e instanceof Error ? e : new Error(String(e)));
    }
    return points;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const [pipeline, { listener }] of this.retries) pipeline.off('retry', listener);
    this.retries.clear();
  }

  private schedule(): void {
    const handle = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.sample();
      if (!this.stopped) this.schedule();
    }, this.options.intervalMs);
    // A real timer must not keep Node-RED (or a test run) alive.
    (handle as { unref?: () => void } | null)?.unref?.();
    this.timer = handle;
  }

  private report(error: Error): void {
    this.options.onError?.(error);
  }
}
