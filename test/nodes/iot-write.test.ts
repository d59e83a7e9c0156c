/**
 * The `iot-write` node in Node-RED against the emulator over HTTP: points land and are queried back,
 * bad points are named while the good ones go, batches by size, and nothing is lost in an outage or a
 * restart.
 */
import { shortText } from '../../nodes/shared/status';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { startEmulator, type RunningEmulator } from '../../emulator';
import writeNode = require('../../nodes/iot-write/iot-write');
import type { InfluxConfigNode } from '../../nodes/iot-influxdb/types';
import type { FlowNode, Outcome } from '../support/node-red';
import {
  helper,
  lastStatus,
  loadFlow,
  nextMessage,
  send,
  TAB,
  TEST_TOKEN,
  until,
  useNodeRedWithEmulator,
  waitForStatus,
  watch,
} from '../support/node-red';
import { quietClientLogs } from '../support/emulator';
import { freePort } from '../support/scripted-influx';

const T0 = Date.parse('2024-01-02T00:00:00Z');
const reading = (i: number, extra: Record<string, unknown> = {}) => ({
  fields: { Temperature: 20 + i },
  timestamp: T0 + i * 1000,
  ...extra,
});

describe('iot-write', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  quietClientLogs();

  const writer = (fields: Partial<FlowNode> = {}): FlowNode => ({
    id: 'w',
    type: 'iot-write',
    z: TAB,
    influxdb: 'influx',
    bucket: '',
    measurement: 'environment',
    precision: 'ms',
    batchSize: 1000,
    flushInterval: 20,
    clientId: 'deviceId',
    clientIdType: 'msg',
    forward: true,
    wires: [['out']],
    ...fields,
  });
  const load = async (fields: Partial<FlowNode> = {}, config: Partial<FlowNode> = {}, token?: string) => {
    await fixture.deploy(
      [writeNode],
      [writer(fields), { id: 'out', type: 'helper', z: TAB }, ...watch('w')],
      config,
      token,
    );
  };
  const ok = (outcome: Outcome) => assert.ok(outcome.ok, `expected done(), got ${outcome.ok ? '' : outcome.error}`);
  const pipeline = () => (helper.getNode('influx') as InfluxConfigNode).connection.pipeline();
  /** [measurement, clientId, Temperature] of every stored point, by time. */
  const stored = async (
    server: { url: string } = fixture.influx.emulator,
  ): Promise<Array<[string, string, number]>> => {
    const rows = await new InfluxDB({ url: server.url, token: TEST_TOKEN })
      .getQueryApi('my-org')
      .collectRows<{ _measurement: string; clientId?: string; _value: number; _time: string }>(
        'from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r._field == "Temperature") |> group()',
      );
    return rows.sort((a, b) => a._time.localeCompare(b._time)).map((r) => [r._measurement, r.clientId ?? '', r._value]);
  };
  const storedCount = async (server: { url: string } = fixture.influx.emulator) => (await stored(server)).length;

  it('writes points that are queried back', async () => {
    await load();
    ok(await send('w', { payload: [reading(1), reading(2)], deviceId: 'dev1' }));
    await until(async () => (await storedCount()) === 2, 'both points are stored');
    assert.deepEqual(await stored(), [
      ['environment', 'dev1', 21],
      ['environment', 'dev1', 22],
    ]);
  });

  it('takes a single point and line protocol text', async () => {
    await load();
    ok(await send('w', { payload: reading(1) }));
    ok(
      await send('w', {
        payload: `environment,clientId=lp Temperature=22 ${T0 + 2000}\nenvironment,clientId=lp Temperature=23 ${T0 + 3000}`,
      }),
    );
    await until(async () => (await storedCount()) === 3, 'three points are stored');
    assert.deepEqual(await stored(), [
      ['environment', '', 21],
      ['environment', 'lp', 22],
      ['environment', 'lp', 23],
    ]);
  });

  it('lets msg.measurement and msg.deviceId override the node, and a point its own tags', async () => {
    await load({ clientId: 'fixed', clientIdType: 'str', measurement: 'env_node' });
    ok(await send('w', { payload: reading(1) }));
    ok(await send('w', { payload: reading(2), measurement: 'env_msg', deviceId: 'dev9' }));
    ok(await send('w', { payload: reading(3, { tags: { clientId: 'own' } }), deviceId: 'dev9' }));
    await until(async () => (await storedCount()) === 3, 'three points are stored');
    assert.deepEqual(await stored(), [
      ['env_node', 'fixed', 21],
      ['env_msg', 'dev9', 22],
      ['env_node', 'own', 23],
    ]);
  });

  it('adds no clientId tag when the setting is empty and the msg has no deviceId', async () => {
    await load({ clientId: '', clientIdType: 'msg' });
    ok(await send('w', { payload: reading(1) }));
    await until(async () => (await storedCount()) === 1, 'the point is stored');
    assert.deepEqual(await stored(), [['environment', '', 21]]);
  });

  it('names each bad point with its reason and still writes the good ones', async () => {
    await load();
    const outcome = await send('w', {
      payload: [reading(1), { fields: {} }, reading(3), { fields: { t: 1 }, colour: 'red' }],
    });
    assert.equal(outcome.ok, false);
    assert.equal(
      outcome.ok ? '' : outcome.error,
      "Error: 2 of 4 points refused (the others are buffered): point 1: a point needs at least one field; point 3: unknown property 'colour'; a point has measurement, tags, fields and timestamp",
    );
    await until(async () => (await storedCount()) === 2, 'the good points are stored');
    assert.deepEqual(
      (await stored()).map((r) => r[2]),
      [21, 23],
    );
    await waitForStatus('w', (s) => s.text === 'written 2 · failed 2 · buffered 0', 'the refused points are counted');
    assert.equal(lastStatus('w').fill, 'yellow');
  });

  it('refuses a msg whose deviceId, measurement or flush is unusable, buffering none of its points', async () => {
    await load();
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ deviceId: 42 }, 'DeviceIdError: deviceId must be a string, got number'],
      [{ deviceId: 'dev\n1' }, 'DeviceIdError: deviceId contains a control character (U+000A) at position 3'],
      [{ measurement: 7 }, 'WriteMessageError: msg.measurement must be a text, got 7'],
      [{ flush: 'yes' }, 'WriteMessageError: msg.flush must be true or false, got "yes"'],
    ];
    for (const [props, error] of refusals) {
      const outcome = await send('w', { payload: [reading(1), reading(2)], ...props });
      assert.equal(outcome.ok ? '' : outcome.error, error);
      assert.equal(lastStatus('w').fill, 'red');
    }
    assert.equal(pipeline().stats.buffered + pipeline().stats.written, 0);
  });

  it('flushes the good points of a msg with msg.flush even when others are refused', async () => {
    await load({ flushInterval: 600_000 });
    const outcome = await send('w', { payload: [reading(1), { fields: { t: NaN } }], flush: true });
    assert.equal(
      outcome.ok ? '' : outcome.error,
      "Error: 1 of 2 points refused (the others are buffered): point 1: field 't' is NaN; InfluxDB stores only finite numbers",
    );
    assert.equal(await storedCount(), 1, 'written before done');
  });

  it('forwards the msg with what was accepted once buffered', async () => {
    await load();
    const output = nextMessage('out');
    ok(await send('w', { payload: [reading(1), reading(2)] }));
    assert.deepEqual((await output).write, { accepted: 2, errors: [] });
  });

  it('forwards the refusals too, so that a flow can act on them', async () => {
    await load();
    const output = nextMessage('out');
    const outcome = await send('w', { payload: [reading(1), 'not line protocol'] });
    assert.equal(outcome.ok, false);
    assert.deepEqual((await output).write, {
      accepted: 1,
      errors: [{ index: 1, reason: "missing field value: 'not line protocol'" }],
    });
  });

  it('sends nothing on when forwarding is off', async () => {
    await load({ forward: false });
    let forwarded = 0;
    helper.getNode('out')?.on('input', () => forwarded++);
    ok(await send('w', { payload: reading(1) }));
    assert.equal(forwarded, 0);
  });

  it('sends a batch as soon as it holds batch size points', async () => {
    await load({ batchSize: 3, flushInterval: 0 });
    const batches: number[] = [];
    pipeline().on('written', (e: { count: number }) => batches.push(e.count));
    for (let i = 1; i <= 7; i++) ok(await send('w', { payload: reading(i) }));
    await until(() => pipeline().stats.written === 6, 'two batches are written');
    assert.deepEqual(batches, [3, 3]);
    assert.equal(pipeline().stats.buffered, 1, 'the seventh waits for a full batch');
    ok(await send('w', { payload: [], flush: true }));
    assert.deepEqual(batches, [3, 3, 1]);
    assert.equal(await storedCount(), 7);
  });

  it('shows the counts in its status', async () => {
    await load();
    ok(await send('w', { payload: [reading(1), reading(2), reading(3)], flush: true }));
    await waitForStatus('w', (s) => s.text === 'written 3 · buffered 0', 'the counts');
    assert.deepEqual(lastStatus('w'), { fill: 'green', shape: 'dot', text: 'written 3 · buffered 0' });
  });

  it('is red with the reason while InfluxDB refuses the token, keeping the points', async () => {
    await load({}, {}, 'wrong-token');
    ok(await send('w', { payload: reading(1) }));
    const status = await waitForStatus('w', (s) => s.fill === 'red', 'the status turns red');
    assert.match(status.text ?? '', /^paused: token refused 401 \(1 waiting\)$/);
    assert.equal(pipeline().stats.buffered, 1);
  });

  it('is red with the reason while the bucket is missing', async () => {
    await load({ bucket: 'nope' });
    ok(await send('w', { payload: reading(1) }));
    const status = await waitForStatus('w', (s) => s.fill === 'red', 'the status turns red');
    assert.match(status.text ?? '', /^paused: no bucket\/org 404 \(1 waiting\)$/);
  });

  it('fails msg.flush while InfluxDB cannot take the points, and keeps them', async () => {
    await load({}, {}, 'wrong-token');
    const outcome = await send('w', { payload: reading(1), flush: true });
    assert.equal(outcome.ok, false);
    assert.match(
      outcome.ok ? '' : outcome.error,
      /InfluxDB refused the token \(401 unauthorized access\); check the token of the InfluxDB config node/,
    );
    assert.equal(pipeline().stats.buffered, 1);
  });

  it('keeps showing why it cannot write when the config node is incomplete', async () => {
    await load({}, {}, '');
    await (helper.getNode('influx') as InfluxConfigNode).connection.checkHealth();
    const expected = 'InfluxDB config: no token: enter it, or name the environment variable that holds it';
    // The status shows the start (it must stay short); done(err) has all of it.
    assert.deepEqual(lastStatus('w'), { fill: 'red', shape: 'ring', text: shortText(expected) });
    const outcome = await send('w', { payload: reading(1) });
    assert.equal(outcome.ok ? '' : outcome.error, `ConnectionError: ${expected}`);
  });

  it('fails without a config node', async () => {
    await loadFlow([writeNode], [writer({ influxdb: '' }), { id: 'out', type: 'helper', z: TAB }, ...watch('w')]);
    assert.deepEqual(lastStatus('w'), { fill: 'red', shape: 'ring', text: 'no InfluxDB configured' });
    const outcome = await send('w', { payload: reading(1) });
    assert.equal(outcome.ok ? '' : outcome.error, 'Error: no InfluxDB configured: choose an iot-influxdb config node');
  });

  describe('durability', () => {
    let port: number;
    let dataDir: string;
    let server: RunningEmulator | undefined;
    beforeEach(async () => {
      port = await freePort();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-write-db-'));
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const startServer = async (onboard: boolean) => {
      server = await startEmulator({ port, dataDir, retentionCheckIntervalMs: 0 });
      if (onboard) {
        await new SetupAPI(new InfluxDB({ url: server.url })).postSetup({
          body: { username: 'admin', password: 'password123', org: 'my-org', bucket: 'my-bucket', token: TEST_TOKEN },
        });
      }
      return server;
    };
    const url = () => `http://127.0.0.1:${port}`;

    it('keeps the points through an outage and writes them when InfluxDB is back', async () => {
      await startServer(true);
      await load({}, { url: url() });
      ok(await send('w', { payload: [reading(1), reading(2)], flush: true }));
      await server?.close();

      ok(await send('w', { payload: [reading(3), reading(4), reading(5)] }));
      const status = await waitForStatus('w', (s) => s.fill === 'red', 'the outage shows');
      assert.match(status.text ?? '', /^(retry in \d+ s: unreachable|paused: unreachable \(3 waiting\))$/);

      await startServer(false);
      ok(await send('w', { payload: [], flush: true }));
      assert.deepEqual(
        (await stored({ url: url() })).map((r) => r[2]),
        [21, 22, 23, 24, 25],
      );
      await waitForStatus('w', (s) => s.text === 'written 5 · buffered 0', 'the counts after the outage');
    });

    it('keeps buffered points through a Node-RED restart', async () => {
      await load({ flushInterval: 0 }, { url: url() });
      ok(await send('w', { payload: [reading(1), reading(2), reading(3)] }));
      assert.equal(pipeline().stats.durable, true);
      await helper.unload(); // closes the pipeline: nothing listens on the port, so the points stay in the spool

      await startServer(true);
      await load({ flushInterval: 0 }, { url: url() });
      await until(() => pipeline().stats.written === 3, 'the spooled points are written at start');
      assert.deepEqual(
        (await stored({ url: url() })).map((r) => r[2]),
        [21, 22, 23],
      );
    });
  });
});
