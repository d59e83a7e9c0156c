/**
 * examples/flows.json as a user imports it: every node type is known (ours, Node-RED's core, or
 * node-red-dashboard's), and our nodes start from it in Node-RED against the emulator.
 */
import assert from 'node:assert/strict';
import iotDownsample from '../../nodes/iot-downsample/iot-downsample';
import iotInfluxdb from '../../nodes/iot-influxdb/iot-influxdb';
import iotQuery from '../../nodes/iot-query/iot-query';
import iotRegister from '../../nodes/iot-register/iot-register';
import iotWrite from '../../nodes/iot-write/iot-write';
import virtualDevice from '../../nodes/virtual-device/virtual-device';
import { FlowNode, helper, loadFlow, TAB, until, useNodeRedWithEmulator } from '../support/node-red';
import { coreTypes, OUR_TYPES, packageTypes, readExample } from '../support/examples';

const flow = readExample('flows.json');

describe('example flow', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });

  it('uses only node types of this package, Node-RED core and node-red-dashboard', () => {
    const known = new Set(['tab', ...OUR_TYPES, ...coreTypes(), ...packageTypes('node-red-dashboard')]);
    const unknown = [...new Set(flow.map((n) => n.type))].filter((t) => !known.has(t));
    assert.deepEqual(unknown, []);
    for (const type of OUR_TYPES)
      assert.ok(
        flow.some((n) => n.type === type),
        `the example uses ${type}`,
      );
  });

  it('starts every IoT Center node of the flow, with the token taken from INFLUX_TOKEN', async () => {
    const influx = fixture.influx;
    const ours = flow
      .filter((n) => OUR_TYPES.includes(n.type))
      .map((n) => {
        const node: FlowNode = {
          ...n,
          wires: (n.wires ?? []).map((out) =>
            out.filter((id) => flow.find((m) => m.id === id && OUR_TYPES.includes(m.type))),
          ),
        };
        if (node.z) node.z = TAB;
        if (node.type === 'iot-influxdb')
          Object.assign(node, { url: influx.emulator.url, org: influx.org, bucket: influx.bucket });
        return node;
      });
    const previous = process.env.INFLUX_TOKEN;
    process.env.INFLUX_TOKEN = influx.token;
    try {
      await loadFlow(
        [iotInfluxdb, iotRegister, iotWrite, iotQuery, virtualDevice, iotDownsample],
        [{ id: TAB, type: 'tab' }, ...ours],
      );
      for (const node of ours) assert.ok(helper.getNode(node.id), `${node.type} ${node.id} started`);
      // The flow's startup registers virtual_device through the config node's token.
      helper.getNode('iotc.reg.virtual')?.receive({ payload: Date.now() } as never);
      await until(async () => {
        const list = await fetch(`${influx.emulator.url}/api/v2/authorizations`, {
          headers: { Authorization: `Token ${influx.token}` },
        });
        const body = (await list.json()) as { authorizations: { description: string }[] };
        return body.authorizations.some((a) => a.description === 'IoT Center: virtual_device');
      }, 'virtual_device registered');
      // The downsample node makes its bucket and task at deploy, before any chart asks for them.
      await until(async () => {
        const tasks = await fetch(`${influx.emulator.url}/api/v2/tasks`, {
          headers: { Authorization: `Token ${influx.token}` },
        });
        const body = (await tasks.json()) as { tasks: { description?: string }[] };
        return body.tasks.some((t) => t.description === 'IoT Center downsample: iotc.ds');
      }, 'the downsampling task exists');
    } finally {
      if (previous === undefined) delete process.env.INFLUX_TOKEN;
      else process.env.INFLUX_TOKEN = previous;
    }
  });

  it('charts 7 days and more from the hourly means its downsample node keeps, and downsamples a finished backfill', () => {
    const node = (id: string): FlowNode => {
      const found = flow.find((n) => n.id === id);
      assert.ok(found, id);
      return found;
    };
    const ds = node('iotc.ds');
    assert.deepEqual(
      [ds.type, ds.targetBucket, ds.retention, ds.every, ds.fn, ds.deleteOnRemove],
      ['iot-downsample', 'iot_center_1h', '400d', '1h', 'mean', false],
    );
    assert.deepEqual([node('iotc.q.series').bucket, node('iotc.q.series').bucketType], ['seriesBucket', 'msg']);
    assert.equal(node('iotc.q.last').bucket, '', 'gauges read the raw bucket');
    // The virtual device's progress output reaches the downsample node once a backfill is at 100 %.
    assert.ok(node('iotc.vd').wires?.[1]?.includes('iotc.sw.done'));
    assert.deepEqual(node('iotc.sw.done').rules, [{ t: 'eq', v: '100', vt: 'num' }]);
    assert.deepEqual(node('iotc.delay.done').wires, [['iotc.ds']]);

    // The per-viewer function, run as Node-RED runs it: each viewer's range picks its bucket.
    const store: Record<string, unknown> = {};
    const context = { get: (k: string) => store[k], set: (k: string, v: unknown) => (store[k] = v) };
    const viewers = new Function('msg', 'flow', String(node('iotc.fn.viewers').func)) as (
      msg: object,
      flow: object,
    ) => unknown;
    const choose = (socketid: string, range: string) =>
      viewers({ topic: 'selection', socketid, payload: { deviceId: 'virtual_device', range } }, context);
    assert.deepEqual(choose('a', '-7d'), {
      socketid: 'a',
      deviceId: 'virtual_device',
      range: '-7d',
      seriesBucket: 'iot_center_1h',
    });
    assert.equal((choose('b', '-1d') as { seriesBucket?: string }).seriesBucket, undefined);
    assert.deepEqual(
      (viewers({ topic: 'tick' }, context) as Array<Array<{ seriesBucket?: string }>>)[0].map((m) => m.seriesBucket),
      ['iot_center_1h', undefined],
    );
  });

  it('records its app health and charts it on the Devices tab, one chart for every viewer', async () => {
    const influx = fixture.influx;
    const node = (id: string): FlowNode => {
      const found = flow.find((n) => n.id === id);
      assert.ok(found, id);
      return found;
    };
    const cfg = node('iotc.cfg');
    assert.equal(cfg.appHealthInterval, '60');
    const chart = node('iotc.chart.apphealth');
    const group = node(String(chart.group));
    assert.deepEqual([group.name, group.tab, Number(group.width) <= 6], ['App health', 'iotc.tab.devices', true]);
    assert.doesNotMatch(String(chart.className), /socketid/, 'shared by every viewer: no per-viewer class');

    // The chart's query, run against points the config node records (every 0.2 s here).
    await loadFlow(
      [iotInfluxdb, iotQuery],
      [
        { id: TAB, type: 'tab' },
        {
          ...cfg,
          z: undefined,
          url: influx.emulator.url,
          org: influx.org,
          bucket: influx.bucket,
          tokenSource: 'cred',
          appHealthInterval: 0.2,
        },
        { ...node('iotc.q.apphealth'), z: TAB, wires: [['out']] },
        { id: 'out', type: 'helper', z: TAB },
      ],
      { 'iotc.cfg': { token: influx.token } },
    );
    let series: string[] = [];
    await until(async () => {
      const answer = new Promise<{ payload: Array<{ series: string[] }> }>((resolve) =>
        helper.getNode('out')?.once('input', resolve),
      );
      helper.getNode('iotc.q.apphealth')?.receive({ payload: Date.now() });
      series = (await answer).payload[0]?.series ?? [];
      return series.includes('buffered');
    }, 'the app health chart has its lines');
    assert.deepEqual([...series].sort(), ['buffered', 'failed', 'query_p50_ms', 'retries']);
  });
});
