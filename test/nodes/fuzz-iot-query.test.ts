/**
 * iot-query under 10,000 seeded random msgs against the emulator, half to a node that runs msg.query and
 * half to one that runs presets: hostile msg.query, msg.query.params, msg.preset, deviceId, range,
 * every, fields, fn (anything, prototype-pollution keys, huge texts and lists, bad durations), with a
 * share of good ones that really query. Each msg ends in done() or a clear done(err); and a parameter of
 * any text stays one string literal of the Flux (no injection).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NodeMessage } from 'node-red';
import { withParamsRecord } from '../../lib/query';
import { PRESET_NAMES, presetQuery } from '../../lib/query/preset-request';
import queryNode = require('../../nodes/iot-query/iot-query');
import { calledFunctions, stringLiterals, syntaxErrors } from '../support/flux-validate';
import {
  assertClearError,
  assertNotPolluted,
  drive,
  hostile,
  MSG_FUZZ_COUNT,
  MSG_FUZZ_SEED,
  preview,
  prototypeSnapshot,
  sample,
  tally,
  watchUncaught,
} from '../support/msg-fuzz';
import type { FlowNode } from '../support/node-red';
import { TAB, useNodeRedWithEmulator } from '../support/node-red';

const PARAMS = ['bucket', 'deviceId', 'range', 'every', 'fields', 'query', 'params', 'preset', 'fn'];
const READS_PARAMS =
  'from(bucket: params.bucket) |> range(start: params.range) |> filter(fn: (r) => r.clientId == params.deviceId)';
const GOOD_FLUX = ['from(bucket: "my-bucket") |> range(start: -1h)', READS_PARAMS];

type Expect = 'ok' | 'either';
interface Case {
  node: 'qm' | 'qp';
  msg: NodeMessage & Record<string, unknown>;
  expect: Expect;
}

const good = {
  deviceId: fc.constantFrom('dev1', 'kitchen sensor'),
  range: fc.constantFrom('-1h', '-1d', '-7d'),
  every: fc.constantFrom('1m', '10s', '1h'),
  fields: fc.constantFrom(['Temperature'], 'Temperature, CO2'),
  fn: fc.constantFrom('mean', 'max', 'last'),
};
const bad = {
  deviceId: fc.constantFrom('', ' dev', 'dev\n1', 'x'.repeat(65), 7, ['dev1']),
  range: fc.constantFrom('1h', '-0s', '-1x', '-1h; drop()', `-${'1s'.repeat(100)}`, -3600, '-300y'),
  every: fc.constantFrom('-1m', '0s', 'minute', 60, ''),
  fields: fc.constantFrom([], [1], [''], new Array(2000).fill('f'), { Temperature: true }),
  fn: fc.constantFrom('avg', 'drop', 'mean()', 1),
};

/** A parameter: absent, good, bad or anything; `good` only when every one of the msg is good or absent. */
function parameter<T>(
  goodValue: fc.Arbitrary<T>,
  badValue: fc.Arbitrary<unknown>,
): fc.Arbitrary<{ value: unknown; good: boolean }> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ value: undefined as unknown, good: true }) },
    { weight: 3, arbitrary: goodValue.map((value) => ({ value: value as unknown, good: true })) },
    { weight: 1, arbitrary: badValue.map((value) => ({ value, good: false })) },
    { weight: 1, arbitrary: hostile(PARAMS).map((value) => ({ value, good: false })) },
  );
}

const parameters = fc.record({
  deviceId: parameter(good.deviceId, bad.deviceId),
  range: parameter(good.range, bad.range),
  every: parameter(good.every, bad.every),
  fields: parameter(good.fields, bad.fields),
});

const msgQuery: fc.Arbitrary<{ value: unknown; good: boolean }> = fc.oneof(
  { weight: 4, arbitrary: hostile(PARAMS, GOOD_FLUX).map((value) => ({ value, good: false })) },
  { weight: 1, arbitrary: fc.constantFrom(...GOOD_FLUX).map((value) => ({ value: value as unknown, good: true })) },
  {
    weight: 3,
    arbitrary: hostile(PARAMS).map((params) => ({ value: { query: READS_PARAMS, params } as unknown, good: false })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((value) => ({ value: value as unknown, good: false })) },
);

const queryCase: fc.Arbitrary<Case> = fc.record({ query: msgQuery, params: parameters }).map(({ query, params }) => {
  const msg: Case['msg'] = { query: query.value };
  // Flux that reads params.deviceId and params.range needs both.
  const needs = query.value === READS_PARAMS ? [params.deviceId.value, params.range.value] : [];
  let allGood = query.good && needs.every((value) => value !== undefined);
  for (const [name, p] of Object.entries(params)) {
    if (p.value !== undefined) msg[name] = p.value;
    allGood &&= p.good;
  }
  return { node: 'qm', msg, expect: allGood ? 'ok' : 'either' };
});

const presetCase: fc.Arbitrary<Case> = fc
  .record({
    preset: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(...PRESET_NAMES).map((value) => ({ value: value as unknown, good: true })),
      },
      { weight: 2, arbitrary: hostile(PARAMS, [...PRESET_NAMES]).map((value) => ({ value, good: false })) },
    ),
    fn: parameter(good.fn, bad.fn),
    params: parameters,
  })
  .map(({ preset, fn, params }) => {
    const msg: Case['msg'] = { preset: preset.value, deviceId: 'dev1' };
    let allGood = preset.good && fn.good;
    if (fn.value !== undefined) msg.fn = fn.value;
    for (const [name, p] of Object.entries(params)) {
      if (p.value !== undefined) msg[name] = p.value;
      allGood &&= p.good;
    }
    // lastValues, measurements and missingMinutes take no `every`; their builders ignore it.
    return { node: 'qp', msg, expect: allGood ? 'ok' : 'either' };
  });

