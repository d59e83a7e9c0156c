/**
 * Item 5, Node-RED's side, in a process of its own: Node-RED as `iot-center start` runs it (the built
 * package, node-red-host.js), with a flow of the example's `iot-write` and the example dashboard's queries
 * behind HTTP-in routes. It takes the 100-device load (one minute of the fleet per msg), then runs the
 * query set for every device; its RSS is then read from /proc/<pid>/status.
 *
 * Run by bench/memory.ts as a child: node --import tsx bench/node-red-memory.ts URL TOKEN ORG ORG_ID MINUTES DEVICES
 * (MINUTES of the fleet are written; the queries run for the first DEVICES devices).
 * Prints one JSON line: {rssMB, peakMB, points, queries}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { BucketsAPI } from '@influxdata/influxdb-client-apis';
import type { RunningNodeRed, startNodeRed as StartNodeRed } from '../bin/node-red-launcher';
import { freePort } from '../bin/ports';
import { ensureBuilt } from '../test/browser/support/build';
import { readExample } from '../test/support/examples';
import { ROOT, procStatusMB } from './harness';
import { DEVICES, fleetPoints } from './write-throughput';

/** The dashboard's queries, as the example flow's iot-query nodes make them (format rows: one msg each). */
const QUERIES = [
  { name: 'measurements', preset: 'measurements', range: '-1d' },
  { name: 'downsampled', preset: 'downsampled', range: '-1d', every: '1h' },
  { name: 'last-values', preset: 'lastValues', range: '-1d' },
  { name: 'last-seen', preset: 'lastSeen', range: '-30d' },
] as const;

type FlowNode = Record<string, unknown> & { id: string; type: string };

function memoryFlow(): FlowNode[] {
  const example = readExample('flows.json') as FlowNode[];
  const config = example.find((n) => n.type === 'iot-influxdb');
  const write = example.find((n) => n.id === 'iotc.write');
  if (!config || !write) throw new Error('examples/flows.json has no iot-influxdb or iotc.write node');
  const tab = 'memory.tab';
  const flow: FlowNode[] = [
    { id: tab, type: 'tab', label: 'memory' },
    // App health would add its own points and queries: the figure is the load's and the queries'.
    { ...config, appHealthInterval: '0' },
    { id: 'memory.load', type: 'http in', z: tab, url: '/bench/load', method: 'post', wires: [['memory.write']] },
    { ...write, id: 'memory.write', z: tab, forward: true, wires: [['memory.loaded']] },
    { id: 'memory.loaded', type: 'http response', z: tab, wires: [] },
    { id: 'memory.reply', type: 'http response', z: tab, wires: [] },
  ];
  for (const q of QUERIES) {
    flow.push(
      {
        id: `memory.in.${q.name}`,
        type: 'http in',
        z: tab,
        url: `/bench/query/${q.name}`,
        method: 'post',
        wires: [[`memory.q.${q.name}`]],
      },
      {
        id: `memory.q.${q.name}`,
        type: 'iot-query',
        z: tab,
        influxdb: config.id,
        source: 'preset',
        preset: q.preset,
        flux: '',
        bucket: '',
        bucketType: 'str',
        deviceId: 'payload.deviceId',
        deviceIdType: 'msg',
        range: q.range,
        rangeType: 'str',
        every: 'every' in q ? q.every : '',
        everyType: 'str',
        fields: '',
        fieldsType: 'str',
        fn: '',
        format: 'rows',
        gaugeMode: 'perField',
        rowLimit: '1000000',
        wires: [['memory.reply']],
      },
    );
  }
  return flow;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`bench: ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

async function main(): Promise<void> {
  const [url, token, org, orgID, minutesText, queriedText] = process.argv.slice(2);
  const minutes = Number(minutesText);
  const queried = Number(queriedText);
  ensureBuilt();
  // The compiled launcher starts the compiled host, as `iot-center start` does after install.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startNodeRed } = require(path.join(ROOT, 'dist', 'bin', 'node-red-launcher.js')) as {
    startNodeRed: typeof StartNodeRed;
  };
  const bucket = 'bucket-memory';
  await new BucketsAPI(new InfluxDB({ url, token })).postBuckets({ body: { orgID, name: bucket, retentionRules: [] } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-memory-'));
  let nodeRed: RunningNodeRed | undefined;
  let cleaned: Promise<void> | undefined;
  cleanUp = () =>
    (cleaned ??= (async () => {
      try {
        await nodeRed?.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    })());
  try {
    const flowFile = path.join(dir, 'memory-flow.json');
    fs.writeFileSync(flowFile, JSON.stringify(memoryFlow()));
    const port = await freePort();
    nodeRed = await startNodeRed({
      packageRoot: ROOT,
      userDir: path.join(dir, 'node-red'),
      host: '127.0.0.1',
      port,
      target: { url, token, org, bucket },
      exampleFlow: flowFile,
      allowedHosts: new Set(['127.0.0.1', 'localhost']),
      provisioningKey: 'bench-memory-provisioning-key',
    });
    const base = nodeRed.url;
    // The last `minutes` minutes, so that the dashboard's ranges (-1d) hold them.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000;
    const points = fleetPoints(minutes * DEVICES, start);
    const concurrency = 4;
    let next = 0;
    const poster = async (): Promise<void> => {
      while (next < minutes) {
        const minute = next++;
        await post(`${base}/bench/load`, points.slice(minute * DEVICES, (minute + 1) * DEVICES));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, poster));
    await waitForPoints(url, token, org, bucket, points.length);
    let queries = 0;
    for (let device = 0; device < queried; device++) {
      for (const q of QUERIES) {
        await post(`${base}/bench/query/${q.name}`, { deviceId: `device-${device}` });
        queries++;
      }
    }
    const pid = nodeRed.child.pid ?? 0;
    const rssMB = procStatusMB(pid, 'VmRSS');
    const peakMB = procStatusMB(pid, 'VmHWM');
    process.stdout.write(`${JSON.stringify({ rssMB, peakMB, points: points.length, queries })}\n`);
  } finally {
    await cleanUp();
  }
}

/** Stops Node-RED and removes the folder; set once they exist. */
let cleanUp = (): Promise<void> => Promise.resolve();
// memory.ts ends a run past its time limit with SIGTERM: the Node-RED child and the folder must not outlive it.
process.once('SIGTERM', () => {
  void cleanUp().finally(() => process.exit(143));
});

/** The example's iot-write sends on its interval: polls until the bucket holds every point. */
async function waitForPoints(url: string, token: string, org: string, bucket: string, count: number): Promise<void> {
  const query = new InfluxDB({ url, token }).getQueryApi(org);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rows = await query.collectRows<{ _value: number }>(
      `from(bucket: "${bucket}") |> range(start: -30d) |> filter(fn: (r) => r._field == "Temperature") ` +
        '|> group() |> count()',
    );
    if ((rows[0]?._value ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`bench: the bucket holds ${rows[0]?._value ?? 0} of ${count} points`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench node-red-memory: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
