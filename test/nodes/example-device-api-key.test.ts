/**
 * The example flow's "check the provisioning key" function, run as Node-RED's function node runs its code
 * (a function of msg with env.get): closed while no key is set, 401 without the right key, and each route
 * to its own output with it.
 */
import assert from 'node:assert/strict';
import { readExample } from '../support/examples';

const KEY = 'k'.repeat(12) + '-0123456789';
type Outputs = Array<Record<string, unknown> | null>;

const check = (() => {
  const node = readExample('flows.json').find((n) => n.id === 'iotc.fn.key');
  if (!node || typeof node.func !== 'string') throw new Error('examples/flows.json has no iotc.fn.key function');
  // The flow's own code, as Node-RED's function node runs it.
  return new Function('msg', 'env', node.func) as (
    msg: Record<string, unknown>,
    env: { get(n: string): unknown },
  ) => Outputs;
})();

function request(key: string | undefined, options: { path?: string; method?: string; authorization?: string } = {}) {
  const msg = {
    req: {
      method: options.method ?? 'GET',
      route: { path: options.path ?? '/api/env/:deviceId' },
      headers: options.authorization === undefined ? {} : { authorization: options.authorization },
    },
  };
  return check(msg, { get: (name: string) => (name === 'IOT_CENTER_PROVISIONING_KEY' ? key : undefined) });
}

function refusal(outputs: Outputs): { statusCode: unknown; code: unknown } {
  assert.deepEqual(outputs.slice(0, 3), [null, null, null], 'nothing goes on to the routes');
  const reply = outputs[3] as { statusCode: unknown; payload: { code: unknown } };
  return { statusCode: reply.statusCode, code: reply.payload.code };
}

describe('example flow: the device API key check', () => {
  it('answers 503 while IOT_CENTER_PROVISIONING_KEY is unset or too short, whatever is sent', () => {
    for (const key of [undefined, '', 'short'])
      assert.deepEqual(refusal(request(key, { authorization: `Bearer ${key}` })), {
        statusCode: 503,
        code: 'unavailable',
      });
  });

  it('answers 401 with a Bearer challenge without the key, or with a wrong one', () => {
    const wrong = [
      undefined,
      '',
      'Bearer',
      `Bearer ${KEY}x`,
      `Bearer ${KEY.slice(1)}`,
      `Basic ${KEY}`,
      `Bearer ${'x'.repeat(KEY.length)}`,
    ];
    for (const authorization of wrong) {
      const outputs = request(KEY, { authorization });
      assert.deepEqual(refusal(outputs), { statusCode: 401, code: 'unauthorized' }, String(authorization));
      assert.match(String((outputs[3] as { headers: Record<string, string> }).headers['WWW-Authenticate']), /^Bearer/);
    }
  });

  it('sends each route to its own output with the key', () => {
    const auth = `Bearer ${KEY}`;
    const route = (outputs: Outputs) => outputs.findIndex((o) => o !== null);
    assert.equal(route(request(KEY, { authorization: auth })), 0);
    assert.equal(route(request(KEY, { authorization: auth, path: '/api/devices' })), 1);
    assert.equal(
      route(request(KEY, { authorization: `bearer  ${KEY}`, path: '/api/devices/:deviceId', method: 'DELETE' })),
      2,
    );
  });
});
