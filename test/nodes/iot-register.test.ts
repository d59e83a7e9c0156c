/** The `iot-register` node in Node-RED: the device lifecycle against the emulator over HTTP. */
import { shortText } from '../../nodes/shared/status';
import assert from 'node:assert/strict';
import { AuthorizationsAPI } from '@influxdata/influxdb-client-apis';
import registerNode = require('../../nodes/iot-register/iot-register');
import type { FlowNode, Outcome } from '../support/node-red';
import { lastStatus, loadFlow, send, statuses, TAB, useNodeRedWithEmulator, watch } from '../support/node-red';
import { assertHttpError, clientFor, quietClientLogs } from '../support/emulator';

describe('iot-register', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  quietClientLogs();

  const load = async (fields: Partial<FlowNode> = {}) => {
    await fixture.deploy(
      [registerNode],
      [
        {
          id: 'r',
          type: 'iot-register',
          z: TAB,
          influxdb: 'influx',
          action: 'register',
          deviceId: 'deviceId',
          deviceIdType: 'msg',
          wires: [[]],
          ...fields,
        },
        ...watch('r'),
      ],
    );
  };
  /** The output msg of a msg that must succeed. */
  const run = async (msg: Record<string, unknown>) => {
    const outcome = await send('r', msg);
    assert.ok(outcome.ok, `expected done(), got ${outcome.ok ? '' : outcome.error}`);
    return outcome.msg;
  };
  const failure = (outcome: Outcome): string => {
    assert.equal(outcome.ok, false, 'expected done(err)');
    return outcome.ok ? '' : outcome.error;
  };
  const deviceAuthorizations = async () =>
    ((await new AuthorizationsAPI(fixture.influx.influx).getAuthorizations({})).authorizations ?? []).filter((a) =>
      a.description?.startsWith('IoT Center: '),
    );

  it('registers a device once, however often asked', async () => {
    await load();
    const first = await run({ deviceId: 'dev1' });
    const second = await run({ deviceId: 'dev1' });
    assert.equal((first.payload as { newlyRegistered: boolean }).newlyRegistered, true);
    assert.equal((second.payload as { newlyRegistered: boolean }).newlyRegistered, false);
    assert.equal((await deviceAuthorizations()).length, 1);
  });

  it('outputs the device config in IoT Center shape, with the token hidden by default', async () => {
    await load();
    const { payload } = await run({ deviceId: 'dev1' });
    const config = payload as Record<string, unknown>;
    assert.deepEqual(
      {
        id: config.id,
        influx_url: config.influx_url,
        influx_org: config.influx_org,
        influx_bucket: config.influx_bucket,
        influx_token: config.influx_token,
        write_endpoint: config.write_endpoint,
        measurement_interval: config.measurement_interval,
      },
      {
        id: 'dev1',
        influx_url: fixture.influx.emulator.url,
        influx_org: 'my-org',
        influx_bucket: 'my-bucket',
        influx_token: '***',
        write_endpoint: '/influx',
        measurement_interval: 60,
      },
    );
    assert.ok(typeof config.createdAt === 'string' && typeof config.serverTime === 'string');
  });

  it('includes a working token when told to', async () => {
    await load({ includeToken: true });
    const { payload } = await run({ deviceId: 'dev1' });
    const token = (payload as { influx_token: string }).influx_token;
    assert.notEqual(token, '***');
    const api = clientFor(fixture.influx.emulator, token).getWriteApi('my-org', 'my-bucket', 'ms');
    api.writeRecord('environment,clientId=dev1 Temperature=20 1700000000000');
    await api.close();
  });

  it('never shows the token in its status', async () => {
    await load({ includeToken: true });
    const { payload } = await run({ deviceId: 'dev1' });
    const token = (payload as { influx_token: string }).influx_token;
    assert.ok(statuses('r').every((s) => !String(s.text).includes(token)));
    assert.deepEqual(lastStatus('r'), { fill: 'green', shape: 'dot', text: 'registered dev1' });
  });

  it('gets the config of a registered device', async () => {
    await load();
    await run({ deviceId: 'dev1' });
    const msg = await run({ deviceId: 'dev1', action: 'get' });
    assert.equal((msg.payload as { id: string }).id, 'dev1');
    assert.equal(msg.statusCode, undefined);
    assert.equal(lastStatus('r').text, 'got dev1');
  });

  it('answers get of an unknown device with null and statusCode 404, not an error', async () => {
    await load({ action: 'get' });
    const msg = await run({ deviceId: 'ghost' });
    assert.equal(msg.payload, null);
    assert.equal(msg.statusCode, 404);
    assert.deepEqual(lastStatus('r'), { fill: 'yellow', shape: 'ring', text: 'ghost not found' });
    assert.deepEqual(await deviceAuthorizations(), []);
  });

  it('registers on get when the device is missing, if told to', async () => {
    await load({ action: 'get', registerOnGet: true });
    const msg = await run({ deviceId: 'dev1' });
    assert.equal((msg.payload as { newlyRegistered: boolean }).newlyRegistered, true);
    assert.equal(lastStatus('r').text, 're-registered dev1');
    assert.equal((await deviceAuthorizations()).length, 1);
  });

  it('lists devices without tokens', async () => {
    await load({ includeToken: true });
    await run({ deviceId: 'dev2' });
    await run({ deviceId: 'dev1' });
    const { payload } = await run({ action: 'list' });
    assert.deepEqual(
      (payload as Array<{ deviceId: string; canWrite: boolean; canRead: boolean }>).map((d) => [
        d.deviceId,
        d.canWrite,
        d.canRead,
      ]),
      [
        ['dev1', true, false],
        ['dev2', true, false],
      ],
    );
    assert.ok(!JSON.stringify(payload).includes('token'));
    assert.equal(lastStatus('r').text, '2 device(s)');
  });

  it('removes a device', async () => {
    await load();
    await run({ deviceId: 'dev1' });
    assert.deepEqual((await run({ deviceId: 'dev1', action: 'remove' })).payload, { deviceId: 'dev1', removed: true });
    assert.deepEqual(await deviceAuthorizations(), []);
    assert.deepEqual((await run({ deviceId: 'dev1', action: 'remove' })).payload, { deviceId: 'dev1', removed: false });
  });

  it('rotates the token and revokes the old one', async () => {
    await load({ includeToken: true });
    const before = (await run({ deviceId: 'dev1' })).payload as { influx_token: string };
    const after = (await run({ deviceId: 'dev1', action: 'rotate' })).payload as { influx_token: string };
    assert.notEqual(after.influx_token, before.influx_token);
    assert.equal(lastStatus('r').text, 'new token for dev1');
    const api = clientFor(fixture.influx.emulator, before.influx_token).getWriteApi('my-org', 'my-bucket', 'ms', {
      maxRetries: 0,
    });
    api.writeRecord('environment Temperature=1 1');
    await assertHttpError(api.close(), 401, 'unauthorized');
  });

  it('grants read when told to', async () => {
    await load({ grantRead: true });
    await run({ deviceId: 'dev1' });
    const [auth] = await deviceAuthorizations();
    assert.deepEqual(auth.permissions?.map((p) => p.action).sort(), ['read', 'write']);
  });

  it('takes the device id from any msg property, e.g. an http in node', async () => {
    await load({ deviceId: 'req.params.deviceId', action: 'get', registerOnGet: true });
    const msg = await run({ req: { params: { deviceId: 'dev7' } } });
    assert.equal((msg.payload as { id: string }).id, 'dev7');
  });

  it('answers YAML text when the HTTP request asks for text/plain, as the Arduino client does', async () => {
    await load({ format: 'accept', deviceId: 'req.params.deviceId' });
    const msg = await run({ req: { params: { deviceId: 'dev1' }, headers: { accept: 'text/plain' }, query: {} } });
    assert.equal(typeof msg.payload, 'string');
    assert.match(msg.payload as string, /^id: dev1$/m);
    assert.match(msg.payload as string, /^influx_token: "\*\*\*"$/m);
    assert.deepEqual(msg.headers, { 'content-type': 'text/plain; charset=utf-8' });
  });

  it('answers JSON to other requests when the output follows the request', async () => {
    await load({ format: 'accept', deviceId: 'req.params.deviceId' });
    const msg = await run({
      req: { params: { deviceId: 'dev1' }, headers: { accept: 'application/json, text/plain, */*' }, query: {} },
    });
    assert.equal((msg.payload as { id: string }).id, 'dev1');
    assert.equal(msg.headers, undefined);
  });

  it('always answers YAML when told to', async () => {
    await load({ format: 'yaml' });
    const msg = await run({ deviceId: 'dev1' });
    assert.match(msg.payload as string, /^influx_bucket: my-bucket$/m);
  });

  it('fails with the validation message for an invalid device id', async () => {
    await load();
    const error = failure(await send('r', { deviceId: 'dev1\n' }));
    assert.equal(error, 'DeviceIdError: deviceId contains a control character (U+000A) at position 4');
    assert.deepEqual(lastStatus('r'), {
      fill: 'red',
      shape: 'ring',
      // The start of it: a status stays short, done(err) has all of it.
      text: shortText('deviceId contains a control character (U+000A) at position 4'),
    });
  });

  it('fails when the device id is missing', async () => {
    await load();
    assert.equal(failure(await send('r', {})), 'DeviceIdError: deviceId must be a string, got undefined');
  });

  it('fails for an unknown msg.action, listing the actions', async () => {
    await load();
    assert.equal(
      failure(await send('r', { deviceId: 'dev1', action: 'delete' })),
      'RegisterInputError: unknown action "delete"; use one of register, get, list, remove, rotate',
    );
  });

  it('says when InfluxDB refuses the config node token', async () => {
    await fixture.deploy(
      [registerNode],
      [{ id: 'r', type: 'iot-register', z: TAB, influxdb: 'influx', action: 'list', wires: [[]] }, ...watch('r')],
      {},
      'wrong-token',
    );
    assert.match(
      failure(await send('r', {})),
      /^ConnectionError: InfluxDB at http:\/\/127\.0\.0\.1:\d+ refused to list devices \(401 unauthorized access\); check the token of the InfluxDB config node$/,
    );
  });

  it('fails without a config node', async () => {
    await loadFlow(
      [registerNode],
      [{ id: 'r', type: 'iot-register', z: TAB, influxdb: '', action: 'list', wires: [[]] }, ...watch('r')],
    );
    assert.deepEqual(lastStatus('r'), { fill: 'red', shape: 'ring', text: 'no InfluxDB configured' });
    assert.equal(failure(await send('r', {})), 'Error: no InfluxDB configured: choose an iot-influxdb config node');
  });
});
