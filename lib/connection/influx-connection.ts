/**
 * InfluxConnection: what the `iot-influxdb` config node owns and shares with the other nodes — one
 * InfluxDB client, one write pipeline per (bucket, precision) with its spool on disk, the device registry,
 * and the server's health. No Node-RED import: the node maps its fields to these options.
 */
import fs from 'node:fs';
import { InfluxDB, type QueryApi } from '@influxdata/influxdb-client';
import { DeviceRegistry } from '../devices/registry';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from '../devices/token-store';
import { WritePipeline } from '../write/pipeline';
import type { Clock, WritePipelineConfig } from '../write/options';
import { DEFAULT_WRITE_PIPELINE_OPTIONS, realClock } from '../write/options';
import type { Precision } from '../write/timestamp';
import { AppHealth } from './app-health';
import { pipelineSpoolDir, tokenFile } from './data-dir';
import { ConnectionError } from './errors';
import { checkHealth, type Health } from './health';
import { HealthMonitor } from './health-monitor';
import { QueryStats } from './query-stats';
import { type InfluxSettings, toClientOptions } from './settings';

export type { Health, HealthStatus } from './health';

/** Pipeline options a connection lets its users tune; the rest (org, url, token, spool) are its own. */
export type PipelineDefaults = Partial<
  Omit<
    WritePipelineConfig,
    'org' | 'bucket' | 'url' | 'token' | 'transport' | 'transportOptions' | 'timeout' | 'spoolDir'
  >
>;

export interface InfluxConnectionOptions extends InfluxSettings {
  /** Names this connection's spool folder; Node-RED: the config node's id. */
  id: string;
  /** Folder for spools and device tokens (Node-RED: `<userDir>/.iot-center`). None: memory only. */
  dataDir?: string;
  /** How often health is checked, in ms, after the check at start. Default 60000; 0 = at start only. */
  healthIntervalMs?: number;
  /** Options for every pipeline made here (retry delays, buffer limits, close timeout). */
  pipelineDefaults?: PipelineDefaults;
  /** Record app health (`iot_center_app` points) every interval; none: off. */
  appHealth?: AppHealthSettings;
}

export interface AppHealthSettings {
  /** Period between samples, in ms (positive). */
  intervalMs: number;
  /** Bucket the points go to. Default: the connection's bucket. */
  bucket?: string;
  /** Tag `config_name` of the points (Node-RED: the config node's name). */
  name?: string;
  /** A sample that could not be written. */
  onError?: (error: Error) => void;
  /** Time and timers of the sampling (tests). */
  clock?: Clock;
}

export interface PipelineRequest {
  /** Default: the connection's bucket. */
  bucket?: string;
  /** Unit of numeric timestamps. Default `ms`. */
  precision?: Precision;
  /** Measurement of points that name none, when the pipeline is created (nodes pass theirs per write). */
  measurement?: string;
  /** Used when the pipeline is created; a pipeline is shared, so the first user's value holds. */
  batchSize?: number;
  /** Used when the pipeline is created (ms); the first user's value holds. */
  flushInterval?: number;
}

export interface RegistryRequest {
  /** Devices may also read their bucket. Default false: write only. */
  grantRead?: boolean;
}

export const DEFAULT_HEALTH_INTERVAL_MS = 60_000;

export class InfluxConnection {
  readonly id: string;
  readonly url: string;
  readonly org: string;
  readonly bucket: string;
  /** Why this connection cannot work (a config mistake); every use then throws it. */
  readonly problem: ConnectionError | undefined;
  private readonly client: InfluxDB | undefined;
  private readonly monitor: HealthMonitor;
  private readonly pipelines = new Map<string, WritePipeline>();
  private readonly registries = new Map<boolean, DeviceRegistry>();
  private tokens: TokenStore | undefined;
  private closed: Promise<void> | undefined;
  /** Queries run through this connection (iot-query records each); app health reads them. */
  readonly queryStats = new QueryStats();
  private readonly appHealth: AppHealth | undefined;

  constructor(private readonly options: InfluxConnectionOptions) {
    this.id = options.id;
    this.org = options.org.trim();
    this.bucket = options.bucket.trim();
    let url = options.url.trim();
    try {
      const clientOptions = toClientOptions(options);
      url = clientOptions.url;
      this.client = new InfluxDB(clientOptions);
    } catch (e) {
      this.problem = e instanceof ConnectionError ? e : new ConnectionError('misconfigured', String(e));
    }
    this.url = url;
    if (options.dataDir) {
      // Device tokens live here: owner-only from the start. A failure shows later, where the files are used.
      try {
        fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      } catch {
        // The spool falls back to memory and says so; the token store reports its own error.
      }
    }
    const client = this.client;
    this.monitor = new HealthMonitor(
      client
        ? () => checkHealth(client.transport, url)
        : async () => ({ status: 'fail', message: this.problem?.message ?? 'not configured' }),
      options.healthIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS,
    );
    this.monitor.start();
    const health = options.appHealth;
    if (client && health && health.intervalMs > 0) {
      const bucket = health.bucket?.trim() || this.bucket;
      this.appHealth = new AppHealth({
        intervalMs: health.intervalMs,
        configId: this.id,
        configName: health.name,
        queries: this.queryStats,
        pipelines: () => this.pipelines.values(),
        write: (points) => this.pipeline({ bucket }).write(points),
        onError: health.onError,
        clock: health.clock ?? realClock,
      });
      this.appHealth.start();
    }
  }

