/**
 * examples/basics.json as a user imports it: only this package's nodes and Node-RED's core, a comment
 * first, and each branch doing in Node-RED what its comment says, against the emulator.
 */
import assert from 'node:assert/strict';
import { AuthorizationsAPI, BucketsAPI, TasksAPI } from '@influxdata/influxdb-client-apis';
import iotDownsample from '../../nodes/iot-downsample/iot-downsample';
import iotInfluxdb from '../../nodes/iot-influxdb/iot-influxdb';
import iotQuery from '../../nodes/iot-query/iot-query';
import iotRegister from '../../nodes/iot-register/iot-register';
import iotWrite from '../../nodes/iot-write/iot-write';
import virtualDevice from '../../nodes/virtual-device/virtual-device';
import { type FlowNode, helper, loadFlow, nextMessage, until, useNodeRedWithEmulator } from '../support/node-red';
import { coreNode, coreTypes, OUR_TYPES, readExample } from '../support/examples';

const flow = readExample('basics.json');

const node = (id: string): FlowNode => {
  const found = flow.find((n) => n.id === id);
  assert.ok(found, `the example has a node ${id}`);
  return found;
};

describe('example basics.json', () => {
  it('uses only node types of this package and Node-RED core, each IoT Center node at least once', () => {
    const known = new Set(['tab', ...OUR_TYPES, ...coreTypes()]);
    assert.deepEqual(
      [...new Set(flow.map((n) => n.type))].filter((t) => !known.has(t)),
      [],
    );
    assert.deepEqual(
      OUR_TYPES.filter((type) => !flow.some((n) => n.type === type)),
      [],
    );
  });

  it('starts with a comment that explains each branch', () => {
    const first = flow.find((n) => n.type !== 'tab');
    assert.equal(first?.type, 'comment');
    for (const words of ['register', 'virtual device', 'last values', 'params.deviceId', 'downsample', 'INFLUX_TOKEN'])
      assert.ok(String(first?.info).includes(words), `the comment explains ${words}`);
  });

  it('reads the token from INFLUX_TOKEN, for the InfluxDB of npm start, and keeps no credentials', () => {
    const configs = flow.filter((n) => n.type === 'iot-influxdb');
    assert.equal(configs.length, 1);
    assert.deepEqual(
      { url: configs[0].url, org: configs[0].org, bucket: configs[0].bucket },
      { url: 'http://127.0.0.1:8086', org: 'iot-org', bucket: 'iot_center' },
    );
    assert.deepEqual(
      { source: configs[0].tokenSource, env: configs[0].tokenEnv },
      { source: 'env', env: 'INFLUX_TOKEN' },
    );
    assert.ok(!flow.some((n) => 'credentials' in n));
    for (const n of flow.filter((n) => 'influxdb' in n)) assert.equal(n.influxdb, configs[0].id, `${n.id} uses it`);
  });

  describe('deployed against the emulator', () => {
    const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
    let previousToken: string | undefined;

    beforeEach(async () => {
      const influx = fixture.influx;
      previousToken = process.env.INFLUX_TOKEN;
      process.env.INFLUX_TOKEN = influx.token;
      const deployed = flow.map((n) =>
        n.type === 'iot-influxdb'
          ? { ...n, url: influx.emulator.url, org: influx.org, bucket: influx.bucket, healthInterval: '0' }
          : n,
      );
      await loadFlow(
        [
          iotInfluxdb,
          iotRegister,
          iotWrite,
          iotQuery,
          virtualDevice,
          iotDownsample,
          coreNode('common/20-inject.js'),
          coreNode('common/21-debug.js'),
          coreNode('common/90-comment.js'),
        ],
        deployed,
      );
    });
    afterEach(() => {
      if (previousToken === undefined) delete process.env.INFLUX_TOKEN;
      else process.env.INFLUX_TOKEN = previousToken;
    });

    /** Clicks the inject node's button and waits for what reaches the debug node. */
    async function click(inject: string, debug: string): Promise<unknown> {
      const arrived = nextMessage(debug);
      helper.getNode(inject)?.receive({});
      return (await arrived).payload;
    }

    /** Points of my-device in the emulator, per field (the virtual device writes one at deploy). */
    async function storedFields(): Promise<Map<string, number>> {
      const { influx, org, bucket } = fixture.influx;
      const rows = await influx.getQueryApi(org).collectRows<{ _field: string; _value: number }>(
        `from(bucket: "${bucket}") |> range(start: -1h)
           |> filter(fn: (r) => r._measurement == "environment" and r.clientId == "my-device")`,
      );
      return new Map(rows.map((r) => [r._field, r._value]));
    }
    /** The point sent at deploy, well before the next one 10 s later. */
    const written = async (): Promise<Map<string, number>> => {
      await until(async () => (await storedFields()).size > 0, 'the virtual device has written its first point', 5000);
      return storedFields();
    };

    it('1. registers my-device, write-only on the bucket, and shows its configuration with the token hidden', async () => {
      const config = (await click('basics.inject.register', 'basics.debug.register')) as Record<string, unknown>;
      assert.equal(config.id, 'my-device');
      assert.equal(config.influx_token, '***');
      assert.equal(config.influx_bucket, fixture.influx.bucket);
      const { authorizations = [] } = await new AuthorizationsAPI(fixture.influx.influx).getAuthorizations({});
      const device = authorizations.find((a) => a.description === 'IoT Center: my-device');
      assert.ok(device, 'an authorization for my-device exists');
      assert.deepEqual(
        device.permissions?.map((p) => `${p.action} ${p.resource.type} ${p.resource.id}`),
        [`write buckets ${fixture.influx.bucketID}`],
      );
    });

    it('2. writes a point of the virtual device at deploy, with the seven fields of IoT Center', async () => {
      const fields = await written();
      assert.deepEqual([...fields.keys()].sort(), ['CO2', 'Humidity', 'Lat', 'Lon', 'Pressure', 'TVOC', 'Temperature']);
    });

    it('3. delivers the last value of each field of my-device to the debug node, as rows', async () => {
      const stored = await written();
      const rows = (await click('basics.inject.last', 'basics.debug.last')) as Array<Record<string, unknown>>;
      assert.ok(Array.isArray(rows));
      assert.deepEqual(
        new Map(rows.map((r) => [r._field, r._value])),
        stored,
        'one row per field, with the value written',
      );
      assert.ok(rows.every((r) => r.clientId === 'my-device'));
    });

    it("4. delivers the highest Temperature and CO2 of the hour from the node's own Flux and params", async () => {
      assert.match(String(node('basics.query.flux').flux), /params\.deviceId/);
      const stored = await written();
      const rows = (await click('basics.inject.flux', 'basics.debug.flux')) as Array<Record<string, unknown>>;
      assert.deepEqual(rows.map((r) => [r._field, r._value, r.clientId]).sort(), [
        ['CO2', stored.get('CO2'), 'my-device'],
        ['Temperature', stored.get('Temperature'), 'my-device'],
      ]);
    });

    it('5. keeps one downsampling task into iot_center_1h, and backfills hourly means on a click', async () => {
      const stored = await written();
      const payload = (await click('basics.inject.downsample', 'basics.debug.downsample')) as { taskID: string };
      const tasks = (await new TasksAPI(fixture.influx.influx).getTasks({})).tasks ?? [];
      assert.deepEqual(
        tasks.map((t) => [t.id, t.every, t.description]),
        [[payload.taskID, '1h', 'IoT Center downsample: basics.downsample']],
      );
      const bucket = (await new BucketsAPI(fixture.influx.influx).getBuckets({ name: 'iot_center_1h' })).buckets?.[0];
      assert.deepEqual(
        bucket?.retentionRules.map((r) => r.everySeconds),
        [400 * 86_400],
      );
      assert.ok(stored.size > 0);
    });
  });
});
