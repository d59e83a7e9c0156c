/**
 * What `iot-write` says, without Node-RED: the error for points refused at the edge (each named with its
 * reason), and the status for the shared pipeline's stats.
 */
import type { WriteResult, WriteStats } from '../../lib/write/pipeline';
import type { InputError } from '../../lib/write/point';
import type { WriteErrorCode } from '../../lib/write/errors';
import { compactCount } from '../shared/status';

/** Listed in full up to this many; the rest are counted. */
const MAX_LISTED = 10;

/**
 * `2 of 5 points refused (the others are buffered): point 1: field 'x' ...; point 3: ...`.
 * Points of an array are numbered from 0 as in msg.payload; lines of a text from 0 too.
 */
export function refusalMessage(input: unknown, result: WriteResult): string {
  const what = typeof input === 'string' ? 'line' : 'point';
  const total = result.accepted + result.errors.length;
  const listed = result.errors.slice(0, MAX_LISTED).map((e) => describeRefusal(input, what, e));
  const more = result.errors.length > MAX_LISTED ? `; and ${result.errors.length - MAX_LISTED} more` : '';
  const others = result.accepted > 0 ? ' (the others are buffered)' : '';
  if (!Array.isArray(input) && typeof input !== 'string')
    return `the point was refused: ${result.errors[0]?.reason ?? 'unknown reason'}`;
  return `${result.errors.length} of ${total} ${what}s refused${others}: ${listed.join('; ')}${more}`;
}

function describeRefusal(input: unknown, what: string, e: InputError): string {
  return `${what} ${e.index}: ${e.reason}`;
}

export type StatusFill = 'red' | 'green' | 'yellow' | 'blue' | 'grey';

export interface WriteStatusView {
  fill: StatusFill;
  shape: 'dot' | 'ring';
  /** Catalog key and its values (counts as compact text: 12k). */
  key: string;
  vars: Record<string, string | number>;
}

/**
 * Counts while all is well; red with the reason while a batch waits for its next attempt (refused token,
 * missing bucket, outage), saying "paused" once the circuit is open. `now` turns nextRetryAt into seconds.
 */
export function writeStatus(stats: WriteStats, now: number): WriteStatusView {
  const failed = stats.failed + stats.invalid + stats.dropped;
  const counts = {
    buffered: compactCount(stats.buffered),
    written: compactCount(stats.written),
    failed: compactCount(failed),
  };
  if (stats.retrying && stats.lastError) {
    const seconds = stats.nextRetryAt === undefined ? 0 : Math.max(0, Math.ceil((stats.nextRetryAt - now) / 1000));
    return {
      fill: 'red',
      shape: 'ring',
      // Open: an outage, not a blip; the log says so once, the status until it ends.
      key: stats.circuit === 'open' ? 'iot-write.status.paused' : 'iot-write.status.retrying',
      vars: { reason: shortReason(stats.lastError.code, stats.lastError.status), seconds, ...counts },
    };
  }
  const fill: StatusFill = failed > 0 ? 'yellow' : stats.buffered > 0 ? 'blue' : 'green';
  return {
    fill,
    shape: 'dot',
    key: failed > 0 ? 'iot-write.status.counts-failed' : 'iot-write.status.counts',
    vars: counts,
  };
}

/** A few words for the status line; the full message goes to the log. */
export function shortReason(code: WriteErrorCode, status?: number): string {
  const suffix = status !== undefined ? ` ${status}` : '';
  switch (code) {
    case 'unauthorized':
      return `token refused${suffix}`;
    case 'forbidden':
      return `not allowed${suffix}`;
    case 'not-found':
      return `no bucket/org${suffix}`;
    case 'bad-request':
      return `request refused${suffix}`;
    case 'too-many-requests':
      return `rate limited${suffix}`;
    case 'unavailable':
      return `server error${suffix}`;
    case 'timeout':
      return 'no answer in time';
    case 'network':
      return 'unreachable';
    default:
      return code + suffix;
  }
}
