import assert from 'node:assert/strict';
import type { QueryApi } from '@influxdata/influxdb-client';
import { type BackfillProgress, MINUTE_MS } from '../../lib/environment';
import {
  type CommandContext,
  type DevicePoint,
  type StatusKind,
  type StatusParams,
  VirtualDeviceController,
  type VirtualDeviceControllerOptions,
} from '../../lib/virtual-device';

/** A fixed time on a whole minute: 2024-03-01T12:00:00Z. */
const T0 = Date.UTC(2024, 2, 1, 12);
const WEEK_MINUTES = 7 * 1440;

interface Context extends CommandContext {
  name: string;
}

/** Everything the controller emits, in order. */
interface Recorder {
  points: Array<{ point: DevicePoint; deviceId: string; context?: Context }>;
  chunks: Array<{ points: DevicePoint[]; progress: BackfillProgress; context: Context }>;
  progress: BackfillProgress[];
  statuses: Array<{ kind: StatusKind; params: StatusParams }>;
}

function controllerWith(options: Partial<VirtualDeviceControllerOptions<Context>> = {}): {
  controller: VirtualDeviceController<Context>;
  seen: Recorder;
} {
  const seen: Recorder = { points: [], chunks: [], progress: [], statuses: [] };
  const controller = new VirtualDeviceController<Context>({
    seed: 'seed-1',
    interval: 60,
    now: () => T0,
    emitPoint: (point, deviceId, context) => seen.points.push({ point, deviceId, context }),
    emitChunk: (points, progress, _deviceId, context) => seen.chunks.push({ points, progress, context }),
    emitProgress: (progress) => seen.progress.push(progress),
    status: (kind, params) => seen.statuses.push({ kind, params }),
    ...options,
  });
  return { controller, seen };
}

function context(deviceId = 'dev1', name = 'msg'): Context {
  return { name, deviceId: () => Promise.resolve(deviceId) };
}

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const kinds = (seen: Recorder): StatusKind[] => seen.statuses.map((s) => s.kind);

