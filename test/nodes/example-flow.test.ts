/**
 * examples/flows.json as a user imports it: every node type is known (ours, Node-RED's core, or
 * node-red-dashboard's), and our nodes start from it in Node-RED against the emulator.
 */
import assert from 'node:assert/strict';
import iotInfluxdb from '../../nodes/iot-influxdb/iot-influxdb';
import iotQuery from '../../nodes/iot-query/iot-query';
import iotRegister from '../../nodes/iot-register/iot-register';
import iotWrite from '../../nodes/iot-write/iot-write';
import virtualDevice from '../../nodes/virtual-device/virtual-device';
import { FlowNode, helper, loadFlow, Onboarded, startOnboarded, TAB, until, useNodeRed } from '../support/node-red';
import { coreTypes, OUR_TYPES, packageTypes, readExample } from '../support/examples';

const flow = readExample('flows.json');

describe('example flow', () => {
  useNodeRed();
  let influx: Onboarded;
  beforeEach(async () => {
    influx = await startOnboarded();
  });
  afterEach(() => influx.emulator.close());

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
        [iotInfluxdb, iotRegister, iotWrite, iotQuery, virtualDevice],
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
    } finally {
      if (previous === undefined) delete process.env.INFLUX_TOKEN;
      else process.env.INFLUX_TOKEN = previous;
    }
  });
});
