/** What every handler can reach: the stores, the options the emulator was started with, and the clock. */
import type { FaultInjector } from './faults/injector';
import type { FaultRule } from './faults/rules';
import type { QueryController, QueryServiceOptions } from './query-pool';
import { QUERY_LIMIT_DEFAULTS } from './query-pool/limits';
import type { MetadataStore, PointStore } from './storage/types';

export interface EmulatorOptions extends QueryServiceOptions {
  /** Default 127.0.0.1. */
  host: string;
  /** 0 picks a free port. Default 8086. */
  port: number;
  /** Folder for `influxd.sqlite`, or ':memory:' for a throw-away emulator (which evaluates queries in-process). */
  dataDir: string;
  /** Largest accepted write body after decompression, in bytes; 0 = unlimited. */
  maxBodyBytes: number;
  /** Reported in `X-Influxdb-Version`, `/health`. */
  version: string;
  /** How often retention is enforced, in ms; 0 = never (tests call it directly). */
  retentionCheckIntervalMs: number;
  /** How often due tasks are looked for, in ms; 0 = never (tests call the scheduler directly). */
  taskCheckIntervalMs: number;
  /** Fault injection for testing clients (throttling, outages, slowness, drops); none by default. */
  faults?: FaultRule[];
}

export const DEFAULT_OPTIONS: EmulatorOptions = {
  host: '127.0.0.1',
  port: 8086,
  dataDir: ':memory:',
  maxBodyBytes: 50 * 1024 * 1024,
  version: 'v2.7.12',
  retentionCheckIntervalMs: 60_000,
  taskCheckIntervalMs: 1000,
  ...QUERY_LIMIT_DEFAULTS,
  queryWorkers: 0,
};

export interface EmulatorState {
  meta: MetadataStore;
  points: PointStore;
  options: EmulatorOptions;
  startedAt: Date;
  /** Decides which requests get an injected fault; changed at runtime through `RunningEmulator.faults`. */
  faults: FaultInjector;
  /** Server time in nanoseconds since the epoch. */
  nowNs(): bigint;
  /** Evaluates queries and task scripts under InfluxDB's query limits, off the main thread for a database file. */
  queries: QueryController;
}
