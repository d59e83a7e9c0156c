/** What a message asks the virtual device to do, parsed once at the edge. */
import { describeValue } from '../describe-value';
import { toEpochMs } from '../environment';

export const COMMANDS = ['start', 'stop', 'tick', 'backfill'] as const;
export type CommandName = (typeof COMMANDS)[number];

export class CommandError extends Error {
  readonly code = 'invalid_command';
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface Command {
  name: CommandName;
  /** `tick`: the time of the point (default now). `backfill`: write from this time on instead of asking InfluxDB. */
  timeMs?: number;
  /** `start`: seconds between points, instead of the node's interval. */
  intervalMs?: number;
}

interface CommandMessage {
  command?: unknown;
  payload?: unknown;
  timestamp?: unknown;
  since?: unknown;
  interval?: unknown;
  track?: unknown;
}

/**
 * `msg.command`, else a text `msg.payload`, names the command. A message naming none ticks (an inject
 * node's timestamp payload, for example) unless it only brings a GPS track (`msg.track`).
 */
export function parseCommand(msg: CommandMessage): Command | undefined {
  const named = msg.command !== undefined ? msg.command : typeof msg.payload === 'string' ? msg.payload : undefined;
  if (named === undefined)
    return msg.track !== undefined ? undefined : { name: 'tick', ...time('timestamp', msg.timestamp) };
  const name = COMMANDS.find((command) => command === named);
  if (!name) throw new CommandError(`unknown command ${describeValue(named)}: use ${COMMANDS.join(', ')}`);
  switch (name) {
    case 'tick':
      return { name, ...time('timestamp', msg.timestamp) };
    case 'backfill':
      return { name, ...time('since', msg.since) };
    case 'start':
      return msg.interval === undefined
        ? { name }
        : { name, intervalMs: parseIntervalSeconds(msg.interval, 'msg.interval') };
    case 'stop':
      return { name };
  }
}

/** Seconds (a number or a numeric text) → ms; at least 10 ms so that a typo cannot flood a flow. */
export function parseIntervalSeconds(value: unknown, what = 'interval'): number {
  const seconds =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0.01) {
    throw new CommandError(`${what} must be a number of seconds, at least 0.01, got ${describeValue(value)}`);
  }
  return Math.round(seconds * 1000);
}

/** InfluxDB's time range in ms (int64 ns, years 1677 to 2262): a point outside it could not be written. */
const MAX_TIME_MS = 9_223_372_036_854;

function time(property: 'timestamp' | 'since', value: unknown): { timeMs?: number } {
  if (value === undefined) return {};
  const ms = toEpochMs(value);
  if (ms === undefined || Math.abs(ms) > MAX_TIME_MS) {
    throw new CommandError(
      `msg.${property} must be a time from 1677 to 2262 (ms since the epoch, a Date or an ISO 8601 text), got ${describeValue(value)}`,
    );
  }
  return { timeMs: ms };
}
