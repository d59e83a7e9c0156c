/**
 * examples/mqtt.json: IoT Center's MQTT route without Telegraf. In Node-RED with the core MQTT nodes, a
 * real Debian mosquitto and the emulator: the virtual device's points go as line protocol through the
 * broker and land in InfluxDB; a message that is not line protocol fails in iot-write, the others still land.
 */
import assert from 'node:assert/strict';
import { builtInTrack } from '../../lib/environment';
import iotInfluxdb from '../../nodes/iot-influxdb/iot-influxdb';
import iotWrite from '../../nodes/iot-write/iot-write';
import { devicePoint } from '../../lib/virtual-device/device-points';
import virtualDevice from '../../nodes/virtual-device/virtual-device';
import {
  type FlowNode,
  helper,
  loadFlow,
  nextMessage,
  TAB,
  until,
  useNodeRedWithEmulator,
  waitForStatus,
  watch,
} from '../support/node-red';
import { coreNode, coreTypes, OUR_TYPES, readExample } from '../support/examples';
import { type Broker, startMosquitto } from '../support/mosquitto';

const flow = readExample('mqtt.json');

const node = (id: string): FlowNode => {
  const found = flow.find((n) => n.id === id);
  assert.ok(found, `the example has a node ${id}`);
  return found;
};
const one = (type: string): FlowNode => {
  const found = flow.filter((n) => n.type === type);
  assert.equal(found.length, 1, `one ${type} node`);
  return found[0];
};
const wiredTo = (from: FlowNode): string[] => (from.wires ?? []).flat();

/** Times of the ticks: whole minutes in the past, so that live points of the device cannot be among them. */
const T0 = Date.parse('2024-03-01T12:00:00Z');
const minute = (i: number): number => T0 + i * 60_000;

