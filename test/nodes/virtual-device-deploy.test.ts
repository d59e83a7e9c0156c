import assert from 'node:assert/strict';
import virtualDeviceNode = require('../../nodes/virtual-device/virtual-device');
import writeNode = require('../../nodes/iot-write/iot-write');
import { TAB, until, useNodeRedWithEmulator } from '../support/node-red';

describe('virtual-device started on deploy', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'describe' });

  it('sends its first point only once the whole flow exists, so a write node created after it gets it', async () => {
    // The device comes first in the flow: Node-RED creates it before iot-write. With an hour's interval,
    // only the immediate first point can land within the test.
    await fixture.deploy(
      [virtualDeviceNode, writeNode],
      [
        {
          id: 'vd',
          type: 'virtual-device',
          z: TAB,
          deviceId: 'deploy-device',
          deviceIdType: 'str',
          seed: 'deploy',
          interval: 3600,
          track: 'builtIn',
          trackFile: '',
          autoStart: true,
          influxdb: '',
          wires: [['w'], []],
        },
        {
          id: 'w',
          type: 'iot-write',
          z: TAB,
          influxdb: 'influx',
          measurement: 'environment',
          precision: 'ms',
          batchSize: 1,
          flushInterval: 100,
          clientId: 'deviceId',
          clientIdType: 'msg',
          forward: false,
          wires: [[]],
        },
      ],
    );
    const { influx } = fixture;
    let rows: unknown[] = [];
    await until(async () => {
      rows = await influx.influx
        .getQueryApi(influx.org)
        .collectRows(
          `from(bucket: "${influx.bucket}") |> range(start: -1h) |> filter(fn: (r) => r.clientId == "deploy-device" and r._field == "Temperature")`,
        );
      return rows.length > 0;
    }, 'the first point was written');
    assert.equal(rows.length, 1);
  });
});