  /** One query run through this connection, for app health: how long it took and whether it worked. */
  recordQuery(ms: number, ok: boolean): void {
    this.queryStats.record(ms, ok);
  }

  /** The shared client. Throws the config problem, if any. */
  get influxDB(): InfluxDB {
    this.usable();
    return this.client as InfluxDB;
  }

  queryApi(): QueryApi {
    return this.influxDB.getQueryApi(this.org);
  }

  /**
   * The write pipeline of (bucket, precision), made on first use with its spool under the data folder.
   * It is shared: batchSize and flushInterval of the first request hold (see `pipeline.options`).
   */
  pipeline(request: PipelineRequest = {}): WritePipeline {
    const client = this.influxDB;
    const bucket = request.bucket?.trim() || this.bucket;
    const precision = request.precision ?? DEFAULT_WRITE_PIPELINE_OPTIONS.precision;
    const key = `${bucket}\0${precision}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const defaults = this.options.pipelineDefaults ?? {};
      const batchSize = request.batchSize ?? defaults.batchSize ?? DEFAULT_WRITE_PIPELINE_OPTIONS.batchSize;
      pipeline = new WritePipeline({
        ...defaults,
        org: this.org,
        bucket,
        precision,
        transport: client.transport,
        measurement: request.measurement ?? defaults.measurement,
        batchSize,
        flushInterval: request.flushInterval ?? defaults.flushInterval,
        // A buffer smaller than a batch would refuse the options; keep room for ten batches.
        maxBufferLines:
          defaults.maxBufferLines ?? Math.max(DEFAULT_WRITE_PIPELINE_OPTIONS.maxBufferLines, batchSize * 10),
        spoolDir: this.options.dataDir
          ? pipelineSpoolDir(this.options.dataDir, this.id, this.org, bucket, precision)
          : undefined,
      });
      // Every iot-write node on this bucket listens to it; more than ten is normal, not a leak.
      pipeline.setMaxListeners(0);
      this.pipelines.set(key, pipeline);
      this.appHealth?.watch(pipeline);
    }
    return pipeline;
  }

  /**
   * The device registry on the connection's bucket; one per `grantRead`, so that concurrent calls for
   * one device are serialised. Tokens are kept in `<dataDir>/device-tokens.json` (owner-only).
   */
  registry(request: RegistryRequest = {}): DeviceRegistry {
    const influxDB = this.influxDB;
    const grantRead = request.grantRead === true;
    let registry = this.registries.get(grantRead);
    if (!registry) {
      this.tokens ??= this.options.dataDir
        ? new FileTokenStore(tokenFile(this.options.dataDir))
        : new MemoryTokenStore();
      registry = new DeviceRegistry({
        influxDB,
        org: this.org,
        bucket: this.bucket,
        tokens: this.tokens,
        grantRead,
        // One file serves every config node: keys are told apart by server, then org/bucket (added by the registry).
        storeKeyPrefix: `${this.url}|`,
      });
      this.registries.set(grantRead, registry);
    }
    return registry;
  }

  get health(): Health {
    return this.monitor.health;
  }

  /** Called when health changes (not at once: read `health` for the current value). Returns unsubscribe. */
  onHealth(listener: (health: Health) => void): () => void {
    return this.monitor.onChange(listener);
  }

  /** Checks health now; listeners hear of a change. */
  checkHealth(): Promise<Health> {
    return this.monitor.check();
  }

  /** Stops health checks and closes the pipelines: each sends what it can within its close timeout and keeps the rest in its spool. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.monitor.stop();
      this.appHealth?.stop();
      const pipelines = [...this.pipelines.values()];
      this.pipelines.clear();
      this.registries.clear();
      await Promise.allSettled(pipelines.map((p) => p.close()));
    })();
    return this.closed;
  }

  get isClosed(): boolean {
    return this.closed !== undefined;
  }

  private usable(): void {
    if (this.problem) throw this.problem;
    if (this.closed)
      throw new ConnectionError('closed', `the InfluxDB connection to ${this.url} is closed (redeployed)`);
  }
}
