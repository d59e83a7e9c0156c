/** iot-query says so when it scans a long raw range that an iot-downsample node keeps downsampled. */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import downsampleNode = require('../../nodes/iot-downsample/iot-downsample');
import queryNode = require('../../nodes/iot-query/iot-query');
import { quietClientLogs } from '../support/emulator';
import { type FlowNode, helper, lastStatus, send, TAB, useNodeRedWithEmulator, watch } from '../support/node-red';

const TARGET = 'my-bucket_1h';

describe('iot-query raw range warning', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'describe' });
  quietClientLogs();

  /** Loads the flow and returns the warnings iot-query logs from then on. */
  async function load(query: Partial<FlowNode>, downsample: Partial<FlowNode> | null = {}): Promise<string[]> {
    const flow: FlowNode[] = [
      {
        id: 'q',
        type: 'iot-query',
        z: TAB,
        influxdb: 'influx',
        source: 'preset',
        preset: 'measurements',
        deviceId: 'd1',
        deviceIdType: 'str',
        range: '-30d',
        rangeType: 'str',
        format: 'rows',
        rowLimit: 0,
        wires: [[]],
        ...query,
      },
      ...watch('q'),
    ];
    if (downsample) {
      flow.push({
        id: 'ds',
        type: 'iot-downsample',
        z: TAB,
        influxdb: 'influx',
        sourceBucket: '',
        targetBucket: TARGET,
        retention: '400d',
        every: '1h',
        offset: '0s',
        measurement: 'environment',
        fn: 'mean',
        fields: '',
        backfillRange: '-7d',
        pollInterval: 60,
        deleteOnRemove: false,
        wires: [[]],
        ...downsample,
      });
    }
    await fixture.deploy([downsampleNode, queryNode], flow);
    const warnings: string[] = [];
    (helper.getNode('q') as unknown as EventEmitter).on('call:warn', (call: { args: unknown[] }) =>
      warnings.push(String(call.args[0])),
    );
    return warnings;
  }

  async function run(msg = {}): Promise<void> {
    const outcome = await send('q', msg);
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);
  }

  it('says in the status which bucket to read, and warns once naming it', async () => {
    const warnings = await load({});
    await run();
    assert.deepEqual(lastStatus('q'), { fill: 'yellow', shape: 'dot', text: `scanned 30d raw: try ${TARGET}` });
    await run();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /30 days of raw points in my-bucket/);
    assert.match(warnings[0], new RegExp(`\\(1h\\) in ${TARGET}`));
  });

  it('reads the range from the message and from Flux text', async () => {
    await load({ source: 'msg' });
    await run({ query: 'from(bucket: "my-bucket") |> range(start: -14d)' });
    assert.equal(lastStatus('q').text, `scanned 14d raw: try ${TARGET}`);
  });

  it('stays quiet for a week or less, for the downsampled bucket itself, and without a downsampling', async () => {
    await load({ range: '-7d' });
    await run();
    assert.equal(lastStatus('q').fill, 'green');
    await helper.unload();
    await load({ bucket: TARGET, bucketType: 'str' });
    await run();
    assert.equal(lastStatus('q').fill, 'green');
    await helper.unload();
    await load({}, null);
    await run();
    assert.equal(lastStatus('q').fill, 'green');
  });

  it('ignores a disabled iot-downsample node and one of another measurement', async () => {
    await load({}, { d: true });
    await run();
    assert.equal(lastStatus('q').fill, 'green');
    await helper.unload();
    await load({}, { measurement: 'memory' });
    await run();
    assert.equal(lastStatus('q').fill, 'green');
  });
});
