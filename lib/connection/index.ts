/** The connection layer shared by the nodes: client, write pipelines, device registry, health. */
export { InfluxConnection, DEFAULT_HEALTH_INTERVAL_MS } from './influx-connection';
export type {
  InfluxConnectionOptions,
  PipelineDefaults,
  PipelineRequest,
  RegistryRequest,
  AppHealthSettings,
  Health,
  HealthStatus,
} from './influx-connection';
export { ConnectionError, describeInfluxError } from './errors';
export type { ConnectionErrorCode } from './errors';
export type { InfluxSettings } from './settings';
export { DEFAULT_TIMEOUT_MS, toClientOptions } from './settings';
export { checkConnection } from './connection-check';
export type { ConnectionCheck, ConnectionCheckResult } from './connection-check';
export { AppHealth, APP_HEALTH_MEASUREMENT, appHealthPoints } from './app-health';
export type { AppHealthSample, PipelineSample, WatchedPipeline } from './app-health';
export { QueryStats, median } from './query-stats';
export type { QueryPeriod } from './query-stats';
