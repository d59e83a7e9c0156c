import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { NodeMessage } from 'node-red';
import { ENVIRONMENT_FIELDS, MINUTE_MS, floorToMinute } from '../../lib/environment';
import virtualDeviceNode = require('../../nodes/virtual-device/virtual-device');
import {
  type FlowNode,
  helper,
  lastStatus,
  loadFlow,
  send,
  TAB,
  until,
  useNodeRed,
  userDir,
  watch,
} from '../support/node-red';

const DAY_MS = 86_400_000;
/** A fixed time: 2024-03-01T12:00:00Z. */
const T0 = Date.UTC(2024, 2, 1, 12);

function device(fields: Partial<FlowNode> = {}): FlowNode[] {
  return [
    {
      id: 'vd',
      type: 'virtual-device',
      z: TAB,
      name: '',
      deviceId: 'dev1',
      deviceIdType: 'str',
      seed: 'seed-1',
      interval: 60,
      track: 'builtIn',
      trackFile: '',
      autoStart: false,
      influxdb: '',
      wires: [['points'], ['progress']],
      ...fields,
    },
    { id: 'points', type: 'helper', z: TAB },
    { id: 'progress', type: 'helper', z: TAB },
    ...watch('vd'),
  ];
}

/** Every msg that reaches helper node `id` from now on. */
function collect(id: string): NodeMessage[] {
  const messages: NodeMessage[] = [];
  const node = helper.getNode(id);
  assert.ok(node, `no node ${id}`);
  node.on('input', (msg: NodeMessage) => messages.push(msg));
  return messages;
}

interface EmittedPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | { type: string; value: number }>;
  timestamp: Date;
}

function fieldValue(point: EmittedPoint, name: string): number {
  const field = point.fields[name];
  return typeof field === 'object' ? field.value : field;
}

async function tickAt(times: number[]): Promise<EmittedPoint[]> {
  const points: EmittedPoint[] = [];
  for (const timestamp of times) {
    const outcome = await send('vd', { payload: 'tick', timestamp });
    assert.equal(outcome.ok, true);
    points.push(outcome.msg.payload as EmittedPoint);
  }
  return points;
}

