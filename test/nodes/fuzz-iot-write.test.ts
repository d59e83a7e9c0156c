/**
 * iot-write under 10,000 seeded random msgs against the emulator: hostile payloads (anything, with
 * prototype-pollution keys, NaN/Infinity, huge texts, deep and cyclic objects), points that are almost
 * right, line protocol text of random bytes, and wrong msg.measurement/deviceId/flush. Each msg ends in
 * done() or done(err) with a clear Error, nothing throws, no prototype changes, and the pipeline gets
 * exactly the points that were accepted: InfluxDB then parses every one of them.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NodeMessage } from 'node-red';
import writeNode = require('../../nodes/iot-write/iot-write');
import type { InfluxConfigNode } from '../../nodes/iot-influxdb/types';
import type { FailedLines, WriteResult } from '../../lib/write/pipeline';
import { quietClientLogs } from '../support/emulator';
import {
  assertClearError,
  assertNotPolluted,
  drive,
  HUGE_TEXT,
  hostile,
  LONG_TEXT,
  MSG_FUZZ_COUNT,
  preview,
  prototypeSnapshot,
  sample,
  tally,
  watchUncaught,
} from '../support/msg-fuzz';
import { helper, TAB, useNodeRedWithEmulator } from '../support/node-red';

const MSGS = MSG_FUZZ_COUNT;

/** What a msg is expected to do: every point accepted, at least one refused, or unknown (hostile). */
type Expect = 'accepted' | 'refused' | 'either';
interface Case {
  msg: NodeMessage & Record<string, unknown>;
  expect: Expect;
  kind: string;
}

// Names that need no escaping thought: no backslash, no leading '#', no control characters.
const name = fc.string({
  unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '=', '"', '_', 'é', '😀'),
  minLength: 1,
  maxLength: 8,
});
const tagKey = name.filter((k) => !['_field', '_measurement', 'time', '__proto__'].includes(k));
// Field names carry their type, so that random points do not conflict with each other's field types.
const goodFields = fc.record(
  {
    f_a: fc.double({ noNaN: true, noDefaultInfinity: true }),
    s_a: fc.string({ unit: 'grapheme', maxLength: 12 }),
    b_a: fc.boolean(),
    i_a: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: 'int' as const, value })),
    u_a: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ type: 'uint' as const, value })),
  },
  { requiredKeys: ['f_a'] },
);
const goodPoint = fc.record(
  {
    measurement: fc.constant('fz'),
    tags: fc.dictionary(tagKey, name, { maxKeys: 2 }),
    fields: goodFields,
    timestamp: fc.oneof(
      fc.integer({ min: 0, max: 4_102_444_800_000 }),
      fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }),
    ),
  },
  { requiredKeys: ['fields'] },
);
type GoodPoint = typeof goodPoint extends fc.Arbitrary<infer T> ? T : never;

