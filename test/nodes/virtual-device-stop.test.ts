/**
 * After Stop: the virtual device makes no point stamped later, and the example's device health check, fed by
 * the example's own nodes (virtual device → iot-write; iot-register list → lastSeen query → "table rows and
 * health"), raises one silent alert even when the last point made before Stop reaches InfluxDB after it.
 * The emulator sits behind a recording proxy that notes every write's arrival and its lines' timestamps, and
 * can hold writes back as a slow network or a busy InfluxDB would.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import type { NodeMessage } from 'node-red';
import influxdbNode = require('../../nodes/iot-influxdb/iot-influxdb');
import queryNode = require('../../nodes/iot-query/iot-query');
import registerNode = require('../../nodes/iot-register/iot-register');
import virtualDeviceNode = require('../../nodes/virtual-device/virtual-device');
import writeNode = require('../../nodes/iot-write/iot-write');
import { coreNode, readExample } from '../support/examples';
import {
  type FlowNode,
  helper,
  influxConfig,
  loadFlow,
  nextMessage,
  type Onboarded,
  send,
  startOnboarded,
  TAB,
  until,
  useNodeRed,
  waitForStatus,
  watch,
} from '../support/node-red';

interface WriteArrival {
  /** When the request reached the emulator (epoch ms). */
  arrivedMs: number;
  /** The timestamps (ms) of its lines. */
  stampsMs: number[];
}

interface RecordingProxy {
  url: string;
  writes: WriteArrival[];
  /** Writes that reach the proxy from now on wait until `release()`. */
  hold(): void;
  release(): void;
  close(): void;
}

const TO_MS: Record<string, number> = { ms: 1, s: 1000, us: 1e-3, ns: 1e-6 };

function stampsOf(body: Buffer, encoding: string | undefined, precision: string): number[] {
  const text = (encoding === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)) * (TO_MS[precision] ?? 1e-6));
}

