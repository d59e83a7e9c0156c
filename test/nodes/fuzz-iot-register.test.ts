/**
 * iot-register under 10,000 seeded random msgs against the emulator: hostile msg.action and
 * msg.deviceId (anything, prototype-pollution keys, huge texts, control characters, lone surrogates),
 * near-miss actions, odd HTTP requests, and a share of well-formed ones that really register, get, list,
 * rotate and remove devices. Each msg ends in done() or a clear done(err) of the right kind.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NodeMessage } from 'node-red';
import { DeviceIdError, validateDeviceId } from '../../lib/devices/device-id';
import registerNode = require('../../nodes/iot-register/iot-register');
import { REGISTER_ACTIONS, RegisterInputError } from '../../nodes/iot-register/controller';
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
import { TAB, useNodeRedWithEmulator } from '../support/node-red';

const GOOD_IDS = ['dev1', 'kitchen sensor', 'Čidlo 1'];
const BAD_IDS = ['', ' dev', 'dev ', 'dev\n1', 'dev\u2028', 'd\ud800', 'x'.repeat(65), 'x'.repeat(100_000), 42, {}];

type Expect = 'ok' | 'action' | 'deviceId' | 'either';
interface Case {
  msg: NodeMessage & Record<string, unknown>;
  expect: Expect;
}

const action = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...REGISTER_ACTIONS).map((a) => ({ value: a as unknown, known: true })) },
  { weight: 1, arbitrary: fc.constant({ value: undefined as unknown, known: true }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('Register', 'list ', 'delete', 'rotate-token', '__proto__', 'constructor', 'toString')
      .map((a) => ({ value: a as unknown, known: false })),
  },
  { weight: 4, arbitrary: hostile(['action'], [...REGISTER_ACTIONS]).map((a) => ({ value: a, known: false })) },
);

const deviceId = fc.oneof(
  // Few real round trips: most msgs are refused at the edge.
  { weight: 1, arbitrary: fc.constantFrom(...GOOD_IDS).map((id) => ({ value: id as unknown, valid: true })) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_IDS).map((id) => ({ value: id as unknown, valid: false })) },
  { weight: 6, arbitrary: hostile(['deviceId']).map((id) => ({ value: id, valid: undefined as boolean | undefined })) },
);

const fuzzCase: fc.Arbitrary<Case> = fc
  .record({ action, deviceId, req: fc.option(hostile(['headers', 'query', 'accept'], ['text/plain']), { freq: 3 }) })
  .map(({ action, deviceId, req }) => {
    const msg: Case['msg'] = { payload: 'fuzz' };
    if (action.value !== undefined) msg.action = action.value;
    msg.deviceId = deviceId.value;
    if (req !== null) msg.req = req;
    const chosen = action.value === undefined || action.value === null || action.value === '' ? 'get' : action.value;
    const known =
      action.known || (typeof chosen === 'string' && (REGISTER_ACTIONS as readonly string[]).includes(chosen));
    const isAction = typeof chosen === 'string' && (REGISTER_ACTIONS as readonly string[]).includes(chosen);
    let expect: Expect;
    if (!isAction) expect = known ? 'either' : 'action';
    else if (chosen === 'list') expect = 'ok';
    else expect = deviceId.valid === true ? 'ok' : deviceId.valid === false ? 'deviceId' : 'either';
    return { msg, expect };
  });

describe('iot-register fuzz', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  const uncaught = watchUncaught();

  it(`takes ${MSG_FUZZ_COUNT} random msgs: each ends in done() or a clear done(err) naming the action or the device id`, async function () {
    this.timeout(60_000);
    await fixture.deploy(
      [registerNode],
      [
        {
          id: 'r',
          type: 'iot-register',
          z: TAB,
          influxdb: 'influx',
          action: 'get',
          deviceId: 'deviceId',
          deviceIdType: 'msg',
          grantRead: false,
          registerOnGet: false,
          includeToken: false,
          format: 'accept',
          wires: [[]],
        },
      ],
    );
    const cases = sample(fuzzCase, MSG_FUZZ_COUNT);
    const before = prototypeSnapshot();

    const started = Date.now();
    const endings = await drive(
      'r',
      cases.map((c) => c.msg),
    );
    const elapsed = Date.now() - started;

    endings.forEach((ending, index) => {
      const { msg, expect } = cases[index];
      // Built only on failure: a preview of a huge msg costs, and 10,000 would block the event loop.
      const context = (): string => `msg #${index} ${preview(msg)}`;
      const check = (holds: boolean, why: () => string): void => {
        if (!holds) assert.fail(`${context()}: ${why()}`);
      };
      if (!ending.ok) {
        const error = assertClearError(ending.error, context);
        // Refused at the edge, or what InfluxDB said: never a TypeError from reading the msg.
        check(!(error instanceof TypeError) && !(error instanceof RangeError), () => String(error.stack));
      }
      const got = (): string => (ending.ok ? 'done()' : String(ending.error));
      if (expect === 'ok') check(ending.ok, got);
      if (expect === 'action') check(!ending.ok && ending.error instanceof RegisterInputError, got);
      if (expect === 'deviceId') check(!ending.ok && ending.error instanceof DeviceIdError, got);
    });
    uncaught.assertNone();
    assertNotPolluted(before);

    // The node still works: a new device is registered, and listed among the others.
    const after = { action: 'register', deviceId: 'after-fuzz' };
    assert.deepEqual(await drive('r', [after]), [{ ok: true }]);
    const list: NodeMessage & { action: string } = { action: 'list' };
    assert.deepEqual(await drive('r', [list]), [{ ok: true }]);
    const ids = (list.payload as Array<{ deviceId: string }>).map((d) => d.deviceId);
    assert.ok(ids.includes('after-fuzz'), `listed: ${ids.join(', ')}`);
    for (const id of ids) assert.equal(validateDeviceId(id), id, 'only valid device ids are registered');

    const outcomes = tally(endings.map((e, i) => `${cases[i].expect}:${e.ok ? 'done' : (e.error as Error).name}`));
    console.log(`      ${MSG_FUZZ_COUNT} msgs in ${elapsed} ms; ${JSON.stringify(outcomes)}`);
  });
});
