/**
 * `iot-center start` as a newcomer runs it: emulator + Node-RED + the example flow, on free ports.
 * A device asks the flow for its configuration, writes with the token it got, and the data is there.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { runCli } from '../support/cli';
import { startStack, type TestStack } from '../support/stack';

describe('iot-center start', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let dir: string;
  let editorUrl: string;
  let adminToken: string;
  /** What a device sends to the device API: the provisioning key of this start. */
  let deviceAuth: Record<string, string>;

  before(async () => {
    stack = await startStack('start');
    ({ dir, editorUrl } = stack);
    adminToken = fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim();
    const key = fs.readFileSync(path.join(dir, 'provisioning-key'), 'utf8').trim();
    deviceAuth = { Authorization: `Bearer ${key}` };
  });

  after(() => stack?.stop());

  it('keeps the admin token out of the flow file', () => {
    const flows = fs.readFileSync(path.join(dir, 'node-red', 'flows.json'), 'utf8');
    assert.ok(!flows.includes(adminToken), 'the admin token must not be in flows.json');
    assert.ok(flows.includes('"tokenEnv": "INFLUX_TOKEN"'));
  });

  it('serves a device its configuration, and the token it gets writes its data', async () => {
    const response = await fetch(`${editorUrl}/api/env/e2e-device`, { headers: deviceAuth });
    assert.equal(response.status, 200);
    const config = (await response.json()) as Record<string, unknown>;
    assert.equal(config.id, 'e2e-device');
    assert.equal(config.influx_org, 'iot-org');
    assert.equal(config.influx_bucket, 'iot_center');
    assert.equal(typeof config.influx_token, 'string');
    assert.notEqual(config.influx_token, adminToken);

    const device = new InfluxDB({ url: String(config.influx_url), token: String(config.influx_token) });
    const writeApi = device.getWriteApi('iot-org', 'iot_center', 'ms');
    writeApi.writePoint(new Point('environment').tag('clientId', 'e2e-device').floatField('Temperature', 21.5));
    await writeApi.close();

    const rows = await new InfluxDB({ url: String(config.influx_url), token: adminToken })
      .getQueryApi('iot-org')
      .collectRows<{ _value: number }>(
        'from(bucket: "iot_center") |> range(start: -1h) |> filter(fn: (r) => r.clientId == "e2e-device" and r._field == "Temperature")',
      );
    assert.deepEqual(
      rows.map((r) => r._value),
      [21.5],
    );
  });

  it('answers YAML to Accept: text/plain, as the Arduino client asks', async () => {
    const response = await fetch(`${editorUrl}/api/env/e2e-device`, {
      headers: { ...deviceAuth, Accept: 'text/plain' },
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /^id: e2e-device$/m);
    assert.match(text, /^influx_bucket: iot_center$/m);
  });

  it('lists devices without their tokens, and removes one', async () => {
    const list = (await (await fetch(`${editorUrl}/api/devices`, { headers: deviceAuth })).json()) as Array<
      Record<string, unknown>
    >;
    const entry = list.find((d) => d.deviceId === 'e2e-device');
    assert.ok(entry, 'e2e-device is listed');
    assert.ok(!JSON.stringify(list).includes('influx_token'));
    const removed = await fetch(`${editorUrl}/api/devices/e2e-device`, { method: 'DELETE', headers: deviceAuth });
    assert.equal(removed.status, 204);
    const again = await fetch(`${editorUrl}/api/devices/e2e-device`, { method: 'DELETE', headers: deviceAuth });
    assert.equal(again.status, 404);
  });

  it('refuses to start on a busy port with a message that says what to do', async () => {
    const busy = net.createServer();
    const port = await new Promise<number>((resolve) =>
      busy.listen(0, '127.0.0.1', () => resolve((busy.address() as net.AddressInfo).port)),
    );
    try {
      const second = runCli(['start', '--port', String(port), '--dir', path.join(dir, 'second')]);
      const code = await second.exited();
      assert.equal(code, 1);
      assert.match(second.output(), new RegExp(`port ${port} on 127.0.0.1 is busy.*--port`));
    } finally {
      busy.close();
    }
  });
});
