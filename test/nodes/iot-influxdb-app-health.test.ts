/** The config node's "App health" setting: `iot_center_app` points of its own nodes, against the emulator. */
import assert from 'node:assert/strict';
import queryNode = require('../../nodes/iot-query/iot-query');
import writeNode = require('../../nodes/iot-write/iot-write');
import { appHealthBucket, appHealthIntervalMs } from '../../nodes/iot-influxdb/settings';
import { quietClientLogs } from '../support/emulator';
import { helper, send, TAB, until, useNodeRedWithEmulator, watch } from '../support/node-red';

interface AppRow {
  _field: string;
  _value: number;
  config: string;
  config_name?: string;
  bucket?: string;
}

describe('iot-influxdb app health', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  quietClientLogs();

  const appRows = () => {
    const { influx, org, bucket } = fixture.influx;
    return influx
      .getQueryApi(org)
      .collectRows<AppRow>(
        `from(bucket: "${bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "iot_center_app")`,
      );
  };

  it("is off unless an interval is set, and goes to the config node's bucket unless one is named", () => {
    assert.equal(appHealthIntervalMs({}), 0);
    assert.equal(appHealthIntervalMs({ appHealthInterval: '' }), 0);
    assert.equal(appHealthIntervalMs({ appHealthInterval: '0' }), 0);
    assert.equal(appHealthIntervalMs({ appHealthInterval: 'soon' }), 0);
    assert.equal(appHealthIntervalMs({ appHealthInterval: '30' }), 30_000);
    assert.equal(appHealthBucket({ appHealthBucket: ' ' }), undefined);
    assert.equal(appHealthBucket({ appHealthBucket: 'app_health' }), 'app_health');
  });

  it('records the retries of a write that InfluxDB refused for a while, and the queries', async function () {
    this.timeout(40_000);
    const influx = fixture.influx;
    await fixture.deploy(
      [writeNode, queryNode],
      [
        { id: 'w', type: 'iot-write', z: TAB, influxdb: 'influx', wires: [[]] },
        {
          id: 'q',
          type: 'iot-query',
          z: TAB,
          influxdb: 'influx',
          source: 'flux',
          flux: `from(bucket: "${influx.bucket}") |> range(start: -1h)`,
          format: 'rows',
          rowLimit: 0,
          wires: [[]],
        },
        // One watch a flow: the test helper loads the catch node once per catch node.
        ...watch('q'),
      ],
      { appHealthInterval: 0.5 },
    );
    const outcome = await send('q', {});
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);
    influx.emulator.faults.set([{ status: 503, count: 3 }]);
    helper.getNode('w')?.receive({ payload: { fields: { Temperature: 21.5 } }, deviceId: 'd1' });
    let rows: AppRow[] = [];
    await until(
      async () => {
        rows = await appRows();
        return rows.some((r) => r._field === 'retries' && r._value > 0);
      },
      'an iot_center_app point counts the retries',
      35_000,
    );
    const retried = rows.filter((r) => r._field === 'retries' && r._value > 0);
    assert.ok(
      retried.every((r) => r.config === 'influx' && r.config_name === 'emulator' && r.bucket === influx.bucket),
    );
    assert.ok(
      rows.some((r) => r._field === 'queries' && r._value === 1),
      'the query is counted in its period',
    );
    assert.ok(rows.some((r) => r._field === 'query_max_ms' && r._value > 0));
    assert.equal(helper.getNode('influx') !== null, true);
  });
});
