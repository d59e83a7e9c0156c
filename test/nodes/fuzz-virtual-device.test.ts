/**
 * virtual-device under 10,000 seeded random msgs: hostile msg.command, payload, interval, timestamp,
 * since, track and deviceId (anything, prototype-pollution keys, NaN/Infinity, huge texts, times outside
 * InfluxDB's range), with a share of good commands that tick, start, stop and backfill. Each msg ends in
 * done() or a clear done(err), every point it emits has a valid timestamp, and it still ticks at the end.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NodeMessage } from 'node-red';
import { DeviceIdError } from '../../lib/devices/device-id';
import { CommandError, COMMANDS } from '../../lib/virtual-device/commands';
import virtualDeviceNode = require('../../nodes/virtual-device/virtual-device');
import {
  assertClearError,
  assertNotPolluted,
  drive,
  hostile,
  MSG_FUZZ_COUNT,
  preview,
  prototypeSnapshot,
  sample,
  tally,
  watchUncaught,
} from '../support/msg-fuzz';
import { helper, loadFlow, TAB, useNodeRed } from '../support/node-red';

const KEYS = ['command', 'payload', 'interval', 'timestamp', 'since', 'track', 'deviceId', 'lat', 'lon'];
const NOW = Date.now();

type Expect = 'ok' | 'command' | 'deviceId' | 'either';
interface Case {
  msg: NodeMessage & Record<string, unknown>;
  expect: Expect;
}

/** A value that is absent, good, or anything; `good` is undefined when it is not known. */
function maybe<T>(goodValue: fc.Arbitrary<T>, badValue: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ value: undefined as unknown, good: true as boolean | undefined }) },
    {
      weight: 2,
      arbitrary: goodValue.map((value) => ({ value: value as unknown, good: true as boolean | undefined })),
    },
    { weight: 1, arbitrary: badValue.map((value) => ({ value, good: false as boolean | undefined })) },
    { weight: 1, arbitrary: hostile(KEYS).map((value) => ({ value, good: undefined as boolean | undefined })) },
  );
}

const command = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('tick', 'stop', 'start', 'backfill')
      .map((c) => ({ value: c as unknown, good: true as boolean | undefined })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('strat', 'TICK', 'backfill ', '__proto__', 'toString')
      .map((c) => ({ value: c as unknown, good: false as boolean | undefined })),
  },
  {
    weight: 5,
    arbitrary: hostile(KEYS, [...COMMANDS]).map((c) => ({ value: c, good: undefined as boolean | undefined })),
  },
);

const fuzzCase: fc.Arbitrary<Case> = fc
  .record({
    via: fc.constantFrom('command', 'payload'),
    command,
    interval: maybe(fc.constantFrom(1, '2.5', 60), fc.constantFrom(0, -1, NaN, Infinity, 'fast', 0.001)),
    timestamp: maybe(
      fc.integer({ min: NOW - 86_400_000, max: NOW }),
      fc.constantFrom(1e300, -1e300, 8.64e15, 'yesterday', new Date(NaN), Infinity),
    ),
    since: maybe(
      fc.integer({ min: NOW - 10 * 60_000, max: NOW }),
      fc.constantFrom(-1e300, 9.3e12, 'last week', new Date(NaN)),
    ),
    deviceId: maybe(fc.constantFrom('dev1', 'Čidlo'), fc.constantFrom(' dev', 'a\nb', 'x'.repeat(65), 42)),
    track: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constant([
          [50.1, 14.4],
          [50.2, 14.5],
        ] as unknown),
      },
      { weight: 1, arbitrary: fc.constantFrom([], [[91, 0]], [[0, '1']], [Object.create(null)], 'prague') },
      { weight: 1, arbitrary: hostile(KEYS) },
    ),
  })
  .map(({ via, command, interval, timestamp, since, deviceId, track }) => {
    const msg: Case['msg'] = {};
    if (via === 'command') msg.command = command.value;
    else msg.payload = command.value;
    if (interval.value !== undefined) msg.interval = interval.value;
    if (timestamp.value !== undefined) msg.timestamp = timestamp.value;
    // Without `since`, a backfill writes all 10,080 minutes of 7 days: a good since keeps it short.
    if (since.value !== undefined || command.value === 'backfill') msg.since = since.value ?? NOW - 60_000;
    if (deviceId.value !== undefined) msg.deviceId = deviceId.value;
    if (track !== undefined) msg.track = track;
    let expect: Expect = 'either';
    const name = command.value;
    if (track === undefined && command.good === false && (via === 'command' || typeof name === 'string'))
      expect = 'command';
    if (track === undefined && command.good === true && interval.good && timestamp.good && since.good) {
      expect = deviceId.good === true ? 'ok' : deviceId.good === false && name !== 'stop' ? 'deviceId' : 'either';
    }
    return { msg, expect };
  });