describe('example mqtt.json', () => {
  it('uses only node types of this package and Node-RED core', () => {
    const known = new Set(['tab', ...OUR_TYPES, ...coreTypes()]);
    assert.deepEqual(
      [...new Set(flow.map((n) => n.type))].filter((t) => !known.has(t)),
      [],
    );
  });

  it('starts with a comment that explains the route and what it needs', () => {
    const first = flow.find((n) => n.type !== 'tab');
    assert.equal(first?.type, 'comment');
    for (const words of ['Telegraf', 'iot_center', 'localhost:1883', 'INFLUX_TOKEN'])
      assert.ok(String(first?.info).includes(words), `the comment explains ${words}`);
  });

  it('wires virtual device → line protocol → mqtt out iot_center, and mqtt in iot_center → iot-write', () => {
    const device = one('virtual-device');
    const convert = node(wiredTo(device)[0]);
    assert.equal(convert.type, 'function');
    const out = node(wiredTo(convert)[0]);
    const input = one('mqtt in');
    assert.deepEqual(
      [out.type, out.topic, input.topic, input.datatype],
      ['mqtt out', 'iot_center', 'iot_center', 'utf8'],
    );
    assert.equal(node(wiredTo(input)[0]).type, 'iot-write');
    const broker = one('mqtt-broker');
    assert.deepEqual([out.broker, input.broker], [broker.id, broker.id]);
    assert.deepEqual([broker.broker, String(broker.port)], ['localhost', '1883']);
    const influx = one('iot-influxdb');
    assert.deepEqual(
      [influx.url, influx.org, influx.bucket, influx.tokenSource, influx.tokenEnv],
      ['http://127.0.0.1:8086', 'iot-org', 'iot_center', 'env', 'INFLUX_TOKEN'],
    );
  });

  describe('with mosquitto and the emulator', () => {
    const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
    let broker: Broker | undefined;
    let previousToken: string | undefined;
    const device = one('virtual-device');
    const write = one('iot-write');
    const mqttIn = one('mqtt in');
    const mqttOut = one('mqtt out');

    before(async () => {
      broker = await startMosquitto();
    });
    after(() => broker?.stop());

    beforeEach(async () => {
      const influx = fixture.influx;
      previousToken = process.env.INFLUX_TOKEN;
      process.env.INFLUX_TOKEN = influx.token;
      const port = (broker as Broker).port;
      // The example's nodes on the test tab (the catch and complete nodes of watch() only see their own tab).
      const deployed = flow
        .filter((n) => n.type !== 'tab')
        .map((n): FlowNode => {
          if (n.type === 'iot-influxdb')
            return { ...n, url: influx.emulator.url, org: influx.org, bucket: influx.bucket, healthInterval: '0' };
          if (n.type === 'mqtt-broker') return { ...n, broker: '127.0.0.1', port: String(port) };
          return n.z ? { ...n, z: TAB } : n;
        });
      await loadFlow(
        [
          iotInfluxdb,
          iotWrite,
          virtualDevice,
          coreNode('common/20-inject.js'),
          coreNode('common/90-comment.js'),
          coreNode('function/10-function.js'),
          coreNode('network/10-mqtt.js'),
        ],
        [...deployed, ...watch(write.id)],
      );
      for (const id of [mqttIn.id, mqttOut.id])
        await waitForStatus(id, (s) => /status\.connected$/.test(String(s.text)), `${id} is connected to mosquitto`);
    });
    afterEach(() => {
      if (previousToken === undefined) delete process.env.INFLUX_TOKEN;
      else process.env.INFLUX_TOKEN = previousToken;
    });

    const tick = (timeMs: number): void => helper.getNode(device.id)?.receive({ payload: 'tick', timestamp: timeMs });

    /**
     * The device's points at the tick times read back with the client's QueryApi (time → fields and clientId),
     * and the type InfluxDB stored for each field.
     */
    async function stored(): Promise<{ points: Map<number, Record<string, unknown>>; types: Map<string, string> }> {
      const { influx, org, bucket } = fixture.influx;
      const rows = influx.getQueryApi(org).iterateRows(
        `from(bucket: "${bucket}")
           |> range(start: ${new Date(minute(0)).toISOString()}, stop: ${new Date(minute(10)).toISOString()})
           |> filter(fn: (r) => r._measurement == "environment")`,
      );
      const points = new Map<number, Record<string, unknown>>();
      const types = new Map<string, string>();
      for await (const { values, tableMeta } of rows) {
        const row = tableMeta.toObject(values) as { _time: string; _field: string; _value: unknown; clientId: string };
        const time = Date.parse(row._time);
        points.set(time, { ...points.get(time), clientId: row.clientId, [row._field]: row._value });
        types.set(row._field, tableMeta.column('_value').dataType);
      }
      return { points, types };
    }

    /** What the virtual device of the example generates at `timeMs` (seeded), as the fields InfluxDB returns. */
    function generated(timeMs: number): Record<string, unknown> {
      const point = devicePoint(String(device.deviceId), timeMs, { seed: String(device.seed), track: builtInTrack() });
      const fields: Record<string, unknown> = { clientId: device.deviceId };
      for (const [k, v] of Object.entries(point.fields)) fields[k] = typeof v === 'object' ? v.value : v;
      return fields;
    }

    it("lands the virtual device's points in InfluxDB through the broker, with IoT Center's fields and types", async () => {
      for (const i of [0, 1, 2]) tick(minute(i));
      await until(async () => (await stored()).points.size === 3, 'three points are in InfluxDB');
      const { points, types } = await stored();
      for (const i of [0, 1, 2])
        assert.deepEqual(points.get(minute(i)), generated(minute(i)), `the point of minute ${i}`);
      assert.deepEqual([...types].sort(), [
        ['CO2', 'long'],
        ['Humidity', 'double'],
        ['Lat', 'double'],
        ['Lon', 'double'],
        ['Pressure', 'double'],
        ['TVOC', 'long'],
        ['Temperature', 'double'],
      ]);
    });

    it("escapes what line protocol needs escaped, so that other point objects than the device's go through", async () => {
      const convert = wiredTo(device)[0];
      helper.getNode(convert)?.receive({
        payload: {
          measurement: 'environment',
          tags: { clientId: 'hall 2,east=1' },
          fields: { Temperature: 21.5, CO2: { type: 'int', value: 900 }, note: 'said "hi" \\ bye' },
          timestamp: new Date(minute(5)),
        },
      });
      await until(async () => (await stored()).points.size === 1, 'the point is in InfluxDB');
      const { points, types } = await stored();
      assert.deepEqual(points.get(minute(5)), {
        clientId: 'hall 2,east=1',
        Temperature: 21.5,
        CO2: 900,
        note: 'said "hi" \\ bye',
      });
      assert.deepEqual([types.get('CO2'), types.get('note')], ['long', 'string']);
    });

    it('fails a message that is not line protocol in iot-write with the reason, and still writes the good ones', async () => {
      const refused = nextMessage(`${write.id}-errors`);
      tick(minute(0));
      // A device publishing JSON on the topic instead of line protocol.
      helper.getNode(mqttOut.id)?.receive({ payload: '{"Temperature": 21.5}' });
      tick(minute(1));
      const error = String(((await refused).error as { message?: unknown } | undefined)?.message);
      assert.match(error, /^(Error: )?1 of 1 lines refused: line 0: .+: '\{"Temperature": 21\.5\}'$/);
      await until(async () => (await stored()).points.size === 2, 'both good points are in InfluxDB');
      assert.deepEqual(
        [...(await stored()).points.keys()].sort((a, b) => a - b),
        [minute(0), minute(1)],
      );
    });
  });
});
