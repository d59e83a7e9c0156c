import assert from 'node:assert/strict';
import { Point } from '@influxdata/influxdb-client';
import type { NodeMessage } from 'node-red';
import { floorToMinute, MINUTE_MS } from '../../lib/environment';
import virtualDeviceNode = require('../../nodes/virtual-device/virtual-device');
import { type FlowNode, helper, lastStatus, send, TAB, useNodeRedWithEmulator, watch } from '../support/node-red';

const WEEK_MINUTES = 7 * 1440;

interface Progress {
  written: number;
  total: number;
  percent: number;
}

describe('virtual-device backfill with InfluxDB', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'describe' });

  async function load(
    deviceId: string,
    configFields: Partial<FlowNode> = {},
  ): Promise<{ points: NodeMessage[]; progress: NodeMessage[] }> {
    await fixture.deploy(
      [virtualDeviceNode],
      [
        {
          id: 'vd',
          type: 'virtual-device',
          z: TAB,
          deviceId,
          deviceIdType: 'str',
          seed: 'backfill',
          interval: 60,
          track: 'builtIn',
          trackFile: '',
          autoStart: false,
          influxdb: 'influx',
          wires: [['points'], ['progress']],
        },
        { id: 'points', type: 'helper', z: TAB },
        { id: 'progress', type: 'helper', z: TAB },
        ...watch('vd'),
      ],
      configFields,
    );
    const points: NodeMessage[] = [];
    const progress: NodeMessage[] = [];
    helper.getNode('points')?.on('input', (msg: NodeMessage) => points.push(msg));
    helper.getNode('progress')?.on('input', (msg: NodeMessage) => progress.push(msg));
    return { points, progress };
  }

  /** Writes Temperature (and Humidity) at these times, as a device would, with the real client. */
  async function writeAt(deviceId: string, times: number[]): Promise<void> {
    const { influx, org, bucket } = fixture.influx;
    const api = influx.getWriteApi(org, bucket, 'ms');
    api.writePoints(
      times.map((t) =>
        new Point('environment')
          .tag('clientId', deviceId)
          .floatField('Temperature', 21.5)
          .floatField('Humidity', 40)
          .timestamp(new Date(t)),
      ),
    );
    await api.close();
  }

  const timesOf = (messages: NodeMessage[]): number[] =>
    messages.flatMap((m) => (m.payload as Array<{ timestamp: Date }>).map((p) => p.timestamp.getTime()));

  it('sends exactly the minutes of the last 7 days that the device has not written', async () => {
    const now = floorToMinute(Date.now());
    // Half an hour two hours ago, three minutes 3 days ago (not on the minute), and the oldest minute of the week.
    const written = [
      ...Array.from({ length: 30 }, (_, i) => now - 120 * MINUTE_MS + i * MINUTE_MS),
      ...[0, 1, 5].map((i) => now - 3 * 1440 * MINUTE_MS + i * MINUTE_MS + 15_000),
      now - (WEEK_MINUTES - 2) * MINUTE_MS,
    ];
    await writeAt('half-written', written);
    const { points, progress } = await load('half-written');
    const outcome = await send('vd', { payload: 'backfill' });
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);

    const times = timesOf(points);
    const last = times[times.length - 1];
    assert.ok(last === now || last === now + MINUTE_MS, 'the window ends at the current minute');
    const writtenMinutes = new Set(written.map(floorToMinute));
    const expected = Array.from({ length: WEEK_MINUTES }, (_, i) => last - (WEEK_MINUTES - 1 - i) * MINUTE_MS).filter(
      (minute) => !writtenMinutes.has(minute),
    );
    assert.equal(expected.length, WEEK_MINUTES - 34);
    assert.deepEqual(times, expected);
    assert.ok(points.every((m) => m.topic === 'half-written' && (m.payload as unknown[]).length <= 2000));

    const bar = progress.map((m) => m.payload as Progress);
    assert.deepEqual(bar[0], { written: 0, total: expected.length, percent: 0 });
    assert.deepEqual(bar[bar.length - 1], { written: expected.length, total: expected.length, percent: 100 });
    assert.equal(lastStatus('vd').text, `backfilled ${expected.length} points`);
  });

  it('sends the whole 7 days for a device that has written nothing', async () => {
    const { points, progress } = await load('never-written');
    const outcome = await send('vd', { payload: 'backfill' });
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);
    const times = timesOf(points);
    assert.equal(times.length, WEEK_MINUTES);
    times.forEach((t, i) => i > 0 && assert.equal(t - times[i - 1], MINUTE_MS));
    assert.equal((progress[progress.length - 1].payload as Progress).percent, 100);
  });

  it('sends nothing for a device that has written every minute, and reports 100 percent', async () => {
    const now = floorToMinute(Date.now());
    // One minute more than the window on each side, so that the minute changing during the test changes nothing.
    await writeAt(
      'complete',
      Array.from({ length: WEEK_MINUTES + 3 }, (_, i) => now + MINUTE_MS - i * MINUTE_MS),
    );
    const { points, progress } = await load('complete');
    assert.equal((await send('vd', { payload: 'backfill' })).ok, true);
    assert.equal(points.length, 0);
    assert.deepEqual(
      progress.map((m) => m.payload),
      [{ written: 0, total: 0, percent: 100 }],
    );
  });

  it('reports a query InfluxDB refuses with done(err) and sends no points', async () => {
    const { points } = await load('dev1', { bucket: 'no-such-bucket' });
    const outcome = await send('vd', { payload: 'backfill' });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.error, /HTTP 404 not found\): could not find bucket "no-such-bucket"/);
    assert.equal(points.length, 0);
    assert.equal(lastStatus('vd').fill, 'red');
  });
});
