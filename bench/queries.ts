/**
 * Issue 11 item 3: the example dashboard's queries on a fleet of 100 devices × 30 days at one minute (4.3 M points,
 * 7 fields each; quick: 10 devices × 2 days), each next to a hand-written SQL query over the same SQLite file.
 * The data is built once per run through the store's own write method, a day of the fleet per transaction (the
 * bulk path, not HTTP), in a file of its own; a second bucket holds one device alone, for the growth figure.
 *
 * "Ours" is what a query worker does for `POST /api/v2/query`: the Flux engine on a read-only connection to the
 * file, then the annotated CSV (emulator/query-pool/evaluate.ts), without the thread hop. The peer is one SQL
 * statement that gives the same answer, its rows read into JavaScript. Each iteration runs both, in alternating
 * order, and the ratio is taken pair by pair; the medians are the p50s, p95 is in the note.
 *
 * Alone: `node --import tsx bench/queries.ts [--quick] [--runs N] [--data FILE]` (--data keeps the built file
 * and reuses it when it exists, for profiling with `node --cpu-prof`).
 */
import type { Database } from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENVIRONMENT_FIELDS, createRandom, generateField } from '../lib/environment';
import { deviceListQuery, deviceMeasurementsQuery, downsampledQuery, lastValuesQuery } from '../lib/query';
import type { Dialect } from '../emulator/flux/csv/dialect';
import { encodeResults } from '../emulator/flux/csv/encode';
import { runFlux, type FluxContext } from '../emulator/flux/engine';
import { openReadOnlyPoints, openStorage } from '../emulator/storage/sqlite/open';
import type { Bucket, FieldValue, Point, PointStore } from '../emulator/storage/types';
import { type BenchOptions, type Figure, figure, pairRatios, progress, summarize, timed } from './stats';

