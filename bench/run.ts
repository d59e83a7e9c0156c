/**
 * `npm run bench`: reproducible measurements, each next to a peer measured in the same run on the same
 * machine. Results are printed as a Markdown table and written to BENCHMARKS.md.
 * Options: --points N (default 100000), --devices N (default 10), --out FILE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { startEmulator, RunningEmulator } from '../emulator';
import { parseLineProtocol } from '../emulator/lineprotocol/parse';
import { environmentPoint, createRandom } from '../lib/environment';
import { deviceMeasurementsQuery, downsampledQuery } from '../lib/query';
import { toLines, WritePipeline } from '../lib/write';

interface Row {
  what: string;
  ours: string;
  peer: string;
  peerName: string;
}

const TOKEN = 'bench-token';
const ORG = 'bench';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
const millis = (ms: number) => `${ms.toFixed(1)} ms`;

async function freshEmulator(): Promise<{ emulator: RunningEmulator; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-'));
  const emulator = await startEmulator({ port: 0, dataDir: dir, retentionCheckIntervalMs: 0 });
  await new SetupAPI(new InfluxDB({ url: emulator.url })).postSetup({
    body: { org: ORG, bucket: 'data', username: 'bench', password: 'password1', token: TOKEN },
  });
  return { emulator, dir };
}

function devicePoints(count: number, devices: number, startMs: number): ReturnType<typeof environmentPoint>[] {
  const random = createRandom(42);
  const points = [];
  for (let i = 0; i < count; i++) {
    points.push(environmentPoint(`device-${i % devices}`, startMs + Math.floor(i / devices) * 60_000, random));
  }
  return points;
}

/** The same point object as the client's Point: float fields, `{type: 'int'}` as intField, ms timestamp. */
function toClientPoint(p: ReturnType<typeof environmentPoint>): Point {
  const point = new Point(p.measurement ?? 'environment');
  for (const [key, value] of Object.entries(p.tags ?? {})) point.tag(key, value);
  for (const [key, value] of Object.entries(p.fields)) {
    if (typeof value === 'number') point.floatField(key, value);
    else if (typeof value === 'object' && value !== null && value.type === 'int') point.intField(key, value.value);
  }
  return point.timestamp(p.timestamp as number);
}

async function benchWrites(count: number, devices: number): Promise<Row[]> {
  const startMs = Date.UTC(2026, 0, 1);
  const points = devicePoints(count, devices, startMs);

  // Ours: the iot-write pipeline with its durable spool.
  const ours = await freshEmulator();
  const spoolDir = path.join(ours.dir, 'spool');
  const pipeline = new WritePipeline({
    url: ours.emulator.url,
    token: TOKEN,
    org: ORG,
    bucket: 'data',
    batchSize: 5000,
    flushInterval: 0,
    spoolDir,
  });
  const oursMs = await timed(async () => {
    pipeline.write(points);
    await pipeline.flush();
  });
  await pipeline.close();
  await ours.emulator.close();

  // Peer: the official client's WriteApi fed the same points as client Points (what the InfluxDB nodes
  // people use today do), same batch size, no durability.
  const peer = await freshEmulator();
  let acknowledged = 0;
  const writeApi = new InfluxDB({ url: peer.emulator.url, token: TOKEN }).getWriteApi(ORG, 'data', 'ms', {
    batchSize: 5000,
    flushInterval: 0,
    writeSuccess: (batch) => void (acknowledged += batch.length),
  });
  const peerMs = await timed(async () => {
    for (const p of points) writeApi.writePoint(toClientPoint(p));
    await writeApi.close();
    while (acknowledged < count) await new Promise((r) => setTimeout(r, 1));
  });
  await peer.emulator.close();
  fs.rmSync(ours.dir, { recursive: true, force: true });
  fs.rmSync(peer.dir, { recursive: true, force: true });

  return [
    {
      what: `write ${count.toLocaleString('en-US')} environment points (7 fields) into the emulator, until acknowledged`,
      ours: `${rate(count, oursMs)} (iot-write pipeline, spooled to disk)`,
      peer: rate(count, peerMs),
      peerName: 'influxdb-client WriteApi (memory only)',
    },
  ];
}

