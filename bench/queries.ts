/**
 * Issue 11 item 3: the example dashboard's queries on a fleet of 100 devices × 30 days at one minute (4.3 M points,
 * 7 fields each; quick: 10 devices × 2 days), each next to a hand-written SQL query over the same SQLite file.
 * The data is built once per run through the store's own write method, a day of the fleet per transaction (the
 * bulk path, not HTTP), into the database of an `iot-center emulator` folder whose buckets were made through its
 * API (bench/served-fleet.ts); a second bucket holds the measured device alone, for the growth figure.
 *
 * "Ours" is what a dashboard waits for: `POST /api/v2/query` over HTTP to the built emulator on that folder
 * (authentication, the query worker thread, the annotated CSV read to its last byte, on a keep-alive connection).
 * The same Flux evaluated in this process (the engine on a read-only connection, then the CSV, as a query worker
 * does) is in each figure's note, so that the HTTP part is visible; the growth figure compares it with the same
 * in the solo bucket, so that HTTP's fixed cost does not hide growth. The peer is one SQL statement that gives the
 * same answer, its rows read into JavaScript. Each iteration is a dashboard's round: every query once, each over
 * HTTP, in-process, as SQL (and in the solo bucket) in a rotating order; ratios are taken pair by pair; the medians
 * are the p50s, p95 is in the note. Before timing, each query's answer over HTTP must equal the in-process one.
 * Then the emulator's RSS holding the fleet (item 5).
 *
 * Alone: `node --import tsx bench/queries.ts [--quick] [--runs N] [--data DIR]` (--data keeps the emulator's
 * folder and reuses it when it holds a whole fleet of that size, for profiling with `node --cpu-prof`).
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
import { ensureBuilt } from '../test/browser/support/build';
import { type EmulatorOnDir, procStatusMB, startEmulatorOnDir } from './harness';
import {
  createServedBuckets,
  databaseOf,
  type FluxOverHttp,
  fluxOverHttp,
  holdsFleet,
  markFleetBuilt,
  type ServedBuckets,
  servedBuckets,
} from './served-fleet';
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

// A fixed clock, on a minute: the same data and the same windows on every run.
const DATASET_NOW_NS = 1_780_000_000_000_000_000n - (1_780_000_000_000_000_000n % MINUTE_NS);

/**
 * The fleet bucket (`devices` devices) and the solo bucket (device-0 alone), `days` days at one minute, in a
 * database file of their own (fixed bucket ids, no emulator metadata): for in-process measurements.
 */
