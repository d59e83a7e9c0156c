import assert from 'node:assert/strict';
import { Point } from '@influxdata/influxdb-client';
import type { NodeMessage } from 'node-red';
import { type FluxRow, type OutputFormat, shapeResult } from '../../lib/query/shape';
import queryNode = require('../../nodes/iot-query/iot-query');
import { type GaugeMode, outputMessages } from '../../nodes/iot-query/output-messages';
import { coreNode } from '../support/examples';
import { helper, type Onboarded, send, TAB, useNodeRedWithEmulator, watch } from '../support/node-red';

const T0 = Date.UTC(2024, 2, 10);
const MINUTES = 10_000;
const at = (minute: number): string => new Date(T0 + minute * 60_000).toISOString();

/** Temperature every minute, Humidity missing every 7th minute (a gap in pivoted rows), in one request. */
async function seed(influx: Onboarded): Promise<void> {
  const api = influx.influx.getWriteApi(influx.org, influx.bucket, 'ms', { batchSize: MINUTES + 1 });
  for (let i = 0; i < MINUTES; i++) {
    const point = new Point('environment')
      .tag('clientId', 'big')
      .floatField('Temperature', 20 + (i % 50) / 10)
      .timestamp(new Date(T0 + i * 60_000));
    if (i % 7 !== 0) point.floatField('Humidity', 40 + (i % 30));
    api.writePoint(point);
  }
  await api.close();
}

const device = `filter(fn: (r) => r.clientId == "big")`;
/** 10,028 long-form rows in two tables (Temperature, Humidity). */
const LONG = `from(bucket: "my-bucket") |> range(start: ${at(0)}, stop: ${at(5400)}) |> ${device}`;
/** 10,000 pivoted rows, as the dashboard's device measurements read them. */
const PIVOTED =
  `import "influxdata/influxdb/v1"\n` +
  `from(bucket: "my-bucket") |> range(start: ${at(0)}, stop: ${at(MINUTES)}) |> ${device} |> v1.fieldsAsCols()`;

/** What a message of the node carries besides the incoming msg's own properties. */
const OUTPUT_PROPERTIES = ['payload', 'topic', 'timestamp', 'action', 'result', 'table'];
const outputOf = (msg: NodeMessage): Record<string, unknown> =>
  Object.fromEntries(Object.entries(msg).filter(([key]) => OUTPUT_PROPERTIES.includes(key) && key in msg)) as Record<
    string,
    unknown
  >;

describe('iot-query with a 10,000-row result', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'describe' });
  const expectedRows = new Map<string, FluxRow[]>();

  before(async () => {
    const influx = fixture.influx;
    await seed(influx);
    for (const flux of [LONG, PIVOTED]) {
      expectedRows.set(flux, await influx.influx.getQueryApi(influx.org).collectRows<FluxRow>(flux));
    }
    assert.equal(expectedRows.get(LONG)?.length, 10_028);
    assert.equal(expectedRows.get(PIVOTED)?.length, 10_000);
  });

  /**
   * Runs the query node once while a second flow's function node passes a msg to itself in a loop, and
   * returns what the query node sent and how many times the other flow ran meanwhile.
   */
  async function runBesideAnotherFlow(
    flux: string,
    format: OutputFormat,
    gaugeMode: GaugeMode,
  ): Promise<{ received: NodeMessage[]; otherFlowRuns: number }> {
    await fixture.deploy(
      [queryNode, coreNode('function/10-function.js')],
      [
        { id: 'f2', type: 'tab', label: 'another flow' },
        {
          id: 'loop',
          type: 'function',
          z: 'f2',
          func: "if (global.get('stop')) return null;\nreturn [msg, { payload: 1 }];",
          outputs: 2,
          wires: [['loop'], ['runs']],
        },
        { id: 'runs', type: 'helper', z: 'f2' },
        {
          id: 'q',
          type: 'iot-query',
          z: TAB,
          influxdb: 'influx',
          source: 'flux',
          flux,
          format,
          gaugeMode,
          rowLimit: 20_000,
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: TAB },
        ...watch('q'),
      ],
    );
    const received: NodeMessage[] = [];
    helper.getNode('out')?.on('input', (msg: NodeMessage) => received.push(msg));
    let otherFlowRuns = 0;
    helper.getNode('runs')?.on('input', () => otherFlowRuns++);
    helper.getNode('loop')?.receive({ payload: 0 });
    const outcome = await send('q', { request: 'big' });
    const runsWhileQuerying = otherFlowRuns;
    (helper.getNode('loop') as unknown as { context(): { global: { set(k: string, v: unknown): void } } })
      .context()
      .global.set('stop', true);
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);
    return { received, otherFlowRuns: runsWhileQuerying };
  }

  const cases: Array<[string, string, OutputFormat, GaugeMode]> = [];
  for (const [kind, flux] of [
    ['long-form', LONG],
    ['pivoted', PIVOTED],
  ]) {
    for (const format of ['rows', 'tables', 'chart', 'dashboard2Chart', 'gauge'] as const) {
      cases.push([kind, flux, format, 'perField']);
    }
    cases.push([kind, flux, 'gauge', 'object']);
  }

  for (const [kind, flux, format, gaugeMode] of cases) {
    const name = format === 'gauge' ? `gauge (${gaugeMode})` : format;
    it(`sends ${name} of ${kind} rows as shaping in one go does, while another flow keeps running`, async () => {
      const { received, otherFlowRuns } = await runBesideAnotherFlow(flux, format, gaugeMode);
      const rows = expectedRows.get(flux) ?? [];
      const expected = outputMessages(shapeResult(rows, format), gaugeMode);
      assert.equal(received.length, expected.length);
      assert.deepEqual(received.map(outputOf), expected);
      for (const msg of received) assert.equal((msg as NodeMessage & { request?: string }).request, 'big');
      // The node gives way at least once per 1,000 rows, and the other flow runs each time.
      assert.ok(otherFlowRuns >= 10, `the other flow ran ${otherFlowRuns} times`);
    });
  }
});