async function benchQueries(count: number, devices: number): Promise<Row[]> {
  const { emulator, dir } = await freshEmulator();
  const startMs = Date.now() - Math.ceil(count / devices) * 60_000;
  const lines = toLines(devicePoints(count, devices, startMs), { precision: 'ms' }).lines;
  const writeApi = new InfluxDB({ url: emulator.url, token: TOKEN }).getWriteApi(ORG, 'data', 'ms', {
    batchSize: 10_000,
  });
  writeApi.writeRecords(lines);
  await writeApi.close();
  await new Promise((r) => setTimeout(r, 500));

  const queryApi = new InfluxDB({ url: emulator.url, token: TOKEN }).getQueryApi(ORG);
  const params = { bucket: 'data', deviceId: 'device-3', range: '-30d' };
  const pivoted = deviceMeasurementsQuery(params);
  const downsampled = downsampledQuery({ ...params, every: '1h' });
  // Peer: the same one-device query written without a pushable predicate, so the whole bucket is read.
  const unpushed = `import "influxdata/influxdb/v1"
from(bucket: "data") |> range(start: -30d) |> filter(fn: (r) => r._measurement + "" == "environment" and r.clientId + "" == "device-3") |> v1.fieldsAsCols()`;

  const rows: Row[] = [];
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await timed(async () => void (await fn())));
    return times.sort((a, b) => a - b)[2];
  };
  const pivotMs = await median(() => queryApi.collectRows(pivoted));
  const unpushedMs = await median(() => queryApi.collectRows(unpushed));
  rows.push({
    what: `one device, 30 days, fieldsAsCols (${devices} devices, ${count.toLocaleString('en-US')} points in the bucket), median of 5`,
    ours: `${millis(pivotMs)} (measurement/tag predicates pushed to SQLite)`,
    peer: millis(unpushedMs),
    peerName: 'same query, predicates not pushable (whole bucket read)',
  });
  const downMs = await median(() => queryApi.collectRows(downsampled));
  rows.push({
    what: 'one device, 30 days, aggregateWindow(every: 1h, fn: mean), median of 5',
    ours: millis(downMs),
    peer: millis(pivotMs),
    peerName: 'raw rows of the same range (fieldsAsCols)',
  });
  await emulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return rows;
}

async function benchParse(count: number): Promise<Row[]> {
  const lines = toLines(devicePoints(count, 10, Date.UTC(2026, 0, 1)), { precision: 'ms' }).lines;
  const body = lines.join('\n');
  // Warm both up once, then take the median of three runs: the first run also measures the JIT.
  const medianOf3 = async (fn: () => void) => {
    fn();
    const times = [await timed(fn), await timed(fn), await timed(fn)];
    return times.sort((a, b) => a - b)[1];
  };
  const parseMs = await medianOf3(() => void parseLineProtocol(body, 'ms', 0n));
  const splitMs = await medianOf3(() => {
    // Peer: the least any parser must do — split lines and fields, no escapes, no types.
    let fields = 0;
    for (const line of body.split('\n')) fields += line.split(' ')[1].split(',').length;
    if (fields === 0) throw new Error('no fields');
  });
  return [
    {
      what: `parse ${count.toLocaleString('en-US')} lines of line protocol (${(body.length / 1e6).toFixed(1)} MB), median of 3`,
      ours: rate(count, parseMs),
      peer: rate(count, splitMs),
      peerName: 'String.split only (no escapes, no validation)',
    },
  ];
}

const READING = `
How to read it:
- Parsing is the emulator's full line-protocol parser (escapes, types, OSS error messages) against the least any
  parser must do; it bounds what the emulator can ingest, not the nodes.
- Writing puts the emulator and the writer in one process on the same cores, so both columns are bounded by the
  emulator's SQLite inserts. The iot-write pipeline spools every line to disk before sending, validates each
  point, and still lands within a few tens of percent of the client's WriteApi, which keeps nothing across a
  restart.
- Queries: a one-device dashboard query reads only that device's series because the Flux engine pushes
  \`_measurement\`, \`_field\` and tag equality down to SQLite; the peer is the same query with predicates the
  engine cannot push, so the whole bucket is read and filtered row by row.
`;

async function main(): Promise<void> {
  const count = arg('points', 100_000);
  const devices = arg('devices', 10);
  const rows = [
    ...(await benchParse(count)),
    ...(await benchWrites(count, devices)),
    ...(await benchQueries(count, devices)),
  ];
  const header = `| measurement | ours | peer | peer is |\n|---|---|---|---|\n`;
  const table = header + rows.map((r) => `| ${r.what} | ${r.ours} | ${r.peer} | ${r.peerName} |`).join('\n');
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const text =
    `# Benchmarks\n\nRun with \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, ${machine}).\n` +
    `Each line measures ours next to a peer in the same run; numbers vary by machine, compare within a row.\n\n${table}\n${READING}`;
  process.stdout.write(`${table}\n`);
  const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'BENCHMARKS.md';
  fs.writeFileSync(out, text);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
