/**
 * What `iot-register` does with one msg, without Node-RED: pick the action, call the registry, and shape
 * the payload — a device config in IoT Center's shape (token redacted unless asked for), a list of device
 * summaries (never tokens), or `{deviceId, removed}`.
 */
import { describeValue } from '../../lib/describe-value';
import { buildDeviceConfig, redactDeviceConfig, toYaml } from '../../lib/devices/device-config';
import type { DeviceConfig, InfluxTarget } from '../../lib/devices/device-config';
import { validateDeviceId } from '../../lib/devices/device-id';
import type { Device, DeviceRegistry, DeviceSummary } from '../../lib/devices/registry';

export const REGISTER_ACTIONS = ['register', 'get', 'list', 'remove', 'rotate'] as const;
export type RegisterAction = (typeof REGISTER_ACTIONS)[number];

/** json: an object; yaml: IoT Center's YAML text (Arduino client); accept: YAML when the HTTP request asks for text/plain. */
export const REGISTER_FORMATS = ['json', 'yaml', 'accept'] as const;
export type RegisterFormat = (typeof REGISTER_FORMATS)[number];

export class RegisterInputError extends Error {
  readonly code = 'invalid_action';
  override name = 'RegisterInputError';
}

/** `msg.action` when given, else the node's; refuses anything else with the list of actions. */
export function chooseAction(fromMsg: unknown, fromNode: string): RegisterAction {
  const action = fromMsg === undefined || fromMsg === null || fromMsg === '' ? fromNode : fromMsg;
  if (typeof action === 'string' && (REGISTER_ACTIONS as readonly string[]).includes(action))
    return action as RegisterAction;
  throw new RegisterInputError(`unknown action ${describeValue(action)}; use one of ${REGISTER_ACTIONS.join(', ')}`);
}

export interface RegisterRequest {
  action: RegisterAction;
  /** Required for every action but list; checked with validateDeviceId. */
  deviceId?: unknown;
  /** get: register the device when it has no usable authorization. */
  registerIfMissing: boolean;
  /** Put the device's token in the output (else `***`). */
  includeToken: boolean;
  /** How a device config is given; default json. */
  format?: RegisterFormat;
  /** The HTTP request's `Accept` header and `?accept=` query (IoT Center takes either), for format `accept`. */
  accept?: { header?: unknown; query?: unknown };
}

export type RegisterPayload = DeviceConfig | string | DeviceSummary[] | { deviceId: string; removed: boolean } | null;

export interface RegisterResult {
  action: RegisterAction;
  deviceId?: string;
  payload: RegisterPayload;
  /** 404 when get finds no device (for an http response node). */
  statusCode?: number;
  /** register/get/rotate: whether this call created the authorization. */
  newlyRegistered?: boolean;
  /** Set when the payload is YAML text, for an http response node. */
  contentType?: string;
}

export async function runRegisterAction(
  registry: DeviceRegistry,
  influx: InfluxTarget,
  request: RegisterRequest,
): Promise<RegisterResult> {
  const { action } = request;
  if (action === 'list') return { action, payload: await registry.list() };
  const deviceId = validateDeviceId(request.deviceId);
  const yaml =
    request.format === 'yaml' ||
    (request.format === 'accept' && wantsYaml(request.accept?.header, request.accept?.query));
  const output = (device: Device): RegisterResult => {
    const full = buildDeviceConfig(device, influx);
    const config = request.includeToken ? full : redactDeviceConfig(full);
    const result: RegisterResult = { action, deviceId, payload: config, newlyRegistered: device.newlyRegistered };
    if (yaml) {
      result.payload = toYaml(config);
      result.contentType = 'text/plain; charset=utf-8';
    }
    return result;
  };
  switch (action) {
    case 'register':
      return output(await registry.register(deviceId));
    case 'rotate':
      return output(await registry.rotate(deviceId));
    case 'get': {
      const device = await registry.get(deviceId, request.registerIfMissing);
      if (!device) return { action, deviceId, payload: null, statusCode: 404 };
      return output(device);
    }
    case 'remove':
      return { action, deviceId, payload: { deviceId, removed: await registry.remove(deviceId) } };
  }
}

/**
 * IoT Center answers YAML for `Accept: text/plain` or `?accept=text/plain`. A header that lists JSON
 * before text/plain (a browser's) still gets JSON.
 */
export function wantsYaml(header: unknown, query: unknown): boolean {
  if (typeof query === 'string' && query.trim().toLowerCase() === 'text/plain') return true;
  if (typeof header !== 'string') return false;
  const types = header.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  const text = types.indexOf('text/plain');
  const json = types.indexOf('application/json');
  return text >= 0 && (json < 0 || text < json);
}
