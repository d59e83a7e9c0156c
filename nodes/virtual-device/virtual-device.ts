/**
 * Node-RED glue of `virtual-device`: IoT Center's virtual device as a node. Live mode sends a point every
 * interval; backfill sends the missing minutes of the last 7 days in chunks, with progress on output 2.
 * The maths live in lib/environment; this file maps settings and messages to it.
 */
import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { validateDeviceId } from '../../lib/devices/device-id';
import { backfillChunks, builtInTrack, type GpsTrack, parseGpsTrack, progressOf } from '../../lib/environment';
import { queryFailure } from '../../lib/query';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { type Command, parseCommand, parseIntervalSeconds } from './commands';
import { devicePoint, type DevicePoint, pointSummary } from './device-points';
import { LiveTicker } from './live-ticker';
import { minutesSince, missingMinutesOf } from './missing-data';
import { evaluateProperty } from '../shared/property';
import { loadTrackFile } from './track-file';
import type { VirtualDeviceDef } from './types';

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

export = function (RED: NodeAPI): void {
  function VirtualDevice(this: Node, config: VirtualDeviceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const seed = typeof config.seed === 'string' && config.seed.trim() !== '' ? config.seed.trim() : undefined;
    const influx = config.influxdb ? (RED.nodes.getNode(config.influxdb) as InfluxConfigNode | null) : null;
    let intervalMs: number | undefined;
    let intervalError: Error | undefined;
    try {
      intervalMs = parseIntervalSeconds(config.interval === '' || config.interval === undefined ? 60 : config.interval);
    } catch (e) {
      intervalError = e as Error;
    }

    let closed = false;
    let track: GpsTrack | undefined = config.track === 'file' ? undefined : builtInTrack();
    let trackError: Error | undefined;
    let liveDeviceId = '';
    /** The running backfill; `stop` and close set `cancelled`. */
    let backfill: { cancelled: boolean } | undefined;
    const ticker = new LiveTicker(emitLive);

    const status = (
      fill: NodeStatus['fill'],
      shape: NodeStatus['shape'],
      key: string,
      params: Record<string, string | number> = {},
    ): void => {
      if (!closed) node.status({ fill, shape, text: RED._(`virtual-device.status.${key}`, params) });
    };
    // A status is one short line under the node; the whole message goes to done(err) and the debug sidebar.
    const fail = (error: Error): void =>
      status('red', 'ring', 'error', {
        message: error.message.length > 60 ? `${error.message.slice(0, 57)}...` : error.message,
      });

    async function deviceIdFor(msg: NodeMessage): Promise<string> {
      const value = await evaluateProperty(RED, node, config.deviceId ?? '', config.deviceIdType || 'str', msg);
      return validateDeviceId(value === undefined || value === '' ? 'virtual_device' : value);
    }

    function currentTrack(): GpsTrack {
      if (!track) throw trackError ?? new Error('the GPS track is not loaded yet');
      return track;
    }

    function pointAt(deviceId: string, timeMs: number): DevicePoint {
      return devicePoint(deviceId, timeMs, { seed, track: currentTrack() });
    }

    function emitLive(): void {
      if (closed) return;
      try {
        const point = pointAt(liveDeviceId, Date.now());
        node.send([{ payload: point, topic: liveDeviceId, deviceId: liveDeviceId }, null]);
        status('green', 'dot', 'running', { summary: pointSummary(point) });
      } catch (e) {
        ticker.stop();
        fail(e as Error);
        node.error(e);
      }
    }

    function start(deviceId: string, everyMs: number | undefined): void {
      const ms = everyMs ?? intervalMs;
      if (ms === undefined) throw intervalError ?? new Error('no interval is set');
      currentTrack();
      // Auto-start awaits the track and the device id: the flow may have been stopped meanwhile.
      if (closed) return;
      liveDeviceId = deviceId;
      ticker.start(ms);
    }

    function stop(): void {
      ticker.stop();
      if (backfill) backfill.cancelled = true;
      status('grey', 'ring', 'stopped');
    }

    async function runBackfill(command: Command, msg: NodeMessage, send: Send): Promise<void> {
      if (backfill) throw new Error('a backfill is already running: wait for it, or send "stop" to cancel it');
      const job = { cancelled: false };
      backfill = job;
      try {
        const deviceId = await deviceIdFor(msg);
        currentTrack();
        const nowMs = Date.now();
        status('blue', 'ring', 'planning');
        const minutes =
          command.timeMs !== undefined || !influx
            ? minutesSince(nowMs, command.timeMs)
            : await missingMinutesOf(influx.connection.queryApi(), {
                bucket: influx.connection.bucket,
                deviceId,
                nowMs,
              }).catch((e: unknown) => Promise.reject(queryFailure(e)));
        const progress = (p: ReturnType<typeof progressOf>): NodeMessage => ({
          payload: p,
          topic: 'progress',
          deviceId,
        });
        if (job.cancelled || closed) return;
        // The bar starts at 0 %, or shows 100 % at once when nothing is missing.
        send([null, progress(progressOf(0, minutes.length))]);
        for (const chunk of backfillChunks(minutes)) {
          if (job.cancelled || closed) return;
          const points = chunk.items.map((minute) => pointAt(deviceId, minute));
          send([{ ...msg, payload: points, topic: deviceId, deviceId }, progress(chunk.progress)]);
          status('blue', 'dot', 'backfilling', { ...chunk.progress });
          // Let timers, close and other messages run between chunks.
          await new Promise((resolve) => setImmediate(resolve));
        }
        status(ticker.running ? 'green' : 'grey', 'dot', 'backfilled', { total: minutes.length });
      } finally {
        if (backfill === job) backfill = undefined;
      }
    }

    async function handle(command: Command, msg: NodeMessage, send: Send): Promise<void> {
      switch (command.name) {
        case 'start':
          start(await deviceIdFor(msg), command.intervalMs);
          return;
        case 'stop':
          stop();
          return;
        case 'tick': {
          const deviceId = await deviceIdFor(msg);
          const point = pointAt(deviceId, command.timeMs ?? Date.now());
          msg.payload = point;
          msg.topic = deviceId;
          msg.deviceId = deviceId;
          send([msg, null]);
          status(
            ticker.running ? 'green' : 'grey',
            ticker.running ? 'dot' : 'ring',
            ticker.running ? 'running' : 'ticked',
            {
              summary: pointSummary(point),
            },
          );
          return;
        }
        case 'backfill':
          await runBackfill(command, msg, send);
          return;
      }
    }

    const flowsStarted = new Promise<void>((resolve) => {
      const onStarted = (): void => resolve();
      RED.events.once('flows:started', onStarted);
      node.on('close', () => RED.events.removeListener('flows:started', onStarted));
    });

    const ready = (async () => {
      if (config.track === 'file') {
        try {
          track = await loadTrackFile(config.trackFile ?? '', RED.settings.userDir ?? process.cwd());
        } catch (e) {
          trackError = e as Error;
          fail(trackError);
          return;
        }
      }
      if (intervalError) return fail(intervalError);
      if (config.autoStart === false) return status('grey', 'ring', 'stopped');
      // Node-RED creates a flow's nodes one by one: the first tick waits until all of them exist, or the
      // point would reach no one (an iot-write created after this node).
      await flowsStarted;
      if (closed) return;
      try {
        start(await deviceIdFor({}), undefined);
      } catch (e) {
        fail(e as Error);
      }
    })();

    node.on('input', async (message, send, done) => {
      const msg = message as NodeMessage;
      try {
        await ready;
        if (closed) return done();
        if (msg.track !== undefined) {
          track = parseGpsTrack(msg.track);
          trackError = undefined;
        }
        const command = parseCommand(msg);
        if (command) await handle(command, msg, send);
        done();
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        fail(error);
        done(error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      ticker.stop();
      if (backfill) backfill.cancelled = true;
      done();
    });
  }

  RED.nodes.registerType('virtual-device', VirtualDevice);
};
