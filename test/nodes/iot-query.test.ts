import assert from 'node:assert/strict';
import { Point } from '@influxdata/influxdb-client';
import type { NodeMessage } from 'node-red';
import { floorToMinute, MINUTE_MS } from '../../lib/environment';
import queryNode = require('../../nodes/iot-query/iot-query');
import {
  type FlowNode,
  helper,
  lastStatus,
  loadFlow,
  type Onboarded,
  type Outcome,
  send,
  TAB,
  useNodeRedWithEmulator,
  watch,
} from '../support/node-red';

/** A device id that would end the string literal and drop the values if it were pasted into Flux. */
const HOSTILE = 'a") |> drop(columns: ["_value"]) // (';

interface Written {
  time: number;
  Temperature: number;
  Humidity: number;
  CO2: number;
}

/** dev1: ten minutes ending 11 minutes ago; dev2: three minutes two hours ago; HOSTILE: two minutes. */
function seedData(base: number): Record<string, Written[]> {
  const series = (deviceStart: number, count: number, offset: number): Written[] =>
    Array.from({ length: count }, (_, i) => ({
      time: deviceStart + i * MINUTE_MS,
      Temperature: 20 + i * 0.5 + offset,
      Humidity: 40 + i + offset,
      CO2: 800 + 10 * i + offset,
    }));
  return {
    dev1: series(base, 10, 0),
    dev2: series(base - 2 * 60 * MINUTE_MS, 3, 100),
    [HOSTILE]: series(base + 5 * MINUTE_MS, 2, 200),
  };
}

async function write(influx: Onboarded, data: Record<string, Written[]>): Promise<void> {
  const api = influx.influx.getWriteApi(influx.org, influx.bucket, 'ms');
  for (const [deviceId, points] of Object.entries(data)) {
    for (const p of points) {
      api.writePoint(
        new Point('environment')
          .tag('clientId', deviceId)
          .floatField('Temperature', p.Temperature)
          .floatField('Humidity', p.Humidity)
          .intField('CO2', p.CO2)
          .timestamp(new Date(p.time)),
      );
    }
  }
  await api.close();
}

type Row = Record<string, unknown>;