const MINUTE_NS = 60_000_000_000n;
const ORG_ID = '0000000000000001';
const FLEET: Bucket = bucketOf('fleet', '00000000000000f1');
const SOLO: Bucket = bucketOf('solo', '00000000000000f2');
const DIALECT: Dialect = { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'] };

function bucketOf(name: string, id: string): Bucket {
  return {
    id,
    orgID: ORG_ID,
    name,
    type: 'user',
    retentionSeconds: 0,
    shardGroupDurationSeconds: 604800,
    createdAt: '',
    updatedAt: '',
  };
}

export interface QueryDataset {
  devices: number;
  days: number;
  /** Nanoseconds: the newest point is one minute before. */
  nowNs: bigint;
  file: string;
  points: number;
}

/** The fleet bucket (`devices` devices) and the solo bucket (device-0 alone), `days` days at one minute. */
export function buildDataset(file: string, devices: number, days: number): QueryDataset {
  const minutes = days * 24 * 60;
  // A fixed clock, on a minute: the same data and the same windows on every run.
  const nowNs = 1_780_000_000_000_000_000n - (1_780_000_000_000_000_000n % MINUTE_NS);
  const dataset = { devices, days, nowNs, file, points: 0 };
  if (fs.existsSync(file)) return { ...dataset, points: minutes * (devices + 1) };
  const dir = fs.mkdtempSync(path.join(path.dirname(file), 'iot-bench-build-'));
  const storage = openStorage(dir);
  // The time index (retention's) is built once at the end: one sort instead of 30 M scattered inserts
  // (about a third of the build). A second connection drops it; the store's statements re-prepare.
  const indexSql = withSqlite(storage.file, (db) => {
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'points_by_time'").pluck().get() as string;
    db.exec('DROP INDEX points_by_time');
    return sql;
  });
  const random = createRandom(11);
  const tagsOf = (d: number): [string, string][] => [
    ['CO2Sensor', 'virtual_CO2Sensor'],
    ['GPSSensor', 'virtual_GPSSensor'],
    ['HumiditySensor', 'virtual_HumiditySensor'],
    ['PressureSensor', 'virtual_PressureSensor'],
    ['TVOCSensor', 'virtual_TVOCSensor'],
    ['TemperatureSensor', 'virtual_TemperatureSensor'],
    ['clientId', `device-${d}`],
  ];
  const fleetTags = Array.from({ length: devices }, (_, d) => tagsOf(d));
  const soloTags = tagsOf(0);
  const point = (tags: [string, string][], d: number, m: number): Point => {
    const timeMs = Number(nowNs / 1_000_000n) - (minutes - m) * 60_000;
    const fields = new Map<string, FieldValue>();
    for (const spec of ENVIRONMENT_FIELDS) {
      const value = generateField(spec, timeMs, random);
      fields.set(spec.name, spec.type === 'int' ? { type: 'long', value: BigInt(value) } : { type: 'double', value });
    }
    fields.set('Lat', { type: 'double', value: 50 + d / 1000 + m / 1e7 });
    fields.set('Lon', { type: 'double', value: 14 + d / 1000 - m / 1e7 });
    return { measurement: 'environment', tags, fields, time: BigInt(timeMs) * 1_000_000n };
  };
  const started = Date.now();
  for (let day = 0; day < days; day++) {
    const fleet: Point[] = [];
    const solo: Point[] = [];
    // Device by device: each series' rows go in in key order (a fifth faster than minute by minute).
    for (let d = 0; d < devices; d++)
      for (let m = day * 1440; m < (day + 1) * 1440; m++) fleet.push(point(fleetTags[d], d, m));
    for (let m = day * 1440; m < (day + 1) * 1440; m++) solo.push(point(soloTags, 0, m));
    storage.points.write(FLEET.id, fleet, 0, nowNs);
    storage.points.write(SOLO.id, solo, 0, nowNs);
    dataset.points += fleet.length + solo.length;
    if (day % 5 === 4)
      progress(`queries: built ${day + 1} of ${days} days (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  storage.close();
  withSqlite(path.join(dir, 'influxd.sqlite'), (db) => db.exec(indexSql));
  fs.renameSync(path.join(dir, 'influxd.sqlite'), file);
  fs.rmSync(dir, { recursive: true, force: true });
  return dataset;
}

function withSqlite<T>(file: string, use: (db: Database) => T): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Sqlite(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

function fluxContext(points: PointStore, nowNs: bigint): FluxContext {
  const buckets = [FLEET, SOLO];
  return {
    now: nowNs,
    orgID: ORG_ID,
    points,
    findBucket: (ref) => buckets.find((b) => (ref.id !== undefined ? b.id === ref.id : b.name === ref.name)),
    listBuckets: () => buckets,
  };
}

/** What a query worker does: evaluate, then the CSV body. Returns its length (so nothing is optimised away). */
async function fluxToCsv(source: string, ctx: FluxContext): Promise<number> {
  const outcome = await runFlux(source, ctx);
  if (outcome.error) throw outcome.error;
  return encodeResults(outcome.results, DIALECT).length;
}

interface QueryCase {
  id: string;
  what: string;
  flux: string;
  sql: () => unknown[];
  target: number;
}

/** The hand-written SQL of each dashboard query, over the emulator's tables. */
function sqlCases(db: Database, bucket: Bucket, nowNs: bigint, device: string) {
  const since = (days: number) => nowNs - BigInt(days) * 1440n * MINUTE_NS;
  const deviceSeries = `SELECT s.id, s.field FROM series s JOIN series_tags t ON t.series_id = s.id
    WHERE s.bucket_id = ? AND s.measurement = 'environment' AND t.key = 'clientId' AND t.value = ?`;
  const rows = db
    .prepare(
      `WITH d AS (${deviceSeries}) SELECT p.time, d.field, p.value FROM d JOIN points p ON p.series_id = d.id
       WHERE p.time >= ? AND p.time < ? ORDER BY p.time, d.field`,
    )
    .raw(true)
    .safeIntegers(true);
  const hourly = db
    .prepare(
      `WITH d AS (${deviceSeries}) SELECT d.field, p.time / 3600000000000 AS hour, avg(p.value)
       FROM d JOIN points p ON p.series_id = d.id WHERE p.time >= ? AND p.time < ? GROUP BY d.field, hour`,
    )
    .raw(true);
  const last = db
    .prepare(
      `WITH d AS (${deviceSeries}) SELECT d.field, p.time, p.value FROM d JOIN points p ON p.series_id = d.id
       AND p.time = (SELECT max(time) FROM points WHERE series_id = d.id AND time >= ? AND time < ?)`,
    )
    .raw(true)
    .safeIntegers(true);
  const devices = db
    .prepare(
      `SELECT t.value, max((SELECT max(time) FROM points WHERE series_id = s.id AND time >= ? AND time < ?))
       FROM series s JOIN series_tags t ON t.series_id = s.id AND t.key = 'clientId'
       WHERE s.bucket_id = ? AND s.measurement = 'environment' GROUP BY t.value ORDER BY t.value`,
    )
    .raw(true)
    .safeIntegers(true);
  return {
    fieldsAsCols: () => pivot(rows.all(bucket.id, device, since(7), nowNs) as [bigint, string, unknown][]),
    hourly: () => hourly.all(bucket.id, device, since(30), nowNs),
    last: () => last.all(bucket.id, device, since(1), nowNs),
    devices: () => devices.all(since(30), nowNs, bucket.id),
  };
}

/** One row per time, one cell per field: what a hand-written client does with the rows. */
function pivot(rows: [bigint, string, unknown][]): unknown[] {
  const out: Record<string, unknown>[] = [];
  let current: Record<string, unknown> | undefined;
  for (const [time, field, value] of rows) {
    if (current?._time !== time) out.push((current = { _time: time }));
    current[field] = value;
  }
  return out;
}

function cases(db: Database, bucket: Bucket, nowNs: bigint, device: string): QueryCase[] {
  const sql = sqlCases(db, bucket, nowNs, device);
  const name = bucket.name;
  return [
    {
      id: 'queries.fields-as-cols',
      what: "one device's 7 days as `v1.fieldsAsCols()` (deviceMeasurementsQuery)",
      flux: deviceMeasurementsQuery({ bucket: name, deviceId: device, range: '-7d' }).toString(),
      sql: sql.fieldsAsCols,
      target: 150,
    },
    {
      id: 'queries.downsampled',
      what: "one device's 30 days as `aggregateWindow(every: 1h, fn: mean)` (downsampledQuery)",
      flux: downsampledQuery({ bucket: name, deviceId: device, range: '-30d', every: '1h', fn: 'mean' }).toString(),
      sql: sql.hourly,
      target: 100,
    },
    {
      id: 'queries.last-values',
      what: "one device's last values (lastValuesQuery, -1d)",
      flux: lastValuesQuery({ bucket: name, deviceId: device, range: '-1d' }).toString(),
      sql: sql.last,
      target: 20,
    },
    {
      id: 'queries.device-list',
      what: 'the device list with last seen over 30 days (deviceListQuery)',
      flux: deviceListQuery({ bucket: name, range: '-30d' }).toString(),
      sql: sql.devices,
      target: 50,
    },
  ];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function benchQueries(options: BenchOptions, dataFile?: string): Promise<Figure[]> {
  const devices = options.quick ? 10 : 100;
  const days = options.quick ? 2 : 30;
  const iterations = options.quick ? 3 : Math.max(10, options.runs * 4);
  const keep = dataFile !== undefined;
  const file = dataFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-queries-')), 'q.sqlite');
  let built: QueryDataset | undefined;
  const buildMs = await timed(() => (built = buildDataset(file, devices, days)));
  const dataset = built as QueryDataset;
  progress(
    `queries: ${devices} devices × ${days} days (${dataset.points.toLocaleString('en-US')} points) in ${(buildMs / 1000).toFixed(0)} s`,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Sqlite(file, { readonly: true });
  const ctx = fluxContext(openReadOnlyPoints(file), dataset.nowNs);
  const figures: Figure[] = [];
  try {
    const device = `device-${Math.floor(devices / 2)}`;
    const fleetCases = cases(db, FLEET, dataset.nowNs, device);
    for (const c of fleetCases) {
      const ours: number[] = [];
      const peer: number[] = [];
      await fluxToCsv(c.flux, ctx); // warm-up: statements prepared, pages cached
      for (let i = 0; i < iterations; i++) {
        if (i % 2 === 0) {
          ours.push(await timed(() => fluxToCsv(c.flux, ctx)));
          peer.push(await timed(c.sql));
        } else {
          peer.push(await timed(c.sql));
          ours.push(await timed(() => fluxToCsv(c.flux, ctx)));
        }
      }
      const p95 = percentile(ours, 95);
      progress(`${c.id}: p50 ${summarize(ours).median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
      figures.push(
        figure({
          id: c.id,
          item: 3,
          what: `${c.what}, ${devices} devices × ${days} days`,
          unit: 'ms',
          better: 'lower',
          ours: summarize(ours),
          oursName: 'Flux engine + annotated CSV (query worker, in-process)',
          peer: summarize(peer),
          peerName: 'hand-written SQL on the same file',
          ratio: pairRatios(ours, peer),
          target: { of: 'value', op: '<=', value: c.target },
          note: `p95 ${p95.toFixed(1)} ms over ${iterations} iterations; p95 of the SQL ${percentile(peer, 95).toFixed(1)} ms`,
        }),
      );
    }
    // Growth: the three one-device queries in the fleet bucket against the same in a bucket of that device alone.
    const soloCases = cases(db, SOLO, dataset.nowNs, 'device-0').slice(0, 3);
    const fleetDevice0 = cases(db, FLEET, dataset.nowNs, 'device-0').slice(0, 3);
    const all = async (cs: QueryCase[]) => {
      for (const c of cs) await fluxToCsv(c.flux, ctx);
    };
    const fleetRuns: number[] = [];
    const soloRuns: number[] = [];
    for (let i = 0; i < iterations; i++) {
      if (i % 2 === 0) {
        fleetRuns.push(await timed(() => all(fleetDevice0)));
        soloRuns.push(await timed(() => all(soloCases)));
      } else {
        soloRuns.push(await timed(() => all(soloCases)));
        fleetRuns.push(await timed(() => all(fleetDevice0)));
      }
    }
    figures.push(
      figure({
        id: 'queries.growth',
        item: 3,
        what: `one device's three queries (fieldsAsCols 7d, hourly mean 30d, last values) in a ${devices}-device bucket against a 1-device bucket`,
        unit: 'ms',
        better: 'lower',
        ours: summarize(fleetRuns),
        oursName: `bucket of ${devices} devices`,
        peer: summarize(soloRuns),
        peerName: 'bucket of that device alone',
        ratio: pairRatios(fleetRuns, soloRuns),
        target: { of: 'ratio', op: '<=', value: 1.5 },
      }),
    );
  } finally {
    db.close();
    if (!keep) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  return figures;
}

if (require.main === module) {
  const i = process.argv.indexOf('--runs');
  const d = process.argv.indexOf('--data');
  const quick = process.argv.includes('--quick');
  benchQueries(
    { quick, runs: i > 0 ? Number(process.argv[i + 1]) : quick ? 1 : 5 },
    d > 0 ? path.resolve(process.argv[d + 1]) : undefined,
  ).then(
    (figures) => {
      for (const f of figures) {
        const r = f.ratio ? `${f.ratio.median.toFixed(2)}×` : '';
        process.stdout.write(
          `${f.id}: ${f.ours.median.toFixed(1)} ms (${f.ours.min.toFixed(1)}–${f.ours.max.toFixed(1)}) peer ${f.peer?.median.toFixed(1)} ms ratio ${r} met ${f.met} ${f.note ?? ''}\n`,
        );
      }
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