describe('virtual device controller', () => {
  describe('load', () => {
    it('reports "stopped" and refuses auto-start when auto-start is off', async () => {
      const { controller, seen } = controllerWith({ autoStart: false });
      assert.equal(await controller.load(), false);
      assert.deepEqual(kinds(seen), ['stopped']);
    });

    it('reports a bad interval as an error and refuses auto-start', async () => {
      const { controller, seen } = controllerWith({ interval: 'often' });
      assert.equal(await controller.load(), false);
      assert.equal(seen.statuses[0]?.kind, 'error');
      assert.match(String(seen.statuses[0]?.params.message), /interval must be a number of seconds/);
    });
  });

  describe('live mode', () => {
    it('emits a point at once and then one every interval, for the device id it started with', async () => {
      const { controller, seen } = controllerWith();
      await controller.handle({ name: 'start', intervalMs: 10 }, context('live-dev'));
      assert.equal(seen.points.length, 1, 'the first point is immediate');
      await until(() => seen.points.length >= 3, 'three live points arrive');
      controller.close();
      assert.ok(seen.points.every((p) => p.deviceId === 'live-dev' && p.context === undefined));
      assert.equal(seen.statuses[0]?.kind, 'running');
    });

    it('stops on "stop" and reports "stopped"', async () => {
      const { controller, seen } = controllerWith();
      await controller.handle({ name: 'start', intervalMs: 10 }, context());
      await controller.handle({ name: 'stop' }, context());
      assert.equal(controller.live, false);
      assert.equal(kinds(seen).at(-1), 'stopped');
    });
  });

  describe('tick', () => {
    it('replies to the message with the seeded point at the given time, and reports "ticked" when not live', async () => {
      const { controller, seen } = controllerWith();
      const ctx = context('dev1', 'the tick');
      await controller.handle({ name: 'tick', timeMs: T0 - MINUTE_MS }, ctx);
      await controller.handle({ name: 'tick', timeMs: T0 - MINUTE_MS }, ctx);
      assert.equal(seen.points.length, 2);
      assert.equal(seen.points[0]?.context, ctx);
      assert.equal(seen.points[0]?.point.timestamp.getTime(), T0 - MINUTE_MS);
      assert.deepEqual(seen.points[0]?.point.fields, seen.points[1]?.point.fields, 'a seed makes a minute repeatable');
      assert.deepEqual(kinds(seen), ['ticked', 'ticked']);
    });
  });

  describe('backfill', () => {
    it('writes every minute from `since` in chunks of 2000 with progress, without asking InfluxDB', async () => {
      let asked = false;
      const queryApi = (): QueryApi => {
        asked = true;
        throw new Error('must not be asked');
      };
      const { controller, seen } = controllerWith({ queryApi, bucket: 'b' });
      const ctx = context('dev1', 'the backfill');
      await controller.handle({ name: 'backfill', timeMs: T0 - 4999 * MINUTE_MS }, ctx);
      assert.equal(asked, false);
      assert.deepEqual(seen.progress, [{ written: 0, total: 5000, percent: 0 }]);
      assert.deepEqual(
        seen.chunks.map((c) => [c.points.length, c.progress.percent]),
        [
          [2000, 40],
          [2000, 80],
          [1000, 100],
        ],
      );
      assert.ok(seen.chunks.every((c) => c.context === ctx));
      const times = seen.chunks.flatMap((c) => c.points.map((p) => p.timestamp.getTime()));
      assert.equal(times[0], T0 - 4999 * MINUTE_MS);
      assert.equal(times.at(-1), T0);
      assert.deepEqual(kinds(seen), ['planning', 'backfilling', 'backfilling', 'backfilling', 'backfilled']);
      assert.equal(seen.statuses.at(-1)?.params.total, 5000);
    });

    it('writes the whole 7-day window when there is no query API and no `since`', async () => {
      const { controller, seen } = controllerWith();
      await controller.handle({ name: 'backfill' }, context());
      assert.equal(seen.progress[0]?.total, WEEK_MINUTES);
      assert.equal(
        seen.chunks.reduce((n, c) => n + c.points.length, 0),
        WEEK_MINUTES,
      );
    });

    it('stops between chunks on "stop" and does not report "backfilled"', async () => {
      const { controller, seen } = controllerWith({
        emitChunk: (points, progress, _deviceId, ctx) => {
          seen.chunks.push({ points, progress, context: ctx });
          if (seen.chunks.length === 1) void controller.handle({ name: 'stop' }, context());
        },
      });
      await controller.handle({ name: 'backfill' }, context());
      assert.equal(seen.chunks.length, 1);
      assert.ok(kinds(seen).includes('stopped'));
      assert.ok(!kinds(seen).includes('backfilled'));
    });

    it('refuses a second backfill while one runs, and accepts one after it ends', async () => {
      const { controller, seen } = controllerWith();
      const first = controller.handle({ name: 'backfill', timeMs: T0 - 10 * MINUTE_MS }, context());
      await assert.rejects(
        controller.handle({ name: 'backfill', timeMs: T0 - 10 * MINUTE_MS }, context()),
        /a backfill is already running: wait for it, or send "stop" to cancel it/,
      );
      await first;
      await controller.handle({ name: 'backfill', timeMs: T0 - 10 * MINUTE_MS }, context());
      assert.deepEqual(
        seen.chunks.map((c) => c.points.length),
        [11, 11],
      );
    });
  });

  describe('close', () => {
    it('stops live mode and a running backfill, and reports nothing afterwards', async () => {
      const { controller, seen } = controllerWith({
        emitChunk: (points, progress, _deviceId, ctx) => {
          seen.chunks.push({ points, progress, context: ctx });
          controller.close();
        },
      });
      await controller.handle({ name: 'start', intervalMs: 10 }, context());
      const statusesBefore = seen.statuses.length;
      await controller.handle({ name: 'backfill' }, context());
      assert.equal(controller.closed, true);
      assert.equal(controller.live, false);
      assert.equal(seen.chunks.length, 1, 'no chunk after close');
      assert.equal(seen.statuses.length, statusesBefore + 1, 'only "planning", from before the close');
      const pointsAtClose = seen.points.length;
      // A negative needs some time to pass: three live intervals.
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(seen.points.length, pointsAtClose, 'no live point after close');
    });
  });
});
