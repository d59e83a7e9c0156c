/**
 * The msg properties of `iot-write` besides the payload, parsed at the edge: `msg.measurement`,
 * `msg.deviceId` (or the node's clientId setting) and `msg.flush`. A wrong one refuses the whole msg,
 * since it would change every point of it; the points themselves are checked one by one later.
 */
import { describeValue } from '../../lib/describe-value';
import { validateDeviceId } from '../../lib/devices/device-id';

export class WriteMessageError extends Error {
  readonly code = 'invalid_msg';
  override name = 'WriteMessageError';
}

export interface WriteRequest {
  /** Undefined: the node's measurement. */
  measurement?: string;
  /** The `clientId` default tag; undefined: none. */
  clientId?: string;
  flush: boolean;
}

export interface WriteMessage {
  measurement?: unknown;
  flush?: unknown;
}

/** `clientId` is msg.deviceId when given, else the node's clientId property evaluated against the msg. */
export function parseWriteRequest(msg: WriteMessage, clientId: unknown): WriteRequest {
  const request: WriteRequest = { flush: flag(msg.flush) };
  if (!absent(msg.measurement)) {
    if (typeof msg.measurement !== 'string') {
      throw new WriteMessageError(`msg.measurement must be a text, got ${describeValue(msg.measurement)}`);
    }
    request.measurement = msg.measurement;
  }
  if (!absent(clientId)) request.clientId = validateDeviceId(clientId);
  return request;
}

function flag(value: unknown): boolean {
  if (absent(value) || value === false) return false;
  if (value === true) return true;
  throw new WriteMessageError(`msg.flush must be true or false, got ${describeValue(value)}`);
}

/** Not given: as an empty form field or a missing property. */
export function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