describe('iot-query', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'describe' });
  let data: Record<string, Written[]>;

  before(async () => {
    data = seedData(floorToMinute(Date.now()) - 20 * MINUTE_MS);
    await write(fixture.influx, data);
  });

  async function load(fields: Partial<FlowNode>): Promise<NodeMessage[]> {
    await fixture.deploy(
      [queryNode],
      [
        {
          id: 'q',
          type: 'iot-query',
          z: TAB,
          name: '',
          influxdb: 'influx',
          source: 'preset',
          preset: 'lastValues',
          flux: '',
          bucket: '',
          bucketType: 'str',
          deviceId: 'dev1',
          deviceIdType: 'str',
          range: '',
          rangeType: 'str',
          every: '',
          everyType: 'str',
          fields: '',
          fieldsType: 'str',
          fn: '',
          format: 'rows',
          gaugeMode: 'perField',
          rowLimit: 10000,
          wires: [['out']],
          ...fields,
        },
        { id: 'out', type: 'helper', z: TAB },
        ...watch('q'),
      ],
    );
    const received: NodeMessage[] = [];
    helper.getNode('out')?.on('input', (msg: NodeMessage) => received.push(msg));
    return received;
  }

  /** Sends `msg` and returns what came out for it, failing with the error when the node reported one. */
  async function query(fields: Partial<FlowNode>, msg: NodeMessage = {}): Promise<NodeMessage[]> {
    const received = await load(fields);
    const outcome = await send('q', msg);
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);
    return received;
  }

  async function failure(
    fields: Partial<FlowNode>,
    msg: NodeMessage = {},
  ): Promise<{ error: string; received: NodeMessage[] }> {
    const received = await load(fields);
    const outcome: Outcome = await send('q', msg);
    assert.equal(outcome.ok, false, 'the query should have failed');
    return { error: outcome.ok ? '' : outcome.error, received };
  }

  const rowsOf = (messages: NodeMessage[]): Row[] => {
    assert.equal(messages.length, 1);
    return messages[0].payload as Row[];
  };
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

  describe('presets', () => {
    it('device measurements: one row per point with a column per field', async () => {
      const rows = rowsOf(await query({ preset: 'measurements' }));
      assert.deepEqual(
        rows.map((r) => [r._time, r.Temperature, r.Humidity, r.CO2, r.clientId]),
        data.dev1.map((p) => [iso(p.time), p.Temperature, p.Humidity, p.CO2, 'dev1']),
      );
    });

    it('last values: the newest value of each field', async () => {
      const rows = rowsOf(await query({ preset: 'lastValues' }));
      const last = data.dev1[data.dev1.length - 1];
      const byField = Object.fromEntries(rows.map((r) => [r._field, [r._value, r._time]]));
      assert.deepEqual(byField, {
        CO2: [last.CO2, iso(last.time)],
        Humidity: [last.Humidity, iso(last.time)],
        Temperature: [last.Temperature, iso(last.time)],
      });
    });

    it('downsampled series: the aggregate of each window', async () => {
      const rows = rowsOf(
        await query({ preset: 'downsampled', range: '-1h', every: '5m', fn: 'max', fields: 'Temperature' }),
      );
      const windows = new Map<number, number>();
      for (const p of data.dev1) {
        const start = Math.floor(p.time / (5 * MINUTE_MS));
        windows.set(start, Math.max(windows.get(start) ?? -Infinity, p.Temperature));
      }
      assert.ok(rows.every((r) => r._field === 'Temperature'));
      assert.deepEqual(
        rows.map((r) => r._value),
        [...windows.values()],
      );
    });

    it('device list: each device with its last-seen time', async () => {
      const rows = rowsOf(await query({ preset: 'deviceList' }));
      const lastSeen = (id: string): string => iso(data[id][data[id].length - 1].time);
      assert.deepEqual(
        rows.map((r) => [r.deviceId, r.lastSeen]),
        [HOSTILE, 'dev1', 'dev2'].map((id) => [id, lastSeen(id)]),
      );
    });

    it('missing minutes: every minute of the range without Temperature, none that has it', async () => {
      const rows = rowsOf(await query({ preset: 'missingMinutes', range: '-1h' }));
      const missing = new Set(rows.map((r) => Date.parse(String(r._time)) - MINUTE_MS));
      const written = data.dev1.map((p) => p.time);
      assert.deepEqual(
        written.filter((t) => missing.has(t)),
        [],
      );
      // 60 windows in an hour (61 when the range does not start on a minute), the first cut short.
      assert.ok(rows.length >= 49 && rows.length <= 51, `${rows.length} rows`);
      assert.ok(rows.every((r) => r._value === 0));
    });

    it('takes the preset and its parameters from the message', async () => {
      const rows = rowsOf(
        await query(
          { preset: 'measurements' },
          { preset: 'lastValues', deviceId: 'dev2', range: '-3h', fields: ['CO2'] },
        ),
      );
      const last = data.dev2[data.dev2.length - 1];
      assert.deepEqual(
        rows.map((r) => [r._field, r._value, r.clientId]),
        [['CO2', last.CO2, 'dev2']],
      );
    });

    it('takes a parameter from a flow variable through the typedInput', async () => {
      await load({ deviceId: 'device', deviceIdType: 'flow' });
      helper.getNode('q')?.context().flow.set('device', 'dev2');
      const received: NodeMessage[] = [];
      helper.getNode('out')?.on('input', (msg: NodeMessage) => received.push(msg));
      const outcome = await send('q', { range: '-3h' });
      assert.equal(outcome.ok, true);
      assert.ok((received[0].payload as Row[]).every((r) => r.clientId === 'dev2'));
    });

    it('keeps a hostile device id a string: it selects that device and drops nothing', async () => {
      const rows = rowsOf(await query({ preset: 'measurements' }, { deviceId: HOSTILE }));
      assert.equal(rows.length, 2);
      assert.ok(rows.every((r) => r.clientId === HOSTILE && typeof r.Temperature === 'number'));
    });

    it('rejects a range that is not a negative duration with done(err)', async () => {
      const { error, received } = await failure({ preset: 'measurements', range: '1h' });
      assert.match(error, /range must be a negative Flux duration/);
      assert.equal(received.length, 0);
      assert.equal(lastStatus('q').fill, 'red');
    });
  });

  describe('output shapes', () => {
    it('rows: plain row objects without the result and table columns', async () => {
      const [row] = rowsOf(await query({ preset: 'measurements' }));
      assert.equal('result' in row, false);
      assert.equal('table' in row, false);
    });

    it('tables: one message per table with msg.parts for a join node', async () => {
      const messages = await query({ preset: 'lastValues', format: 'tables' });
      assert.equal(messages.length, 3);
      assert.deepEqual(
        messages.map((m) => (m.parts as { index: number; count: number }).index),
        [0, 1, 2],
      );
      assert.ok(messages.every((m) => (m.parts as { count: number }).count === 3 && m.result === '_result'));
      assert.deepEqual(messages.map((m) => (m.payload as Row[]).map((r) => r._field)).sort(), [
        ['CO2'],
        ['Humidity'],
        ['Temperature'],
      ]);
    });

    it('node-red-dashboard ui_chart: one line per field, x in ms', async () => {
      const [msg] = await query({ preset: 'measurements', format: 'chart' });
      const chart = msg.payload as Array<{
        series: string[];
        data: Array<Array<{ x: number; y: number }>>;
        labels: string[];
      }>;
      assert.equal(chart.length, 1);
      assert.deepEqual([...chart[0].series].sort(), ['CO2', 'Humidity', 'Temperature']);
      const temperature = chart[0].data[chart[0].series.indexOf('Temperature')];
      assert.deepEqual(
        temperature,
        data.dev1.map((p) => ({ x: p.time, y: p.Temperature })),
      );
      assert.deepEqual(chart[0].labels, ['']);
    });

    it('Dashboard 2.0 ui-chart: {series, x, y} points oldest first, replacing the chart', async () => {
      const [msg] = await query({ preset: 'measurements', format: 'dashboard2Chart', fields: 'Humidity' });
      assert.equal(msg.action, 'replace');
      assert.deepEqual(
        msg.payload,
        data.dev1.map((p) => ({ series: 'Humidity', x: p.time, y: p.Humidity })),
      );
    });

    it('gauge values: one message per field with msg.topic and its time', async () => {
      const messages = await query({ preset: 'lastValues', format: 'gauge' });
      const last = data.dev1[data.dev1.length - 1];
      assert.deepEqual(messages.map((m) => [m.topic, m.payload, m.timestamp]).sort(), [
        ['CO2', last.CO2, last.time],
        ['Humidity', last.Humidity, last.time],
        ['Temperature', last.Temperature, last.time],
      ]);
    });

    it('gauge values in one object', async () => {
      const [msg, ...more] = await query({ preset: 'lastValues', format: 'gauge', gaugeMode: 'object' });
      const last = data.dev1[data.dev1.length - 1];
      assert.equal(more.length, 0);
      assert.deepEqual(msg.payload, { CO2: last.CO2, Humidity: last.Humidity, Temperature: last.Temperature });
      assert.equal(msg.timestamp, last.time);
    });

    it('keeps the properties of the incoming message', async () => {
      const [msg] = await query({ preset: 'lastValues' }, { topic: 'kitchen', correlation: 42 });
      assert.equal(msg.topic, 'kitchen');
      assert.equal(msg.correlation, 42);
    });
  });

  describe('custom Flux', () => {
    const byParams = `from(bucket: params.bucket)
  |> range(start: params.range)
  |> filter(fn: (r) => r._measurement == "environment" and r.clientId == params.deviceId)
  |> filter(fn: (r) => contains(value: r._field, set: params.fields))`;

    it('runs the Flux written in the node with params.* from the node settings', async () => {
      const rows = rowsOf(await query({ source: 'flux', flux: byParams, range: '-1h', fields: 'CO2' }));
      assert.deepEqual(
        rows.map((r) => r._value),
        data.dev1.map((p) => p.CO2),
      );
    });

    it('puts the params record after the imports', async () => {
      const flux = `import "influxdata/influxdb/v1"\n${byParams}\n  |> v1.fieldsAsCols()`;
      const rows = rowsOf(await query({ source: 'flux', flux, range: '-1h', fields: 'Temperature' }));
      assert.deepEqual(
        rows.map((r) => r.Temperature),
        data.dev1.map((p) => p.Temperature),
      );
    });

    it('runs Flux text from msg.query', async () => {
      const rows = rowsOf(
        await query(
          { source: 'msg', deviceId: '' },
          {
            query: `from(bucket: "${fixture.influx.bucket}") |> range(start: -3h) |> filter(fn: (r) => r.clientId == "dev2" and r._field == "CO2")`,
          },
        ),
      );
      assert.deepEqual(
        rows.map((r) => r._value),
        data.dev2.map((p) => p.CO2),
      );
    });

    it('runs msg.query {query, params} with its params winning over the others', async () => {
      const rows = rowsOf(
        await query(
          { source: 'msg' },
          {
            deviceId: 'dev1',
            query: { query: byParams, params: { deviceId: 'dev2', range: '-3h', fields: ['Humidity'] } },
          },
        ),
      );
      assert.deepEqual(
        rows.map((r) => [r.clientId, r._value]),
        data.dev2.map((p) => ['dev2', p.Humidity]),
      );
    });

    it('keeps a hostile device id in params a string', async () => {
      const rows = rowsOf(
        await query({ source: 'flux', flux: byParams, range: '-1h', fields: 'Temperature' }, { deviceId: HOSTILE }),
      );
      assert.deepEqual(
        rows.map((r) => [r.clientId, r._value]),
        data[HOSTILE].map((p) => [HOSTILE, p.Temperature]),
      );
    });

    it('rejects a msg.query that is neither Flux text nor {query, params}', async () => {
      const { error } = await failure({ source: 'msg' }, { query: 42 });
      assert.match(error, /msg.query must be Flux text or \{query/);
    });

    it('keeps the error short when InfluxDB quotes a huge query back', async () => {
      const { error } = await failure({ source: 'msg' }, { query: 'k'.repeat(70_000) });
      assert.match(error, /^QueryFailedError: InfluxDB refused the query \(HTTP 400 invalid\): /);
      assert.ok(error.length < 1200, `${error.length} characters`);
    });

    it('rejects a params value Flux cannot hold', async () => {
      const { error } = await failure({ source: 'msg' }, { query: { query: byParams, params: { limit: { n: 1 } } } });
      assert.match(error, /parameter limit must be a text, a number/);
    });
  });

  describe('errors', () => {
    it("reports an HTTP error with InfluxDB's message and a red status", async () => {
      const { error, received } = await failure({ source: 'flux', flux: 'from(bucket: "nope") |> range(start: -1h)' });
      assert.match(error, /InfluxDB refused the query \(HTTP 404 not found\): could not find bucket "nope"$/);
      assert.equal(received.length, 0);
      assert.equal(lastStatus('q').fill, 'red');
    });

    it('reports a Flux compile error as InfluxDB words it', async () => {
      const { error } = await failure({ source: 'flux', flux: 'frm(bucket: "x")' });
      assert.match(error, /HTTP 400 invalid\): .*undefined identifier frm/);
    });

    it('reports an in-band error table instead of sending rows', async () => {
      const flux =
        `from(bucket: "${fixture.influx.bucket}") |> range(start: -1h) |> yield(name: "ok")\n` +
        `from(bucket: "${fixture.influx.bucket}") |> range(start: -1h) |> map(fn: (r) => ({r with x: int(v: "abc")})) |> yield(name: "broken")`;
      const { error, received } = await failure({ source: 'flux', flux });
      assert.match(error, /the Flux query failed in InfluxDB: .*abc/);
      assert.equal(received.length, 0);
    });

    it('cancels a query that returns more rows than the row limit', async () => {
      const { error, received } = await failure({ preset: 'measurements', rowLimit: 9 });
      assert.match(error, /more than 9 rows, the row limit/);
      assert.equal(received.length, 0);
    });

    it('sends a result of exactly the row limit, and any result with no limit', async () => {
      assert.equal(rowsOf(await query({ preset: 'measurements', rowLimit: 10 })).length, 10);
      await helper.unload();
      assert.equal(rowsOf(await query({ preset: 'measurements', rowLimit: 0 })).length, 10);
    });

    it('shows the row count and duration in the status', async () => {
      await query({ preset: 'measurements' });
      assert.match(String(lastStatus('q').text), /^10 rows in \d+ ms$/);
      assert.equal(lastStatus('q').fill, 'green');
    });

    it('says so when no InfluxDB is configured', async () => {
      await loadFlow(
        [queryNode],
        [
          { id: 'q', type: 'iot-query', z: TAB, influxdb: '', source: 'preset', preset: 'lastValues', wires: [[]] },
          ...watch('q'),
        ],
      );
      assert.equal(lastStatus('q').text, 'no InfluxDB configured');
      const outcome = await send('q', {});
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /no InfluxDB configured: choose an iot-influxdb config node/);
    });
  });
});
