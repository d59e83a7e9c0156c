/**
 * Issue 16: does a dashboard hold up the fleet? An emulator holds `devices` devices × `days` days of one-minute
 * environment points; one writer posts 1,000 fresh points every 0.5 s and a probe asks /health every 100 ms,
 * with 0, 3 and 10 dashboard viewers looping the example dashboard's queries (last values and the downsampled
 * series of their device over the past day, and the device list over 30 days). Write and /health latencies
 * (send to last byte) are reported as p50/p99 per run; the targets hold with 3 viewers. A phase of 8 s holds 16
 * writes and about 80 probes, so a run's p99 is its slowest: each figure's note says over how many samples.
 * Ours: `iot-center emulator` with a data dir (queries in worker threads). Peer in the same run: the same with
 * `--data-dir :memory:`, which evaluates queries in-process (as every emulator did before the query pool), fed
 * the same data. Each emulator runs in its own process, and the viewers in another (bench/mixed-viewers.ts),
 * so that neither their parsing nor the emulator shares the thread that times the writes.
 * In `npm run bench` as `mixed`; alone: `npm run bench -- --only mixed [--quick]`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { createRandom, environmentPoint } from '../lib/environment';
import { toLines } from '../lib/write';
import { runBuiltCli } from '../test/support/cli';
import { type BenchOptions, type Figure, figure, pairRatios, progress, summarize } from './stats';

const TOKEN = 'bench-token';
const ORG = 'bench';
const BUCKET = 'data';
const MINUTE_MS = 60_000;

// No keep-alive: a request sent on a socket the server is closing as idle would fail as a reset.
const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });

/** One request, timed from send to the last byte of the answer. */
function timedRequest(url: string, method: string, body?: string): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { authorization: `Token ${TOKEN}` } }, (res) => {
      res.resume();
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${url}: HTTP ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - start) / 1e6);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function environmentLines(devices: number, fromMs: number, minutes: number, stepMs: number): string[] {
  const random = createRandom(7);
  const points = [];
  for (let m = 0; m < minutes; m++) {
    for (let d = 0; d < devices; d++) points.push(environmentPoint(`device-${d}`, fromMs + m * stepMs, random));
  }
  return toLines(points, { precision: 'ms' }).lines;
}

interface Emulator {
  url: string;
  /** What the emulator printed, for when a run fails. */
  output(): string;
  close(): Promise<void>;
}

async function startEmulator(dataDir: string): Promise<Emulator> {
  const cli = runBuiltCli(['emulator', '--port', '0', '--data-dir', dataDir]);
  const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/);
  const emulator: Emulator = {
    url: url as string,
    output: () => cli.output(),
    close: async () => {
      cli.child.kill('SIGINT');
      await cli.exited();
    },
  };
  await new SetupAPI(new InfluxDB({ url: emulator.url })).postSetup({
    body: { org: ORG, bucket: BUCKET, username: 'bench', password: 'password1', token: TOKEN },
  });
  return emulator;
}

/** The same `days` of the fleet into every emulator: each body built once, sent to all at once (one per core). */
async function fill(emulators: Emulator[], devices: number, days: number): Promise<void> {
  const minutes = days * 24 * 60;
  const startMs = Date.now() - minutes * MINUTE_MS;
  // An hour of the fleet per request keeps bodies moderate.
  for (let m = 0; m < minutes; m += 60) {
    const body = environmentLines(devices, startMs + m * MINUTE_MS, Math.min(60, minutes - m), MINUTE_MS).join('\n');
    await Promise.all(
      emulators.map((e) =>
        timedRequest(`${e.url}/api/v2/write?org=${ORG}&bucket=${BUCKET}&precision=ms`, 'POST', body),
      ),
    );
  }
}

interface Figures {
  writes: number[];
  health: number[];
  /** One viewer's refresh: its three dashboard queries in turn. */
  refreshes: number[];
  /** Requests that failed (refused, reset): counted, and the run goes on. */
  failures: string[];
}