export function buildDataset(file: string, devices: number, days: number): QueryDataset {
  const dataset = { devices, days, nowNs: DATASET_NOW_NS, file, points: 0 };
  if (fs.existsSync(file)) return { ...dataset, points: days * 1440 * (devices + 1) };
  const dir = fs.mkdtempSync(path.join(path.dirname(file), 'iot-bench-build-'));
  try {
    dataset.points = writeFleet(dir, devices, days, { fleet: FLEET.id, solo: SOLO.id });
    fs.renameSync(path.join(dir, 'influxd.sqlite'), file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return dataset;
}

/** The device the one-device queries ask for, which the solo bucket also holds alone: one in the middle. */
export function measuredDevice(devices: number): number {
  return Math.floor(devices / 2);
}

/**
 * Writes the fleet and solo points into the database of `dataDir` (created if missing) with these bucket ids,
 * through the store's own write method, with no other connection writing; returns how many points.
 */
export function writeFleet(dataDir: string, devices: number, days: number, ids: { fleet: string; solo: string }) {
  const minutes = days * 24 * 60;
  const nowNs = DATASET_NOW_NS;
  const storage = openStorage(dataDir);
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
  const soloDevice = measuredDevice(devices);
  const soloTags = tagsOf(soloDevice);
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
  let points = 0;
  for (let day = 0; day < days; day++) {
    const fleet: Point[] = [];
    const solo: Point[] = [];
    // Device by device: each series' rows go in in key order (a fifth faster than minute by minute).
    for (let d = 0; d < devices; d++)
      for (let m = day * 1440; m < (day + 1) * 1440; m++) fleet.push(point(fleetTags[d], d, m));
    for (let m = day * 1440; m < (day + 1) * 1440; m++) solo.push(point(soloTags, soloDevice, m));
    storage.points.write(ids.fleet, fleet, 0, nowNs);
    storage.points.write(ids.solo, solo, 0, nowNs);
    points += fleet.length + solo.length;
    if (day % 5 === 4)
      progress(`queries: built ${day + 1} of ${days} days (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  storage.close();
  withSqlite(storage.file, (db) => db.exec(indexSql));
  return points;
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

function fluxContext(points: PointStore, nowNs: bigint, served: ServedBuckets): FluxContext {
  const buckets = [served.fleet, served.solo];
  return {
    now: nowNs,
    orgID: served.fleet.orgID,
    points,
    findBucket: (ref) => buckets.find((b) => (ref.id !== undefined ? b.id === ref.id : b.name === ref.name)),
    listBuckets: () => buckets,
  };
}

/** What a query worker does: evaluate, then the CSV body (returned, so that nothing is optimised away). */
async function fluxToCsv(source: string, ctx: FluxContext): Promise<string> {
  const outcome = await runFlux(source, ctx);
  if (outcome.error) throw outcome.error;
  return encodeResults(outcome.results, DIALECT);
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

/** Starts the emulator on a folder holding the fleet, building the fleet first when the folder has no database. */
async function serveDataset(
  dataDir: string,
  devices: number,
  days: number,
): Promise<{ emulator: EmulatorOnDir; buckets: ServedBuckets }> {
  if (!holdsFleet(dataDir, devices, days)) {
    if (fs.existsSync(databaseOf(dataDir))) throw new Error(`bench: ${dataDir} holds a fleet cut short; remove it`);
    let points = 0;
    const buildMs = await timed(async () => {
      const { fleet, solo } = await createServedBuckets(dataDir);
      points = writeFleet(dataDir, devices, days, { fleet: fleet.id, solo: solo.id });
    });
    markFleetBuilt(dataDir, devices, days);
    progress(
      `queries: ${devices} devices × ${days} days (${points.toLocaleString('en-US')} points) in ${(buildMs / 1000).toFixed(0)} s`,
    );
  }
  const emulator = await startEmulatorOnDir(dataDir);
  try {
    return { emulator, buckets: await servedBuckets(emulator.url) };
  } catch (e) {
    await emulator.close();
    throw e;
  }
}

/** A bulk-built store must answer as one written over HTTP: the emulator's CSV is the in-process one, byte for byte. */
async function checkSameAnswer(c: QueryCase, http: FluxOverHttp, ctx: FluxContext): Promise<number> {
  const body = await http.query(c.flux, ctx.now);
  const overHttp = body.toString('utf8');
  const inProcess = await fluxToCsv(c.flux, ctx);
  if (overHttp !== inProcess || inProcess.length === 0) {
    throw new Error(
      `bench: ${c.id}: the emulator's answer (${overHttp.length} chars) is not the in-process one (${inProcess.length} chars)`,
    );
  }
  return body.length;
}

/** Runs each of `steps` once, in an order that rotates with `i`. */
async function rotated(i: number, steps: (() => Promise<void>)[]): Promise<void> {
  for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
}

export async function benchQueries(options: BenchOptions, keptDataDir?: string): Promise<Figure[]> {
  const devices = options.quick ? 10 : 100;
  const days = options.quick ? 2 : 30;
  const iterations = options.quick ? 3 : Math.max(10, options.runs * 4);
  const dataDir = keptDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-queries-'));
  const figures: Figure[] = [];
  let served: { emulator: EmulatorOnDir; buckets: ServedBuckets } | undefined;
  let db: Database | undefined;
  let http: FluxOverHttp | undefined;
  try {
    served = await serveDataset(dataDir, devices, days);
    const { emulator, buckets } = served;
    const nowNs = DATASET_NOW_NS;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
    db = new Sqlite(databaseOf(dataDir), { readonly: true });
    const ctx = fluxContext(openReadOnlyPoints(databaseOf(dataDir)), nowNs, buckets);
    const client = (http = fluxOverHttp(emulator));
    const device = `device-${measuredDevice(devices)}`;
    const fleetCases = cases(db, buckets.fleet, nowNs, device);
    // Growth: the three one-device queries against the same in a bucket of that device alone, in-process (the
    // engine and storage whose growth this is; HTTP would add the same to both and hide it).
    const soloCases = cases(db, buckets.solo, nowNs, device).slice(0, 3);
    const measured = fleetCases.map(() => ({
      overHttp: [] as number[],
      inProcess: [] as number[],
      peer: [] as number[],
    }));
    const solo = soloCases.map(() => [] as number[]);
    // Also the warm-up: statements prepared, pages cached, the query thread's code compiled.
    const answerBytes: number[] = [];
    for (const c of fleetCases) answerBytes.push(await checkSameAnswer(c, client, ctx));
    for (const c of soloCases) await fluxToCsv(c.flux, ctx);
    // A dashboard's round: every query once, each as ours over HTTP, in-process, SQL (and alone in the solo bucket),
    // in an order that rotates.
    for (let i = 0; i < iterations; i++) {
      for (const [k, c] of fleetCases.entries()) {
        const m = measured[k];
        const steps = [
          async () => {
            let bytes = 0;
            m.overHttp.push(await timed(async () => (bytes = (await client.query(c.flux, nowNs)).length)));
            // A timed answer is the whole answer checked above, not an error cut short.
            if (bytes !== answerBytes[k]) throw new Error(`bench: ${c.id}: ${bytes} bytes, not ${answerBytes[k]}`);
          },
          async () => void m.inProcess.push(await timed(() => fluxToCsv(c.flux, ctx))),
          async () => void m.peer.push(await timed(c.sql)),
        ];
        const alone = soloCases[k];
        if (alone) steps.push(async () => void solo[k].push(await timed(() => fluxToCsv(alone.flux, ctx))));
        await rotated(i + k, steps);
      }
    }
    for (const [k, c] of fleetCases.entries()) {
      const { overHttp, inProcess, peer } = measured[k];
      const p95 = percentile(overHttp, 95);
      const local = summarize(inProcess);
      const overhead = pairRatios(overHttp, inProcess);
      progress(
        `${c.id}: over HTTP p50 ${summarize(overHttp).median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; ` +
          `in-process p50 ${local.median.toFixed(1)} ms, p95 ${percentile(inProcess, 95).toFixed(1)} ms`,
      );
      figures.push(
        figure({
          id: c.id,
          item: 3,
          what: `${c.what}, ${devices} devices × ${days} days`,
          unit: 'ms',
          better: 'lower',
          ours: summarize(overHttp),
          oursName: 'POST /api/v2/query to `iot-center emulator` over HTTP (query worker, CSV read to the last byte)',
          peer: summarize(peer),
          peerName: 'hand-written SQL on the same file',
          ratio: pairRatios(overHttp, peer),
          target: { of: 'value', op: '<=', value: c.target },
          note:
            `p95 ${p95.toFixed(1)} ms over ${iterations} iterations; the same Flux in-process (engine + CSV, no ` +
            `HTTP, no thread hop): p50 ${local.median.toFixed(1)} ms, p95 ${percentile(inProcess, 95).toFixed(1)} ms, ` +
            `HTTP/in-process ${overhead.median.toFixed(2)}× (${overhead.min.toFixed(2)}–${overhead.max.toFixed(2)}); ` +
            `p95 of the SQL ${percentile(peer, 95).toFixed(1)} ms`,
        }),
      );
    }
    // Item 5: the emulator holding the fleet, after the dashboard's query set (and its peak meanwhile).
    const rss = procStatusMB(emulator.pid, 'VmRSS');
    const peak = procStatusMB(emulator.pid, 'VmHWM');
    if (rss === undefined || peak === undefined) throw new Error(`bench: no /proc status for pid ${emulator.pid}`);
    progress(`queries: emulator RSS ${rss.toFixed(0)} MB (peak ${peak.toFixed(0)} MB) after the query set`);
    figures.push(
      figure({
        id: 'memory.emulator-fleet',
        item: 5,
        what: `emulator RSS holding ${devices} devices × ${days} days after the dashboard query set`,
        unit: 'MB',
        better: 'lower',
        ours: summarize([rss]),
        oursName: "`iot-center emulator` process on the fleet's folder",
        target: { of: 'value', op: '<=', value: 300 },
        note:
          `peak RSS (VmHWM) ${peak.toFixed(0)} MB; after ${iterations + 1} runs of each of the 4 queries; the points ` +
          'were bulk-written into its folder while it was stopped, so its ingest is not in this figure (memory.emulator)',
      }),
    );
    // Per iteration, the three queries' in-process times in each bucket, each pair measured side by side.
    const sumOf = (runs: number[][]) => runs[0].map((_, i) => runs.reduce((sum, r) => sum + r[i], 0));
    const fleetRuns = sumOf(measured.slice(0, soloCases.length).map((m) => m.inProcess));
    const soloRuns = sumOf(solo);
    figures.push(
      figure({
        id: 'queries.growth',
        item: 3,
        what: `one device's three queries (fieldsAsCols 7d, hourly mean 30d, last values) in a ${devices}-device bucket against a 1-device bucket, in-process`,
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
    http?.close();
    db?.close();
    await served?.emulator.close();
    if (keptDataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}

if (require.main === module) {
  const i = process.argv.indexOf('--runs');
  const d = process.argv.indexOf('--data');
  const quick = process.argv.includes('--quick');
  ensureBuilt(); // the emulator runs as installed (dist/)
  benchQueries(
    { quick, runs: i > 0 ? Number(process.argv[i + 1]) : quick ? 1 : 5 },
    d > 0 ? path.resolve(process.argv[d + 1]) : undefined,
  ).then(
    (figures) => {
      for (const f of figures) {
        const r = f.ratio ? `${f.ratio.median.toFixed(2)}×` : '';
        process.stdout.write(
          `${f.id}: ${f.ours.median.toFixed(1)} ${f.unit} (${f.ours.min.toFixed(1)}–${f.ours.max.toFixed(1)}) peer ${f.peer?.median.toFixed(1)} ${f.unit} ratio ${r} met ${f.met} ${f.note ?? ''}\n`,
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