async function recordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const writes: WriteArrival[] = [];
  let held: Array<() => void> | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', target);
      const isWrite = url.pathname === '/api/v2/write';
      const forward = (): void => {
        if (isWrite) {
          const encoding = req.headers['content-encoding'];
          const stampsMs = stampsOf(body, encoding, url.searchParams.get('precision') ?? 'ns');
          writes.push({ arrivedMs: Date.now(), stampsMs });
        }
        const request = http.request(
          { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        request.on('error', () => res.destroy());
        request.end(body);
      };
      if (isWrite && held) held.push(forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    writes,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const forward of waiting) forward();
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const example = readExample('dashboard-2.json');

/** Nodes of the Dashboard 2.0 example on the test tab, wired only to each other (the flow's own settings). */
function exampleNodes(ids: string[]): FlowNode[] {
  const keep = new Set(ids.map((id) => `iotc2.${id}`));
  return example
    .filter((n) => keep.has(n.id))
    .map((n) => ({
      ...n,
      z: TAB,
      ...(n.influxdb !== undefined ? { influxdb: 'influx' } : {}),
      wires: (n.wires ?? []).map((out) => out.filter((id) => keep.has(id))),
    }));
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('virtual-device stopped', () => {
  useNodeRed();
  let influx: Onboarded;
  let proxy: RecordingProxy;

  beforeEach(async () => {
    influx = await startOnboarded();
    proxy = await recordingProxy(influx.emulator.url);
  });
  afterEach(() => {
    proxy.close();
    return influx.emulator.close();
  });

  it('makes no point stamped after Stop, while the catch-up backfill of the deploy is still being written', async function () {
    this.timeout(120_000);
    const cfg = influxConfig(influx, { url: proxy.url });
    const [device, write] = exampleNodes(['vd', 'write']);
    await loadFlow(
      [influxdbNode, virtualDeviceNode, writeNode],
      [cfg.node, { ...device, id: 'vd', interval: '0.2', wires: [[write.id], []] }, write, ...watch('vd')],
      cfg.credentials,
    );
    const made: number[] = [];
    helper.getNode(write.id)?.on('input', (m: NodeMessage) => {
      const points = (Array.isArray(m.payload) ? m.payload : [m.payload]) as Array<{ timestamp: Date }>;
      for (const point of points) made.push(point.timestamp.getTime());
    });
    // As the example does on deploy: the missing minutes of 7 days (10,080 points) while live mode runs. Stop
    // comes as soon as they are handed to iot-write, so its batches are still being written.
    const backfilled = await send('vd', { payload: 'backfill' } as NodeMessage, 45_000);
    assert.ok(backfilled.ok, backfilled.ok ? '' : backfilled.error);
    const stopped = await send('vd', { payload: 'stop' } as NodeMessage);
    assert.ok(stopped.ok);
    const stoppedMs = Date.now();
    const madeBeforeStop = made.length;

    // Everything made reaches InfluxDB, some of it after Stop; then nothing more, for ten device intervals.
    const written = (): Set<number> => new Set(proxy.writes.flatMap((w) => w.stampsMs));
    const allWritten = (): boolean => {
      const stamps = written();
      return made.every((t) => stamps.has(t));
    };
    await until(allWritten, 'every point made in InfluxDB', 60_000);
    assert.ok(
      proxy.writes.some((w) => w.arrivedMs > stoppedMs),
      'the backfill was still being written at Stop',
    );
    // Settled: nothing buffered, no retry to come.
    await waitForStatus(
      write.id,
      (s) => /^written \S+ · buffered 0$/.test(s.text ?? ''),
      'iot-write has nothing buffered',
      30_000,
    );
    const writes = proxy.writes.length;
    await pause(2_000);
    assert.equal(proxy.writes.length, writes, 'no write once the buffer is empty');
    assert.equal(made.length, madeBeforeStop, 'no point made after Stop');
    assert.deepEqual(
      [...written()].filter((t) => t > stoppedMs),
      [],
      'no point stamped after Stop',
    );
  });

  it("raises one silent alert when the last point made before Stop reaches InfluxDB after the alert, and one 'writes again' after Start", async function () {
    this.timeout(120_000);
    const cfg = influxConfig(influx, { url: proxy.url });
    // A point every 4 s, silent after 3 intervals without one (the browser tests use 2 s; 4 leaves a loaded
    // machine more room for the writes and checks between the steps below).
    const tab = {
      id: TAB,
      type: 'tab',
      label: 'test',
      env: [
        { name: 'EXPECTED_INTERVALS', value: '{"virtual_device": 4}', type: 'json' },
        { name: 'EXPECTED_INTERVAL', value: '60', type: 'num' },
        { name: 'SILENT_AFTER_INTERVALS', value: '3', type: 'num' },
      ],
    };
    const nodes = exampleNodes(['reg.virtual', 'vd', 'write', 'reg.list', 'chg.devices', 'q.lastseen', 'fn.table']);
    const byId = (id: string): FlowNode => nodes.find((n) => n.id === `iotc2.${id}`) as FlowNode;
    byId('vd').interval = '4';
    byId('reg.virtual').wires = [['registered']];
    byId('fn.table').wires = [['rows'], [], ['alerts']];
    await loadFlow(
      [
        influxdbNode,
        virtualDeviceNode,
        writeNode,
        queryNode,
        registerNode,
        coreNode('function/15-change.js'),
        coreNode('function/10-function.js'),
      ],
      [
        tab,
        cfg.node,
        ...nodes,
        { id: 'registered', type: 'helper', z: TAB },
        { id: 'rows', type: 'helper', z: TAB },
        { id: 'alerts', type: 'helper', z: TAB },
        ...watch('iotc2.vd'),
      ],
      cfg.credentials,
    );
    const alerts: string[] = [];
    helper.getNode('alerts')?.on('input', (m: NodeMessage) => alerts.push(String(m.payload)));
    const registered = nextMessage('registered');
    helper.getNode('iotc2.reg.virtual')?.receive({ payload: Date.now() } as NodeMessage);
    await registered;
    /** One run of the example's check (its inject sends a timestamp to "list devices"); the health it gave. */
    const check = async (): Promise<string> => {
      const rows = nextMessage('rows');
      helper.getNode('iotc2.reg.list')?.receive({ payload: Date.now() } as NodeMessage);
      const table = (await rows).payload as Array<{ deviceId: string; health: string }>;
      return table.find((r) => r.deviceId === 'virtual_device')?.health ?? 'missing';
    };
    const arrived = (stampMs: number): boolean => proxy.writes.some((w) => w.stampsMs.includes(stampMs));

    // A first point and a check that learns "ok"; then the next point, after which the device is stopped.
    const made: number[] = [];
    helper.getNode('iotc2.write')?.on('input', (m: NodeMessage) => {
      made.push((m.payload as { timestamp: Date }).timestamp.getTime());
    });
    await until(() => made.length > 0 && arrived(made[0]), 'the first point in InfluxDB');
    assert.equal(await check(), 'ok');
    const before = made.length;
    await until(() => made.length > before, 'the next tick', 10_000);
    // Its write is held back, as by a loaded machine: it reaches InfluxDB only after the silent alert.
    proxy.hold();
    const lastMade = made[made.length - 1];
    assert.ok((await send('iotc2.vd', { payload: 'stop' } as NodeMessage)).ok);

    // 9 s after the last point, 13 s after the one before it: the check sees only the older one.
    await pause(lastMade + 9_000 - Date.now());
    assert.equal(await check(), 'silent');
    proxy.release();
    await until(() => arrived(lastMade), 'the held point in InfluxDB');
    // The point is younger than 3 intervals, but made before the alert: the device does not write again.
    assert.equal(await check(), 'silent');
    await pause(lastMade + 14_000 - Date.now());
    assert.equal(await check(), 'silent');
    assert.equal(alerts.length, 1, JSON.stringify(alerts));
    assert.match(alerts[0], /^virtual_device is silent: no entry for \d+ s$/);
    assert.deepEqual(
      made.filter((t) => t > lastMade),
      [],
      'nothing made after Stop',
    );

    // Start: the first point made after the alert brings the device back, once.
    assert.ok((await send('iotc2.vd', { payload: 'start' } as NodeMessage)).ok);
    await until(
      () => made.length > 0 && made[made.length - 1] > lastMade && arrived(made[made.length - 1]),
      'a new point in InfluxDB',
    );
    assert.equal(await check(), 'ok');
    assert.equal(await check(), 'ok');
    assert.deepEqual(alerts.slice(1), ['virtual_device writes again']);
  });
});
