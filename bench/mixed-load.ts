/**
 * Issue 16's measurement: does a dashboard hold up the fleet? An emulator holds `--devices` devices ×
 * `--days` days of one-minute environment points; one writer posts 1,000 fresh points every 0.5 s and
 * a probe asks /health every 100 ms, first alone, then with `--viewers` dashboard viewers looping the
 * example dashboard's queries (last values and the downsampled series of their device over the past
 * day, and the device list over 30 days). Write and /health latencies are reported as p50/p99.
 * Peer in the same run: the in-memory emulator, which evaluates queries in-process (as every
 * emulator did before the query pool), fed the same data. Each emulator is `iot-center emulator` in
 * its own process, as the issue measured it: the bench's own client work does not share its thread.
 * Not part of `npm test`: `node --import tsx bench/query-isolation.ts [--devices 100] [--days 2]
 * [--viewers 3] [--seconds 20]`.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { createRandom, environmentPoint } from '../lib/environment';
import { presetQuery } from '../lib/query';
import { toLines } from '../lib/write';
import { runCli } from '../test/support/cli';

const TOKEN = 'bench-token';
const ORG = 'bench';
const BUCKET = 'data';
const MINUTE_MS = 60_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

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

async function prepare(dataDir: string, devices: number, days: number): Promise<Emulator> {
  const cli = runCli(['emulator', '--port', '0', '--data-dir', dataDir]);
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
  const minutes = days * 24 * 60;
  const startMs = Date.now() - minutes * MINUTE_MS;
  const writeUrl = `${emulator.url}/api/v2/write?org=${ORG}&bucket=${BUCKET}&precision=ms`;
  // An hour of the fleet per request keeps bodies moderate.
  for (let m = 0; m < minutes; m += 60) {
    const lines = environmentLines(devices, startMs + m * MINUTE_MS, Math.min(60, minutes - m), MINUTE_MS);
    await timedRequest(writeUrl, 'POST', lines.join('\n'));
  }
  return emulator;
}

interface Figures {
  writes: number[];
  health: number[];
  /** One viewer's refresh: its three dashboard queries in turn. */
  refreshes: number[];
  /** Requests that failed (refused, reset): counted, and the run goes on. */
  failures: string[];
}

async function measure(emulator: Emulator, devices: number, viewers: number, seconds: number): Promise<Figures> {
  const figures: Figures = { writes: [], health: [], refreshes: [], failures: [] };
  const failed = (err: unknown) => void figures.failures.push(err instanceof Error ? err.message : String(err));
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
  // A slow dashboard is measured, not failed: the client's 10 s default would end the run.
  const queryApi = new InfluxDB({ url: emulator.url, token: TOKEN, timeout: 300_000 }).getQueryApi(ORG);
  const looping = Array.from({ length: viewers }, async (_, v) => {
    const deviceId = `device-${(v * 37) % devices}`;
    while (Date.now() < end) {
      const start = Date.now();
      try {
        await queryApi.collectRows(presetQuery('lastValues', { bucket: BUCKET, deviceId, range: '-1d' }));
        await queryApi.collectRows(presetQuery('downsampled', { bucket: BUCKET, deviceId, range: '-1d' }));
        await queryApi.collectRows(presetQuery('deviceList', { bucket: BUCKET, range: '-30d' }));
        figures.refreshes.push(Date.now() - start);
      } catch (err) {
        failed(err);
      }
    }
  });
  await Promise.all([writer, probe, ...looping]);
  return figures;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (v: number) => `${v.toFixed(0)} ms`;

async function main(): Promise<void> {
  const devices = arg('devices', 100);
  const days = arg('days', 2);
  const viewers = arg('viewers', 3);
  const seconds = arg('seconds', 20);
  process.stdout.write(
    `${devices} devices × ${days} days at one-minute resolution; ${os.availableParallelism()} cores; ${seconds} s per run\n\n`,
  );
  process.stdout.write(
    '| emulator | viewers | write p50 | write p99 | /health p50 | /health p99 | viewer refresh p50 (count) |\n|---|---|---|---|---|---|---|\n',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-query-isolation-'));
  const setups: [string, string][] = [
    ['file, query worker threads', dir],
    ['in-memory, queries in-process', ':memory:'],
  ];
  try {
    for (const [name, dataDir] of setups) {
      const emulator = await prepare(dataDir, devices, days);
      try {
        for (const n of [0, viewers]) {
          const f = await measure(emulator, devices, n, seconds);
          if (f.failures.length > 0) {
            const kinds = [...new Set(f.failures)].join('; ');
            process.stderr.write(`${name}, ${n} viewers: ${f.failures.length} failed requests (${kinds})\n`);
            process.stderr.write(`emulator output:\n${emulator.output()}\n`);
          }
          process.stdout.write(
            `| ${name} | ${n} | ${ms(percentile(f.writes, 50))} | ${ms(percentile(f.writes, 99))} | ${ms(percentile(f.health, 50))} | ${ms(percentile(f.health, 99))} | ${f.refreshes.length ? `${ms(percentile(f.refreshes, 50))} (${f.refreshes.length})` : '–'} |\n`,
          );
        }
      } finally {
        await emulator.close();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
