/**
 * Node-RED glue of `virtual-device`: IoT Center's virtual device as a node. Live mode sends a point every
 * interval; backfill sends the missing minutes of the last 7 days in chunks, with progress on output 2.
 * The behaviour lives in lib/virtual-device; this file maps settings, messages, send and status to it.
 */
import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { validateDeviceId } from '../../lib/devices/device-id';
import type { BackfillProgress } from '../../lib/environment';
import { type CommandContext, parseCommand, type StatusKind, VirtualDeviceController } from '../../lib/virtual-device';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { evaluateProperty } from '../shared/property';
import { toError } from '../shared/to-error';
import { shortStatus } from '../shared/status';
import type { VirtualDeviceDef } from './types';

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

/** The input message a command came with, to reply to it. */
interface Reply extends CommandContext {
  msg: NodeMessage;
  send: Send;
}

const LOOK: Record<StatusKind, Pick<NodeStatus, 'fill' | 'shape'>> = {
  running: { fill: 'green', shape: 'dot' },
  ticked: { fill: 'grey', shape: 'ring' },
  stopped: { fill: 'grey', shape: 'ring' },
  planning: { fill: 'blue', shape: 'ring' },
  backfilling: { fill: 'blue', shape: 'dot' },
  backfilled: { fill: 'grey', shape: 'dot' },
  error: { fill: 'red', shape: 'ring' },
};

export = function (RED: NodeAPI): void {
  function VirtualDevice(this: Node, config: VirtualDeviceDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const influx = config.influxdb ? (RED.nodes.getNode(config.influxdb) as InfluxConfigNode | null) : null;

    async function deviceIdFor(msg: NodeMessage): Promise<string> {
      const value = await evaluateProperty(RED, node, config.deviceId ?? '', config.deviceIdType || 'str', msg);
      return validateDeviceId(value === undefined || value === '' ? 'virtual_device' : value);
    }

    const progress = (p: BackfillProgress, deviceId: string): NodeMessage => ({
      payload: p,
      topic: 'progress',
      deviceId,
    });

    const controller: VirtualDeviceController<Reply> = new VirtualDeviceController<Reply>({
      seed: typeof config.seed === 'string' && config.seed.trim() !== '' ? config.seed.trim() : undefined,
      interval: config.interval,
      trackFile:
        config.track === 'file'
          ? { path: config.trackFile ?? '', baseDir: RED.settings.userDir ?? process.cwd() }
          : undefined,
      autoStart: config.autoStart !== false,
      queryApi: influx ? () => influx.connection.queryApi() : undefined,
      bucket: influx ? influx.connection.bucket : undefined,
      emitPoint: (point, deviceId, reply) => {
        if (!reply) return node.send([{ payload: point, topic: deviceId, deviceId }, null]);
        Object.assign(reply.msg, { payload: point, topic: deviceId, deviceId });
        reply.send([reply.msg, null]);
      },
      emitChunk: (points, p, deviceId, { msg, send }) =>
        send([{ ...msg, payload: points, topic: deviceId, deviceId }, progress(p, deviceId)]),
      emitProgress: (p, deviceId, { send }) => send([null, progress(p, deviceId)]),
      status: (kind, params) => {
        const look = kind === 'backfilled' && controller.live ? LOOK.running : LOOK[kind];
        node.status(shortStatus({ ...look, text: RED._(`virtual-device.status.${kind}`, params) }));
      },
      error: (error) => node.error(error),
    });

    const flowsStarted = new Promise<void>((resolve) => {
      const onStarted = (): void => resolve();
      RED.events.once('flows:started', onStarted);
      node.on('close', () => RED.events.removeListener('flows:started', onStarted));
    });

    const ready = (async () => {
      if (!(await controller.load())) return;
      // Node-RED creates a flow's nodes one by one: the first tick waits until all of them exist, or the
      // point would reach no one (an iot-write created after this node).
      await flowsStarted;
      await controller.autoStart(() => deviceIdFor({}));
    })();

    node.on('input', async (message, send, done) => {
      const msg = message as NodeMessage;
      try {
        await ready;
        if (controller.closed) return done();
        if (msg.track !== undefined) controller.setTrack(msg.track);
        const command = parseCommand(msg);
        if (command) await controller.handle(command, { msg, send, deviceId: () => deviceIdFor(msg) });
        done();
      } catch (e) {
        const error = toError(e);
        controller.fail(error);
        done(error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      controller.close();
      done();
    });
  }

  RED.nodes.registerType('virtual-device', VirtualDevice);
};
