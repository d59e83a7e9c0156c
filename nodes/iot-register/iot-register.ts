/**
 * `iot-register`: register | get | list | remove | rotate devices — InfluxDB authorizations named
 * `IoT Center: <deviceId>`, write-only on the config node's bucket unless read is granted.
 */
import type { NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { describeInfluxError } from '../../lib/connection/errors';
import { DeviceIdError } from '../../lib/devices/device-id';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { chooseAction, REGISTER_FORMATS, RegisterInputError, runRegisterAction } from './controller';
import type { RegisterFormat, RegisterResult } from './controller';
import type { RegisterDef, RegisterNode } from './types';
import { evaluateProperty } from '../shared/property';
import { shortStatus } from '../shared/status';

export = function (RED: NodeAPI) {
  function IotRegisterNode(this: RegisterNode, config: RegisterDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const influx = RED.nodes.getNode(config.influxdb) as InfluxConfigNode | null;
    const connection = influx?.connection;
    let shown: NodeStatus = {};
    const show = (status: NodeStatus): void => {
      shown = shortStatus(status);
      node.status(shown);
    };

    if (!connection) {
      show({ fill: 'red', shape: 'ring', text: RED._('iot-register.status.no-config') });
    } else if (connection.problem) {
      show({ fill: 'red', shape: 'ring', text: RED._('iot-register.status.misconfigured') });
    }
    // Health only colours the status while it fails; the last action shows again when it passes.
    // A config problem is permanent and already shown: health adds nothing to it.
    const unsubscribe = connection?.problem
      ? undefined
      : connection?.onHealth((health) => {
          if (health.status === 'fail') {
            node.status(
              shortStatus({
                fill: 'red',
                shape: 'ring',
                text: RED._('iot-register.status.unreachable', { message: health.message ?? '' }),
              }),
            );
          } else {
            node.status(shown);
          }
        });

    const evaluate = (value: string, type: string, msg: NodeMessage): Promise<unknown> =>
      evaluateProperty(RED, node, value, type, msg);

    node.on('input', async (inMsg, send, done) => {
      const msg = inMsg as NodeMessage & {
        action?: unknown;
        statusCode?: number;
        headers?: Record<string, unknown>;
        req?: { headers?: Record<string, unknown>; query?: Record<string, unknown> };
      };
      if (!connection) {
        done(new Error(RED._('iot-register.errors.no-config')));
        return;
      }
      let action: string = config.action;
      let deviceId: unknown;
      try {
        action = chooseAction(msg.action, config.action);
        if (action !== 'list')
          deviceId = await evaluate(config.deviceId ?? 'deviceId', config.deviceIdType || 'msg', msg);
        const result = await runRegisterAction(
          connection.registry({ grantRead: config.grantRead === true }),
          { url: connection.url, org: connection.org, bucket: connection.bucket },
          {
            action: action as RegisterResult['action'],
            deviceId,
            registerIfMissing: config.registerOnGet === true,
            includeToken: config.includeToken === true,
            format: REGISTER_FORMATS.includes(config.format as RegisterFormat) ? config.format : 'json',
            accept: { header: msg.req?.headers?.accept, query: msg.req?.query?.accept },
          },
        );
        msg.payload = result.payload;
        if (result.statusCode !== undefined) msg.statusCode = result.statusCode;
        if (result.contentType !== undefined) msg.headers = { ...msg.headers, 'content-type': result.contentType };
        show(statusOf(result));
        send(msg);
        done();
      } catch (e) {
        const error =
          e instanceof DeviceIdError || e instanceof RegisterInputError
            ? e
            : describeInfluxError(
                e,
                connection.url,
                `${action} device${typeof deviceId === 'string' ? ` "${deviceId}"` : 's'}`,
              );
        show({ fill: 'red', shape: 'ring', text: error.message });
        done(error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      unsubscribe?.();
      done();
    });
  }

  function statusOf(result: RegisterResult): NodeStatus {
    const vars = { deviceId: result.deviceId ?? '' };
    switch (result.action) {
      case 'register':
        return {
          fill: 'green',
          shape: 'dot',
          text: RED._(result.newlyRegistered ? 'iot-register.status.registered' : 'iot-register.status.already', vars),
        };
      case 'get':
        return result.payload === null
          ? { fill: 'yellow', shape: 'ring', text: RED._('iot-register.status.not-found', vars) }
          : {
              fill: 'green',
              shape: 'dot',
              text: RED._(
                result.newlyRegistered ? 'iot-register.status.re-registered' : 'iot-register.status.got',
                vars,
              ),
            };
      case 'list':
        return {
          fill: 'green',
          shape: 'dot',
          text: RED._('iot-register.status.listed', {
            count: Array.isArray(result.payload) ? result.payload.length : 0,
          }),
        };
      case 'remove': {
        const removed = (result.payload as { removed: boolean }).removed;
        return removed
          ? { fill: 'green', shape: 'dot', text: RED._('iot-register.status.removed', vars) }
          : { fill: 'yellow', shape: 'ring', text: RED._('iot-register.status.not-found', vars) };
      }
      case 'rotate':
        return { fill: 'green', shape: 'dot', text: RED._('iot-register.status.rotated', vars) };
    }
  }

  RED.nodes.registerType('iot-register', IotRegisterNode);
};
