// A flow of your own (../flows.json) tested against the InfluxDB 2.x API emulator of @iot-center/node-red:
// no Docker and no InfluxDB to install; each run starts an empty, throw-away database on a free port.
/* global describe, it, before, after, afterEach */
'use strict';
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const functionNode = require('@node-red/nodes/core/function/10-function.js');
const influxdbNodes = require('node-red-contrib-influxdb/influxdb.js');
const { InfluxDB } = require('@influxdata/influxdb-client');
const { startEmulator } = require('@iot-center/node-red');
const flow = require('../flows.json');

helper.init(require.resolve('node-red'));

const ORG = 'my-org';
const BUCKET = 'my-bucket';
const TOKEN = 'my-test-token';

describe('room sensor flow', function () {
  let emulator;

  before(async function () {
    emulator = await startEmulator({ port: 0, dataDir: ':memory:' });
    // Onboard as `influx setup` does: the org and bucket the flow writes to, and a token for the test.
    const setup = await fetch(`${emulator.url}/api/v2/setup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'test', password: 'test-password', org: ORG, bucket: BUCKET, token: TOKEN }),
    });
    assert.equal(setup.status, 201);
    await helper.startServer();
  });

  afterEach(() => helper.unload());

  after(async function () {
    await helper.stopServer();
    await emulator.close();
  });

  /** The flow as exported from the editor, its InfluxDB config node pointed at the emulator. */
  function loadFlow() {
    const nodes = flow.map((node) => (node.type === 'influxdb' ? { ...node, url: emulator.url } : node));
    return helper.load([functionNode, influxdbNodes], nodes, { 'influxdb-config': { token: TOKEN } });
  }

  function query(flux) {
    return new InfluxDB({ url: emulator.url, token: TOKEN }).getQueryApi(ORG).collectRows(flux);
  }

  /** Asks again until `check` passes: the out node writes in the background. */
  async function eventually(check, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it('writes a reading as a point of the climate measurement', async function () {
    await loadFlow();
    helper.getNode('to-point').receive({ payload: { room: 'kitchen', temperature: 21.5 } });
    await eventually(async () => {
      const rows = await query(`from(bucket: "${BUCKET}") |> range(start: -1h)`);
      assert.deepEqual(
        rows.map((r) => [r._measurement, r.room, r._field, r._value]),
        [['climate', 'kitchen', 'temperature', 21.5]],
      );
    });
  });

  it('drops a reading without a temperature', async function () {
    await loadFlow();
    helper.getNode('to-point').receive({ payload: { room: 'hall' } });
    helper.getNode('to-point').receive({ payload: { room: 'hall', temperature: 19 } });
    await eventually(async () => {
      const rows = await query(`from(bucket: "${BUCKET}") |> range(start: -1h) |> filter(fn: (r) => r.room == "hall")`);
      assert.deepEqual(
        rows.map((r) => r._value),
        [19],
      );
    });
  });
});
