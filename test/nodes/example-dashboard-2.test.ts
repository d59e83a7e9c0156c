/**
 * examples/dashboard-2.json (the FlowFuse Dashboard 2.0 variant of the example) as a user imports it: every
 * node type is known (ours, Node-RED's core, or @flowfuse/node-red-dashboard's), every reference points at a
 * node of the file, its functions compile, and it can sit beside examples/flows.json.
 */
import assert from 'node:assert/strict';
import { coreTypes, OUR_TYPES, packageTypes, readExample } from '../support/examples';

const readFlow = readExample;
const flow = readFlow('dashboard-2.json');

/** Properties that name another node of the flow: config nodes, the dashboard's group/page/base/theme. */
const REFERENCES = ['influxdb', 'group', 'page', 'ui', 'theme'];

/** Node-RED runs a function node's body as the body of an async function of these arguments. */
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => unknown;
const FUNCTION_ARGS = ['msg', 'node', 'context', 'flow', 'global', 'env', 'RED', 'util'];

describe('Dashboard 2.0 example flow', () => {
  it('uses only node types of this package, Node-RED core and @flowfuse/node-red-dashboard', () => {
    const known = new Set(['tab', ...OUR_TYPES, ...coreTypes(), ...packageTypes('@flowfuse/node-red-dashboard')]);
    const unknown = [...new Set(flow.map((n) => n.type))].filter((t) => !known.has(t));
    assert.deepEqual(unknown, []);
    for (const type of OUR_TYPES)
      assert.ok(
        flow.some((n) => n.type === type),
        `the example uses ${type}`,
      );
  });

  it('points every wire, link, catch scope and config reference at a node of the file', () => {
    const ids = new Set(flow.map((n) => n.id));
    assert.equal(ids.size, flow.length, 'ids are unique');
    const dangling: string[] = [];
    for (const node of flow) {
      const targets = [
        ...(node.wires ?? []).flat(),
        ...((node.links as string[] | undefined) ?? []),
        ...((node.scope as string[] | null | undefined) ?? []),
        ...REFERENCES.map((p) => node[p]).filter((v): v is string => typeof v === 'string' && v !== ''),
      ];
      if (node.z !== undefined) targets.push(node.z);
      dangling.push(...targets.filter((id) => !ids.has(id)).map((id) => `${node.id} -> ${id}`));
    }
    assert.deepEqual(dangling, []);
  });

  it('has function nodes whose code compiles as Node-RED runs it', () => {
    const functions = flow.filter((n) => n.type === 'function');
    assert.ok(functions.length > 0);
    for (const node of functions) {
      assert.doesNotThrow(() => new AsyncFunction(...FUNCTION_ARGS, String(node.func)), `function ${node.id}`);
    }
  });

  it('feeds the gauges last values and the charts Dashboard 2.0 points that replace the lines', () => {
    const query = (preset: string) => flow.filter((n) => n.type === 'iot-query' && n.preset === preset);
    assert.deepEqual(
      query('lastValues').map((n) => n.format),
      ['gauge'],
    );
    assert.deepEqual(
      query('downsampled').map((n) => n.format),
      ['dashboard2Chart'],
    );
    const gauges = flow.filter((n) => n.type === 'ui-gauge');
    assert.deepEqual(
      gauges.map((g) => [g.title, Number(g.min), Number(g.max)]),
      [
        ['Temperature', 0, 40],
        ['Humidity', 0, 100],
        ['Pressure', 970, 1050],
        ['CO2', 400, 3000],
        ['TVOC', 250, 2000],
      ],
    );
    // A chart keeps points newer than removeOlder x removeOlderUnit seconds: at least the 30 days the range offers.
    for (const chart of flow.filter((n) => n.type === 'ui-chart')) {
      assert.equal(chart.action, 'replace', `${chart.id} action`);
      assert.ok(Number(chart.removeOlder) * Number(chart.removeOlderUnit) >= 30 * 86_400, `${chart.id} keeps 30 days`);
    }
  });

  it('can be imported beside flows.json: no id in common, no HTTP endpoint, its own config node', () => {
    const classic = readFlow('flows.json');
    const classicIds = new Set(classic.map((n) => n.id));
    assert.deepEqual(
      flow.filter((n) => classicIds.has(n.id)).map((n) => n.id),
      [],
    );
    assert.deepEqual(
      flow.filter((n) => n.type === 'http in').map((n) => n.id),
      [],
      "IoT Center's device API lives in flows.json",
    );
    const [config, ...others] = flow.filter((n) => n.type === 'iot-influxdb');
    assert.equal(others.length, 0);
    assert.deepEqual(
      {
        url: config.url,
        org: config.org,
        bucket: config.bucket,
        tokenSource: config.tokenSource,
        tokenEnv: config.tokenEnv,
      },
      {
        url: 'http://127.0.0.1:8086',
        org: 'iot-org',
        bucket: 'iot_center',
        tokenSource: 'env',
        tokenEnv: 'INFLUX_TOKEN',
      },
    );
  });
});
