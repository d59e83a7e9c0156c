/**
 * The basics and mqtt examples as a user imports them into a fresh Node-RED (the real runtime, in its own
 * process, with this package installed in its user dir), pointed at the emulator (and a real mosquitto): they
 * deploy without an error or a warning in the Debug sidebar, and do what their comments promise (basics: each
 * button's debug output; mqtt: the device's points in InfluxDB through the broker).
 */
import assert from 'node:assert/strict';
import { ensureBuilt } from '../browser/support/build';
import { connectComms, type DebugMessage, type NodeRedComms } from '../browser/support/node-red-comms';
import { type FlowNode, startTestNodeRed, type TestNodeRed } from '../browser/support/node-red';
import { type Onboarded, startOnboarded, until } from '../support/node-red';
import { readExample } from '../support/examples';
import { type Broker, startMosquitto } from '../support/mosquitto';

/** The example with its config node pointed at the emulator (the token stays the env var INFLUX_TOKEN). */
function imported(file: string, influx: Onboarded): FlowNode[] {
  return readExample(file).map((node) =>
    node.type === 'iot-influxdb' ? { ...node, url: influx.emulator.url, org: influx.org, bucket: influx.bucket } : node,
  );
}

/** Errors and warnings as the Debug sidebar shows them (levels 20 and 30). */
const problems = (comms: NodeRedComms): DebugMessage[] => comms.debug.filter((m) => m.level === 20 || m.level === 30);

async function click(red: TestNodeRed, injectId: string): Promise<void> {
  const response = await fetch(`${red.url}/inject/${injectId}`, { method: 'POST' });
  assert.equal(response.status, 200, `clicking ${injectId}`);
}

async function debugOutput(comms: NodeRedComms, debugId: string, what: string): Promise<DebugMessage> {
  await until(() => comms.debug.some((m) => m.id === debugId), what, 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; the Debug sidebar had: ${JSON.stringify(comms.debug)}`);
  });
  return comms.debug.find((m) => m.id === debugId) as DebugMessage;
}

async function clientIdsWritten(influx: Onboarded): Promise<Set<string>> {
  const rows = await influx.influx
    .getQueryApi(influx.org)
    .collectRows<{ clientId: string }>(
      `from(bucket: "${influx.bucket}") |> range(start: -1h) |> filter(fn: (r) => r._measurement == "environment")`,
    );
  return new Set(rows.map((r) => r.clientId));
}

describe('basics and mqtt examples imported into a fresh Node-RED', function () {
  this.timeout(120_000);
  let influx: Onboarded;
  let red: TestNodeRed;
  let comms: NodeRedComms;

  before(() => ensureBuilt());
  beforeEach(async () => {
    influx = await startOnboarded();
    red = await startTestNodeRed({ env: { INFLUX_TOKEN: influx.token } });
    comms = await connectComms(red.url);
  });
  afterEach(async () => {
    comms?.close();
    await red?.stop();
    await influx?.emulator.close();
  });

  it('basics deploys without errors, and each button brings its debug output', async () => {
    await red.deploy(imported('basics.json', influx));
    // The virtual device writes my-device's first point at deploy.
    await until(async () => (await clientIdsWritten(influx)).has('my-device'), 'my-device has written', 30_000);

    await click(red, 'basics.inject.register');
    const config = await debugOutput(comms, 'basics.debug.register', 'the device configuration');
    assert.match(config.msg, /"id":\s*"my-device"/);
    assert.doesNotMatch(config.msg, /"influx_token":\s*"(?!\*\*\*)/, 'the token is hidden');

    await click(red, 'basics.inject.last');
    const last = await debugOutput(comms, 'basics.debug.last', 'the last values');
    assert.match(last.msg, /Temperature/);

    await click(red, 'basics.inject.flux');
    const highest = await debugOutput(comms, 'basics.debug.flux', 'the highest values of the hour');
    assert.match(highest.msg, /Temperature|CO2/);

    await click(red, 'basics.inject.downsample');
    await debugOutput(comms, 'basics.debug.downsample', 'the backfill of hourly means');

    assert.deepEqual(problems(comms), [], red.log());
  });

  describe('with a mosquitto broker', () => {
    let broker: Broker;
    beforeEach(async () => (broker = await startMosquitto()));
    afterEach(async () => broker?.stop());

    it("mqtt deploys without errors, connects to the broker, and the device's points reach InfluxDB through it", async () => {
      const flow = imported('mqtt.json', influx).map((node) =>
        node.type === 'mqtt-broker' ? { ...node, broker: '127.0.0.1', port: String(broker.port) } : node,
      );
      await red.deploy(flow);
      await until(
        () => ['mqtt.in', 'mqtt.out'].every((id) => /connected$/.test(comms.statuses.get(id)?.text ?? '')),
        'mqtt in and mqtt out are connected',
        30_000,
      );
      const device = flow.find((n) => n.id === 'mqtt.device') as FlowNode;
      await until(
        async () => (await clientIdsWritten(influx)).has(String(device.deviceId)),
        "the device's first point is in InfluxDB",
        30_000,
      );
      assert.deepEqual(problems(comms), [], red.log());
    });
  });
});