describe('virtual-device fuzz', () => {
  useNodeRed();
  const uncaught = watchUncaught();

  it(`takes ${MSG_FUZZ_COUNT} random msgs: each ends in done() or a clear done(err), and every point it emits is good`, async function () {
    this.timeout(60_000);
    await loadFlow(
      [virtualDeviceNode],
      [
        {
          id: 'vd',
          type: 'virtual-device',
          z: TAB,
          name: '',
          deviceId: 'deviceId',
          deviceIdType: 'msg',
          seed: 'fuzz',
          interval: 60,
          track: 'builtIn',
          trackFile: '',
          autoStart: false,
          influxdb: '',
          wires: [['points'], ['progress']],
        },
        { id: 'points', type: 'helper', z: TAB },
        { id: 'progress', type: 'helper', z: TAB },
      ],
    );
    let emitted = 0;
    const badPoints: string[] = [];
    helper.getNode('points')?.on('input', (msg: NodeMessage) => {
      for (const point of [msg.payload].flat() as Array<{ timestamp?: unknown }>) {
        emitted++;
        const time = point.timestamp instanceof Date ? point.timestamp.getTime() : NaN;
        if (!Number.isFinite(time)) badPoints.push(preview(point));
      }
    });
    const cases = sample(fuzzCase, MSG_FUZZ_COUNT);
    const before = prototypeSnapshot();

    const started = Date.now();
    const endings = await drive(
      'vd',
      cases.map((c) => c.msg),
    );
    const elapsed = Date.now() - started;
    await drive('vd', [{ command: 'stop' }]);

    endings.forEach((ending, index) => {
      const { msg, expect } = cases[index];
      // Built only on failure: a preview of a huge msg costs, and 10,000 would block the event loop.
      const context = (): string => `msg #${index} ${preview(msg)}`;
      const got = (): string => (ending.ok ? 'done()' : String(ending.error));
      if (!ending.ok) {
        const error = assertClearError(ending.error, context);
        if (error instanceof TypeError || error instanceof RangeError) assert.fail(`${context()}: ${error.stack}`);
      }
      if (expect === 'ok' && !ending.ok) assert.fail(`${context()}: ${got()}`);
      if (expect === 'command' && !(!ending.ok && ending.error instanceof CommandError))
        assert.fail(`${context()}: ${got()}`);
      if (expect === 'deviceId' && !(!ending.ok && ending.error instanceof DeviceIdError))
        assert.fail(`${context()}: ${got()}`);
    });
    assert.deepEqual(badPoints.slice(0, 5), [], 'points with an invalid timestamp');
    uncaught.assertNone();
    assertNotPolluted(before);

    // It still ticks.
    const tick: NodeMessage & Record<string, unknown> = { command: 'tick', timestamp: NOW, deviceId: 'after' };
    assert.deepEqual(await drive('vd', [tick]), [{ ok: true }]);
    assert.equal((tick.payload as { tags: { clientId: string } }).tags.clientId, 'after');

    const outcomes = tally(endings.map((e, i) => `${cases[i].expect}:${e.ok ? 'done' : (e.error as Error).name}`));
    console.log(
      `      ${MSG_FUZZ_COUNT} msgs in ${elapsed} ms; ${emitted} points emitted; ${JSON.stringify(outcomes)}`,
    );
  });
});