/** Sets an own property even for `__proto__`, as JSON.parse would. */
function own(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A good point with one change that makes it bad (or, for plain names, keeps it good). */
const almostPoint: fc.Arbitrary<{ point: unknown; expect: Expect }> = fc
  .tuple(
    goodPoint,
    fc.constantFrom(
      'nanField',
      'infField',
      'hugeField',
      'nestedField',
      'hostileField',
      'newlineTag',
      'surrogateTag',
      'longTag',
      'emptyTag',
      'protoTag',
      'protoField',
      'plainNames',
      'badTime',
      'hostileTime',
      'hostileMeasurement',
      'extraKey',
    ),
    hostile(),
    fc.constantFrom(1e20, -1e20, '9'.repeat(30), 'yesterday', new Date(NaN), '2024-01-02T03:04:05'),
  )
  .map(([good, change, anything, badTime]) => {
    const point = structuredClone(good) as GoodPoint & Record<string, unknown>;
    const fields = point.fields as Record<string, unknown>;
    const tags = (point.tags ?? {}) as Record<string, unknown>;
    point.tags = tags as Record<string, string>;
    const refused = (): { point: unknown; expect: Expect } => ({ point, expect: 'refused' });
    switch (change) {
      case 'nanField':
        fields.f_a = NaN;
        return refused();
      case 'infField':
        fields.f_a = -Infinity;
        return refused();
      case 'hugeField':
        fields.s_a = HUGE_TEXT;
        return refused();
      case 'nestedField':
        fields.f_a = { deep: { deeper: [1] } };
        return refused();
      case 'hostileField':
        fields.h_x = anything;
        return { point, expect: 'either' };
      case 'newlineTag':
        tags.t = 'line\nbreak';
        return refused();
      case 'surrogateTag':
        tags.t = 'half \ud83d';
        return refused();
      case 'longTag':
        tags.t = LONG_TEXT;
        return refused();
      case 'emptyTag':
        tags.t = '';
        return refused();
      case 'protoTag':
        own(tags, '__proto__', 'x');
        return refused();
      case 'protoField':
        own(fields, '__proto__', 1);
        return refused();
      case 'plainNames':
        tags['constructor'] = 'c';
        fields.prototype = 1.5;
        return { point, expect: 'accepted' };
      case 'badTime':
        point.timestamp = badTime as never;
        return refused();
      case 'hostileTime':
        point.timestamp = anything as never;
        return { point, expect: 'either' };
      case 'hostileMeasurement':
        point.measurement = anything as never;
        return { point, expect: 'either' };
      case 'extraKey':
        own(point, '__proto__', { fields: { polluted: 1 } });
        return refused();
    }
  });

/** Line protocol text: random bytes of the grammar, mixed with lines that are surely good. */
const lineText = fc
  .array(
    fc.oneof(
      fc.string({
        unit: fc.constantFrom('lp', ',', '=', ' ', '"', '\\', '\n', 'x', 'y', '1', '-', '.', 'e', 'i', 'u', 't', '#'),
        maxLength: 16,
      }),
      fc.constantFrom('lp x=1 1700000000000', 'lp,t=a x=2', 'lp __proto__=1', 'lp x=1 99999999999999999999999'),
    ),
    { maxLength: 4 },
  )
  .map((lines) => lines.join('\n'));

const POINT_KEYS = ['measurement', 'tags', 'fields', 'timestamp', 'type', 'value'];
const GOOD_IDS = ['dev1', 'dev 2', 'Čidlo'];
const badDeviceId = fc.constantFrom('', ' dev', 'dev\n1', 'd\ud800', 'x'.repeat(65), 42, null, {}, ['dev1']);

/**
 * A msg property: absent (undefined, null, '') or known good is fine; any other text may or may not be
 * usable (a measurement starting with '#', a device id of 65 characters); anything else is refused.
 */
function judge(value: unknown, good: (text: string) => boolean): 'fine' | 'refused' | 'either' {
  if (value === undefined || value === null || value === '') return 'fine';
  if (typeof value !== 'string') return 'refused';
  return good(value) ? 'fine' : 'either';
}

const payloadCase: fc.Arbitrary<{ payload: unknown; expect: Expect; kind: string }> = fc.oneof(
  {
    weight: 4,
    arbitrary: hostile(POINT_KEYS, ['int', 'uint', 'float', 'string', 'bool']).map((payload) => ({
      payload,
      expect: 'either' as Expect,
      kind: 'hostile',
    })),
  },
  { weight: 2, arbitrary: goodPoint.map((payload) => ({ payload, expect: 'accepted' as Expect, kind: 'good' })) },
  { weight: 3, arbitrary: almostPoint.map(({ point, expect }) => ({ payload: point, expect, kind: 'almost' })) },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.oneof(
          goodPoint,
          almostPoint.map((a) => a.point),
          hostile(POINT_KEYS),
        ),
        { maxLength: 6 },
      )
      .map((payload) => ({ payload, expect: 'either' as Expect, kind: 'array' })),
  },
  { weight: 1, arbitrary: lineText.map((payload) => ({ payload, expect: 'either' as Expect, kind: 'text' })) },
);