/** The viewers' process, started and looping: `done` resolves with what they measured once `seconds` passed. */
async function startViewers(
  emulator: Emulator,
  devices: number,
  viewers: number,
  seconds: number,
): Promise<{ done: Promise<{ refreshes: number[]; failures: string[] }> }> {
  const script = path.join(__dirname, 'mixed-viewers.ts');
  const args = [emulator.url, TOKEN, ORG, BUCKET, String(devices), String(viewers), String(seconds)];
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const started = new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('looping\n')) resolve();
    }),
  );
  const done = new Promise<{ refreshes: number[]; failures: string[] }>((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`viewers exited with ${code}: ${err}`));
      resolve(
        JSON.parse(out.slice(out.indexOf('looping\n') + 'looping\n'.length)) as {
          refreshes: number[];
          failures: string[];
        },
      );
    }),
  );
  await Promise.race([started, done]);
  return { done };
}

async function measure(emulator: Emulator, devices: number, viewers: number, seconds: number): Promise<Figures> {
  const figures: Figures = { writes: [], health: [], refreshes: [], failures: [] };
  const failed = (err: unknown) => void figures.failures.push(err instanceof Error ? err.message : String(err));
  const viewing = viewers > 0 ? await startViewers(emulator, devices, viewers, seconds) : undefined;
  const end = Date.now() + seconds * 1000;
  const writeUrl = `${emulator.url}/api/v2/write?org=${ORG}&bucket=${BUCKET}&precision=ms`;
  let fresh = Date.now();
  const writer = (async () => {
    while (Date.now() < end) {
      const next = Date.now() + 500;
      // 1,000 fresh points: 10 per device, a millisecond apart, never repeated.
      const lines = environmentLines(devices, fresh, 1000 / devices, 1);
      fresh += 1000 / devices;
      await timedRequest(writeUrl, 'POST', lines.join('\n')).then((t) => figures.writes.push(t), failed);
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  const probe = (async () => {
    while (Date.now() < end) {
      const next = Date.now() + 100;
      await timedRequest(`${emulator.url}/health`, 'GET').then((t) => figures.health.push(t), failed);
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  await Promise.all([writer, probe]);
  const viewed = (await viewing?.done) ?? { refreshes: [], failures: [] };
  figures.refreshes.push(...viewed.refreshes);
  figures.failures.push(...viewed.failures);
  return figures;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const VIEWERS = [0, 3, 10] as const;
/** The issue's targets, with 3 viewers on a 2-core machine. */
const TARGET_VIEWERS = 3;
const WRITE_P99_MS = 200;
const HEALTH_P99_MS = 100;

type Metric = 'write-p50' | 'write-p99' | 'health-p50' | 'health-p99';
const METRICS: Record<Metric, { what: string; p: number; samples: (f: Figures) => number[]; unit: string }> = {
  'write-p50': { what: 'write (1,000 points) p50', p: 50, samples: (f) => f.writes, unit: 'writes' },
  'write-p99': { what: 'write (1,000 points) p99', p: 99, samples: (f) => f.writes, unit: 'writes' },
  'health-p50': { what: '/health p50', p: 50, samples: (f) => f.health, unit: 'probes' },
  'health-p99': { what: '/health p99', p: 99, samples: (f) => f.health, unit: 'probes' },
};

/**
 * How many samples a run's percentile is over, e.g. "p99 over 16 writes per run (ours), 15–16 (peer): the slowest":
 * a phase of a few seconds holds few writes, and under 100 samples a p99 is the slowest one.
 */
function samplesNote(metric: Metric, ours: Figures[], peer?: Figures[]): string {
  const { p, samples, unit } = METRICS[metric];
  const counts = (runs: Figures[]) => runs.map((f) => samples(f).length);
  const range = (runs: Figures[]) => {
    const [least, most] = [Math.min(...counts(runs)), Math.max(...counts(runs))];
    return least === most ? `${least}` : `${least}–${most}`;
  };
  const slowest = p === 99 && Math.max(...counts([...ours, ...(peer ?? [])])) <= 100 ? ': the slowest' : '';
  return `p${p} over ${range(ours)} ${unit} per run${peer ? ` (ours), ${range(peer)} (peer)` : ''}${slowest}`;
}

export async function benchMixedLoad(options: BenchOptions): Promise<Figure[]> {
  const size = options.quick
    ? { devices: 10, days: 1, seconds: 1, runs: 1 }
    : // 2 runs of 8 s phases fit the whole benchmark's 5 minutes (a median of 2 is their mean: the table says 2 runs).
      { devices: 100, days: 2, seconds: 8, runs: Math.min(options.runs, 2) };
  const { devices, days, seconds, runs } = size;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-mixed-load-'));
  // [emulator][viewers][run]
  const measured = { ours: new Map<number, Figures[]>(), peer: new Map<number, Figures[]>() };
  let ours: Emulator | undefined;
  let peer: Emulator | undefined;
  try {
    progress(`mixed load: ${devices} devices × ${days} days into a file-backed and an in-memory emulator`);
    // Both start at once; one that did start is closed below even when the other failed.
    const started = await Promise.allSettled([startEmulator(dir), startEmulator(':memory:')]);
    [ours, peer] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    if (!ours || !peer) throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
    await fill([ours, peer], devices, days);
    for (let run = 0; run < runs; run++) {
      for (const viewers of VIEWERS) {
        // Which emulator goes first alternates by run.
        const sides = [
          ['ours', ours],
          ['peer', peer],
        ] as const;
        for (const [name, emulator] of run % 2 === 0 ? sides : [...sides].reverse()) {
          progress(`mixed load: run ${run + 1}/${runs}, ${name}, ${viewers} viewers, ${seconds} s`);
          const f = await measure(emulator, devices, viewers, seconds);
          const list = measured[name].get(viewers) ?? [];
          list.push(f);
          measured[name].set(viewers, list);
          if (f.failures.length > 0) {
            progress(
              `mixed load: ${name}, ${viewers} viewers: ${f.failures.length} failed (${[...new Set(f.failures)].join('; ')})`,
            );
          }
        }
      }
    }
  } finally {
    await ours?.close();
    await peer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
  const scale = `${devices} devices × ${days} days, 1,000 points every 0.5 s, /health every 100 ms`;
  const oursName = 'emulator with a data dir (queries in worker threads)';
  const peerName = 'in-memory emulator (queries in-process)';
  const runsOf = (name: 'ours' | 'peer', viewers: number) => measured[name].get(viewers) ?? [];
  const of = (name: 'ours' | 'peer', viewers: number, metric: Metric) =>
    runsOf(name, viewers).map((f) => percentile(METRICS[metric].samples(f), METRICS[metric].p));
  const note = (viewers: number, metric: Metric) =>
    samplesNote(metric, runsOf('ours', viewers), runsOf('peer', viewers));
  const figures: Figure[] = [];
  for (const viewers of VIEWERS) {
    for (const metric of Object.keys(METRICS) as Metric[]) {
      const o = of('ours', viewers, metric);
      const p = of('peer', viewers, metric);
      figures.push(
        figure({
          id: `mixed.${viewers}-viewers.${metric}`,
          item: 16,
          section: 'mixed',
          what: `${METRICS[metric].what}, ${viewers} viewers`,
          unit: 'ms',
          better: 'lower',
          ours: summarize(o),
          oursName,
          peer: summarize(p),
          peerName,
          ratio: pairRatios(o, p),
          note: note(viewers, metric),
        }),
      );
    }
  }
  const target = (metric: Metric, limit: number, id: string): Figure => {
    const o = of('ours', TARGET_VIEWERS, metric);
    const p = of('peer', TARGET_VIEWERS, metric);
    return figure({
      id,
      item: 16,
      what:
        `${METRICS[metric].what} with ${TARGET_VIEWERS} dashboard viewers looping (${scale}; ` +
        `${samplesNote(metric, runsOf('ours', TARGET_VIEWERS))})`,
      unit: 'ms',
      better: 'lower',
      ours: summarize(o),
      oursName,
      peer: summarize(p),
      peerName,
      ratio: pairRatios(o, p),
      target: { of: 'value', op: '<=', value: limit },
      note: note(TARGET_VIEWERS, metric),
    });
  };
  figures.push(target('write-p99', WRITE_P99_MS, 'mixed.write-p99'));
  figures.push(target('health-p99', HEALTH_P99_MS, 'mixed.health-p99'));
  const failures = [...measured.ours.values()].flat();
  figures.push(
    figure({
      id: 'mixed.failed',
      item: 16,
      what: `failed requests (writes, /health, viewers' queries) with 0, 3 and 10 viewers, all runs`,
      unit: 'requests',
      better: 'lower',
      ours: { ...summarize([failures.reduce((n, f) => n + f.failures.length, 0)]), sumOfRuns: runs },
      oursName,
      target: { of: 'value', op: '<=', value: 0 },
    }),
  );
  return figures;
}