describe('iot-query fuzz', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  const uncaught = watchUncaught();

  const queryNodeDef = (id: string, fields: Partial<FlowNode>): FlowNode => ({
    id,
    type: 'iot-query',
    z: TAB,
    name: '',
    influxdb: 'influx',
    source: 'preset',
    preset: 'lastValues',
    flux: '',
    bucket: '',
    bucketType: 'str',
    deviceId: '',
    deviceIdType: 'str',
    range: '',
    rangeType: 'str',
    every: '',
    everyType: 'str',
    fields: '',
    fieldsType: 'str',
    fn: '',
    format: 'rows',
    gaugeMode: 'perField',
    rowLimit: 1000,
    wires: [[]],
    ...fields,
  });

  it(`takes ${MSG_FUZZ_COUNT} random msgs (msg.query and presets): each ends in done() or a clear done(err)`, async function () {
    this.timeout(60_000);
    await fixture.deploy(
      [queryNode],
      [queryNodeDef('qm', { source: 'msg' }), queryNodeDef('qp', { source: 'preset' })],
    );
    const half = Math.ceil(MSG_FUZZ_COUNT / 2);
    const cases = [...sample(queryCase, half), ...sample(presetCase, MSG_FUZZ_COUNT - half, MSG_FUZZ_SEED + 1)];
    const before = prototypeSnapshot();

    const started = Date.now();
    const endings = [
      ...(await drive(
        'qm',
        cases.slice(0, half).map((c) => c.msg),
      )),
      ...(await drive(
        'qp',
        cases.slice(half).map((c) => c.msg),
      )),
    ];
    const elapsed = Date.now() - started;

    endings.forEach((ending, index) => {
      const { msg, expect, node } = cases[index];
      // Built only on failure: a preview of a huge msg costs, and 10,000 would block the event loop.
      const context = (): string => `${node} msg #${index} ${preview(msg)}`;
      if (!ending.ok) {
        const error = assertClearError(ending.error, context);
        if (error instanceof TypeError || error instanceof RangeError) assert.fail(`${context()}: ${error.stack}`);
      }
      if (expect === 'ok' && !ending.ok) assert.fail(`${context()}: ${String(ending.error)}`);
    });
    uncaught.assertNone();
    assertNotPolluted(before);

    // Both nodes still work.
    assert.deepEqual(await drive('qm', [{ query: GOOD_FLUX[0] }]), [{ ok: true }]);
    assert.deepEqual(await drive('qp', [{ preset: 'deviceList' }]), [{ ok: true }]);

    const outcomes = tally(
      endings.map((e, i) => `${cases[i].node}:${cases[i].expect}:${e.ok ? 'done' : (e.error as Error).name}`),
    );
    console.log(`      ${MSG_FUZZ_COUNT} msgs in ${elapsed} ms; ${JSON.stringify(outcomes)}`);
  });

  it('keeps a parameter of any text one string literal of the Flux', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(text, text, (deviceId, other) => {
        let source: string;
        try {
          source = withParamsRecord(READS_PARAMS, { bucket: other, deviceId, range: '-1h', note: other });
        } catch {
          return; // refused (e.g. not a valid device id): nothing reaches Flux
        }
        assert.deepEqual(syntaxErrors(source), [], source);
        const literals = stringLiterals(source);
        assert.ok(literals.includes(deviceId) && literals.includes(other), source);
        assert.deepEqual(calledFunctions(source).sort(), ['filter', 'from', 'range'], source);
      }),
      { seed: MSG_FUZZ_SEED, numRuns: 300 },
    );
    fc.assert(
      fc.property(text, (value) => {
        let source: string;
        try {
          source = presetQuery('lastValues', {
            bucket: value,
            deviceId: 'dev1',
            fields: [value],
            measurement: value,
          }).toString();
        } catch {
          return;
        }
        assert.deepEqual(syntaxErrors(source), [], source);
        assert.equal(stringLiterals(source).filter((s) => s === value).length >= 3, true, source);
      }),
      { seed: MSG_FUZZ_SEED + 1, numRuns: 300 },
    );
  });
});