const fuzzCase: fc.Arbitrary<Case> = fc
  .record({
    payload: payloadCase,
    measurement: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant('fz') },
      { weight: 1, arbitrary: hostile() },
    ),
    deviceId: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom(...GOOD_IDS) },
      { weight: 1, arbitrary: badDeviceId },
      { weight: 1, arbitrary: hostile() },
    ),
    flush: fc.oneof(
      { weight: 400, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(true) },
      { weight: 4, arbitrary: hostile() },
    ),
  })
  .map(({ payload, measurement, deviceId, flush }) => {
    const msg: Case['msg'] = { payload: payload.payload };
    if (measurement !== undefined) msg.measurement = measurement;
    if (deviceId !== undefined) msg.deviceId = deviceId;
    if (flush !== undefined) msg.flush = flush;
    const verdicts = [
      judge(measurement, (m) => m === 'fz'),
      judge(deviceId, (id) => GOOD_IDS.includes(id)),
      typeof flush === 'boolean' ? 'fine' : judge(flush, () => false),
    ];
    const expect: Expect = verdicts.includes('refused')
      ? 'refused'
      : verdicts.includes('either')
        ? 'either'
        : payload.expect;
    return { msg, expect, kind: payload.kind };
  });

describe('iot-write fuzz', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  quietClientLogs();
  const uncaught = watchUncaught();

  it(`takes ${MSGS} random msgs: each ends in done() or a clear done(err), and only accepted points reach InfluxDB`, async function () {
    this.timeout(60_000);
    await fixture.deploy(
      [writeNode],
      [
        {
          id: 'w',
          type: 'iot-write',
          z: TAB,
          influxdb: 'influx',
          bucket: '',
          measurement: 'environment',
          precision: 'ms',
          batchSize: 100_000,
          flushInterval: 600_000,
          clientId: 'deviceId',
          clientIdType: 'msg',
          forward: true,
          wires: [[]],
        },
      ],
    );
    const pipeline = (helper.getNode('influx') as InfluxConfigNode).connection.pipeline();
    const failures: FailedLines[] = [];
    pipeline.on('failed', (failed: FailedLines) => failures.push(failed));
    const cases = sample(fuzzCase, MSGS);
    const before = prototypeSnapshot();

    const started = Date.now();
    const endings = await drive(
      'w',
      cases.map((c) => c.msg),
    );
    const elapsed = Date.now() - started;

    let accepted = 0;
    let refused = 0;
    endings.forEach((ending, index) => {
      const { msg, expect } = cases[index];
      // Built only on failure: a preview of a huge msg costs, and 10,000 would block the event loop.
      const context = (): string => `msg #${index} ${preview(msg)}`;
      const check = (holds: boolean, why: () => string): void => {
        if (!holds) assert.fail(`${context()}: ${why()}`);
      };
      const result = msg.write as WriteResult | undefined;
      if (result) {
        accepted += result.accepted;
        refused += result.errors.length;
        for (const e of result.errors) check(typeof e.reason === 'string' && e.reason !== '', () => 'empty reason');
      }
      if (!ending.ok) assertClearError(ending.error, context);
      const got = (): string => (ending.ok ? 'done()' : String(ending.error));
      if (expect === 'accepted') check(ending.ok, got);
      if (expect === 'refused') check(!ending.ok, got);
      // A msg is refused as a whole (no msg.write) or point by point; either way the error says so.
      if (ending.ok) check(result?.errors.length === 0, () => JSON.stringify(result));
    });
    uncaught.assertNone();
    assertNotPolluted(before);

    // Everything accepted is in the pipeline, and InfluxDB parses all of it (a field type conflict between
    // random points, 422, is the only failure it may report).
    await pipeline.flush().catch(() => undefined);
    const stats = pipeline.stats;
    assert.equal(stats.invalid, refused);
    assert.equal(stats.buffered, 0, 'all sent');
    assert.equal(stats.written + stats.failed, accepted);
    assert.deepEqual(
      failures
        .filter((f) => f.error.code !== 'partial-write')
        .map((f) => [f.error.code, f.error.message, f.lines.slice(0, 3)]),
      [],
      'InfluxDB refused lines the edge accepted',
    );

    // The node still works.
    const good = await drive('w', [{ payload: { measurement: 'after', fields: { v: 1 } }, flush: true }]);
    assert.deepEqual(good, [{ ok: true }]);
    assert.equal(pipeline.stats.written + pipeline.stats.failed, accepted + 1);

    const outcomes = tally(endings.map((e, i) => `${cases[i].kind}:${e.ok ? 'done' : 'error'}`));
    console.log(
      `      ${MSGS} msgs in ${elapsed} ms; ${accepted} points accepted, ${refused} refused; ${JSON.stringify(outcomes)}`,
    );
  });
});