/** Absence can only be seen over time: this many intervals pass with nothing sent. */
async function quietFor(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('virtual-device', () => {
  useNodeRed();

  describe('points', () => {
    it('sends a point ready for iot-write: environment measurement, sensor tags, Date timestamp, topic = deviceId', async () => {
      await loadFlow([virtualDeviceNode], device());
      const outcome = await send('vd', { payload: 'tick', timestamp: T0 });
      assert.equal(outcome.ok, true);
      const { msg } = outcome;
      assert.equal(msg.topic, 'dev1');
      assert.equal(msg.deviceId, 'dev1');
      const point = msg.payload as EmittedPoint;
      assert.equal(point.measurement, 'environment');
      assert.equal(point.tags.clientId, 'dev1');
      assert.equal(point.tags.TemperatureSensor, 'virtual_TemperatureSensor');
      assert.ok(point.timestamp instanceof Date);
      assert.equal(point.timestamp.getTime(), T0);
      assert.deepEqual(Object.keys(point.fields), ['Temperature', 'Humidity', 'Pressure', 'CO2', 'TVOC', 'Lat', 'Lon']);
      assert.deepEqual(point.fields.CO2, { type: 'int', value: (point.fields.CO2 as { value: number }).value });
    });

    it("keeps every value within IoT Center's ranges over a month", async () => {
      await loadFlow([virtualDeviceNode], device({ seed: '' }));
      const times = Array.from({ length: 120 }, (_, i) => T0 + i * 6 * 3_600_000 + i * 7_919);
      for (const point of await tickAt(times)) {
        for (const spec of ENVIRONMENT_FIELDS) {
          const value = fieldValue(point, spec.name);
          assert.ok(
            value >= spec.min && value < spec.max + 1,
            `${spec.name} ${value} outside [${spec.min}, ${spec.max + 1})`,
          );
          if (spec.type === 'int') assert.ok(Number.isInteger(value), `${spec.name} ${value} is not an integer`);
        }
        assert.ok(fieldValue(point, 'Lat') > 50 && fieldValue(point, 'Lat') < 50.2);
        assert.ok(fieldValue(point, 'Lon') > 14.3 && fieldValue(point, 'Lon') < 14.6);
      }
    });

    it('sends the same points for the same seed, and other points for another seed', async () => {
      const times = [T0, T0 + MINUTE_MS, T0 + DAY_MS / 3];
      await loadFlow([virtualDeviceNode], device({ seed: 'alpha' }));
      const first = await tickAt(times);
      await helper.unload();
      await loadFlow([virtualDeviceNode], device({ seed: 'alpha' }));
      // A different order of calls: the point of a time does not depend on what came before.
      const again = (await tickAt([...times].reverse())).reverse();
      await helper.unload();
      await loadFlow([virtualDeviceNode], device({ seed: 'beta' }));
      const other = await tickAt(times);
      assert.deepEqual(again, first);
      assert.notDeepEqual(
        other.map((p) => p.fields),
        first.map((p) => p.fields),
      );
    });

    it('takes the device id from the message when set to msg.deviceId', async () => {
      await loadFlow([virtualDeviceNode], device({ deviceId: 'deviceId', deviceIdType: 'msg' }));
      const outcome = await send('vd', { payload: 'tick', deviceId: 'kitchen' });
      assert.equal(outcome.msg.topic, 'kitchen');
      assert.equal((outcome.msg.payload as EmittedPoint).tags.clientId, 'kitchen');
    });

    it('ticks on a message that names no command, such as an inject timestamp', async () => {
      await loadFlow([virtualDeviceNode], device());
      const outcome = await send('vd', { payload: 1_700_000_000_000 });
      assert.equal(outcome.ok, true);
      assert.equal((outcome.msg.payload as EmittedPoint).measurement, 'environment');
    });

    it('rejects an unknown command with done(err) naming the commands', async () => {
      await loadFlow([virtualDeviceNode], device());
      const outcome = await send('vd', { payload: 'strat' });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /unknown command "strat": use start, stop, tick, backfill/);
      assert.equal(lastStatus('vd').fill, 'red');
    });

    it('rejects an invalid device id with done(err)', async () => {
      await loadFlow([virtualDeviceNode], device({ deviceId: 'deviceId', deviceIdType: 'msg' }));
      const outcome = await send('vd', { payload: 'tick', deviceId: ' padded ' });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /whitespace/);
    });
  });

  describe('GPS track', () => {
    it('drives along a track given in msg.track', async () => {
      await loadFlow([virtualDeviceNode], device());
      const set = await send('vd', {
        track: [
          [10, 20],
          [10, 20],
        ],
      });
      assert.equal(set.ok, true);
      const [point] = await tickAt([T0]);
      assert.equal(fieldValue(point, 'Lat'), 10);
      assert.equal(fieldValue(point, 'Lon'), 20);
    });

    it('reads a track from a JSON file relative to the user directory', async () => {
      fs.writeFileSync(
        path.join(userDir(), 'track.json'),
        JSON.stringify([
          { lat: 42.35, lon: -71.12 },
          { lat: 42.35, lon: -71.12 },
        ]),
      );
      await loadFlow([virtualDeviceNode], device({ track: 'file', trackFile: 'track.json' }));
      const [point] = await tickAt([T0]);
      assert.equal(fieldValue(point, 'Lat'), 42.35);
      assert.equal(fieldValue(point, 'Lon'), -71.12);
    });

    it('reports a track file that cannot be read in the status and on every command', async () => {
      await loadFlow([virtualDeviceNode], device({ track: 'file', trackFile: 'missing.json' }));
      const outcome = await send('vd', { payload: 'tick' });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /cannot read the GPS track file .*missing\.json/);
      assert.equal(lastStatus('vd').fill, 'red');
    });

    it('rejects a track that is not a list of points', async () => {
      await loadFlow([virtualDeviceNode], device());
      const outcome = await send('vd', { track: [[100, 0]] });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /latitude 100/);
    });
  });

  describe('live mode', () => {
    it('starts on deploy and sends a point at once and then every interval', async () => {
      await loadFlow([virtualDeviceNode], device({ autoStart: true, interval: 0.05 }));
      const points = collect('points');
      await until(() => points.length >= 4, 'four live points arrived');
      const times = points.map((m) => (m.payload as EmittedPoint).timestamp.getTime());
      assert.deepEqual(
        [...times].sort((a, b) => a - b),
        times,
      );
      assert.equal(points[0].topic, 'dev1');
      assert.equal(lastStatus('vd').fill, 'green');
      assert.match(String(lastStatus('vd').text), /^running: [\d.]+ °C · [\d.]+ %$/);
    });

    it('waits for start when start on deploy is off, then stops on stop', async () => {
      await loadFlow([virtualDeviceNode], device({ autoStart: false, interval: 0.05 }));
      const points = collect('points');
      // A live device sends at once on start, so the marker tick would not be first.
      await send('vd', { payload: 'tick', timestamp: T0 });
      assert.equal(points.length, 1);
      assert.equal((points[0].payload as EmittedPoint).timestamp.getTime(), T0);

      assert.equal((await send('vd', { payload: 'start' })).ok, true);
      await until(() => points.length >= 4, 'live points after start');
      assert.equal((await send('vd', { command: 'stop' })).ok, true);
      const afterStop = points.length;
      await quietFor(250);
      assert.equal(points.length, afterStop);
      assert.equal(lastStatus('vd').text, 'stopped');
    });

    it('takes another interval from msg.interval on start', async () => {
      await loadFlow([virtualDeviceNode], device({ autoStart: false, interval: 3600 }));
      const points = collect('points');
      await send('vd', { payload: 'start', interval: 0.02 });
      await until(() => points.length >= 3, 'points at the interval of the message');
      assert.ok(points.length >= 3);
    });

    it('sends nothing after the flow is stopped', async () => {
      await loadFlow([virtualDeviceNode], device({ autoStart: true, interval: 0.02 }));
      const points = collect('points');
      await until(() => points.length >= 2, 'live points');
      await helper.unload();
      const atClose = points.length;
      await quietFor(200);
      assert.equal(points.length, atClose);
    });

    it('shows an invalid interval in the status and does not start', async () => {
      await loadFlow([virtualDeviceNode], device({ autoStart: true, interval: 'often' }));
      const outcome = await send('vd', { payload: 'start' });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.error, /interval must be a number of seconds/);
    });
  });

  describe('backfill without InfluxDB', () => {
    it('sends the whole 7 days at one-minute steps in chunks of 2000, progress reaching 100', async () => {
      await loadFlow([virtualDeviceNode], device());
      const points = collect('points');
      const progress = collect('progress');
      const before = Date.now();
      const outcome = await send('vd', { payload: 'backfill' });
      const after = Date.now();
      assert.equal(outcome.ok, true);

      assert.deepEqual(
        points.map((m) => (m.payload as unknown[]).length),
        [2000, 2000, 2000, 2000, 2000, 80],
      );
      const times = points.flatMap((m) => (m.payload as EmittedPoint[]).map((p) => p.timestamp.getTime()));
      const last = times[times.length - 1];
      assert.ok(last === floorToMinute(before) || last === floorToMinute(after));
      assert.deepEqual(
        times,
        Array.from({ length: 7 * 1440 }, (_, i) => last - (7 * 1440 - 1 - i) * MINUTE_MS),
      );
      assert.ok(points.every((m) => m.topic === 'dev1'));

      const bar = progress.map((m) => m.payload as { written: number; total: number; percent: number });
      assert.ok(progress.every((m) => m.topic === 'progress'));
      assert.deepEqual(bar[0], { written: 0, total: 10080, percent: 0 });
      assert.deepEqual(bar[bar.length - 1], { written: 10080, total: 10080, percent: 100 });
      assert.deepEqual(
        bar.map((p) => p.written),
        [0, 2000, 4000, 6000, 8000, 10000, 10080],
      );
      assert.equal(lastStatus('vd').text, 'backfilled 10080 points');
    });

    it('sends the minutes from msg.since on', async () => {
      await loadFlow([virtualDeviceNode], device());
      const points = collect('points');
      const since = floorToMinute(Date.now()) - 10 * MINUTE_MS + 1;
      await send('vd', { payload: 'backfill', since: new Date(since).toISOString() });
      const times = points.flatMap((m) => (m.payload as EmittedPoint[]).map((p) => p.timestamp.getTime()));
      assert.equal(times[0], since - 1 + MINUTE_MS);
      assert.ok(times.length === 9 || times.length === 10, `${times.length} minutes`);
      times.forEach((t, i) => assert.equal(t, times[0] + i * MINUTE_MS));
    });

    it('stops a running backfill on stop', async () => {
      await loadFlow([virtualDeviceNode], device());
      const points = collect('points');
      const progress = collect('progress');
      helper.getNode('points')?.once('input', () => helper.getNode('vd')?.receive({ payload: 'stop' }));
      const outcome = await send('vd', { payload: 'backfill' });
      assert.equal(outcome.ok, true);
      assert.ok(points.length >= 1 && points.length < 6, `${points.length} chunks sent`);
      assert.ok((progress[progress.length - 1].payload as { percent: number }).percent < 100);
      assert.equal(lastStatus('vd').text, 'stopped');
    });

    it('refuses a second backfill while one is running', async () => {
      await loadFlow([virtualDeviceNode], device());
      const [first, second] = await Promise.all([
        send('vd', { payload: 'backfill' }),
        send('vd', { payload: 'backfill' }),
      ]);
      assert.equal(first.ok, true);
      assert.equal(second.ok, false);
      assert.match(second.ok ? '' : second.error, /a backfill is already running/);
    });

    it('reports 100 percent when nothing is missing', async () => {
      await loadFlow([virtualDeviceNode], device());
      const progress = collect('progress');
      const points = collect('points');
      await send('vd', { payload: 'backfill', since: Date.now() + 2 * MINUTE_MS });
      assert.equal(points.length, 0);
      assert.deepEqual(
        progress.map((m) => m.payload),
        [{ written: 0, total: 0, percent: 100 }],
      );
    });
  });
});
