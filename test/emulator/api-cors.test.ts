import assert from 'node:assert/strict';
import { type Onboarded, rawRequest, startOnboarded, startTestEmulator } from '../support/emulator';

const ORIGIN = 'http://other.example';

/**
 * No web page may reach the emulator from another origin: no `Access-Control-Allow-*` header on any
 * answer, and every preflight refused. (Stricter than InfluxDB 2.7, whose SetCORS reflects the Origin.)
 */
describe('CORS: no cross-origin access', () => {
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded();
  });
  after(() => env.emulator.close());

  const auth = () => ({ authorization: `Token ${env.token}`, origin: ORIGIN });

  const assertNoAllowance = (headers: Record<string, unknown>) => {
    const cors = Object.keys(headers).filter((h) => h.startsWith('access-control-'));
    assert.deepEqual(cors, [], `CORS headers sent: ${cors.join(', ')}`);
  };

  const crossOrigin: [string, () => Promise<{ status: number; headers: Record<string, unknown> }>, number][] = [
    [
      'POST /api/v2/write',
      () =>
        rawRequest(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
          method: 'POST',
          headers: auth(),
          body: 'm v=1 1',
        }),
      204,
    ],
    [
      'POST /api/v2/query',
      () =>
        rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/vnd.flux' },
          body: `from(bucket: "${env.bucket}") |> range(start: 0)`,
        }),
      200,
    ],
    ['GET /api/v2/buckets', () => rawRequest(`${env.emulator.url}/api/v2/buckets`, { headers: auth() }), 200],
    ['GET /health', () => rawRequest(`${env.emulator.url}/health`, { headers: { origin: ORIGIN } }), 200],
    [
      'GET /api/v2/buckets without a token',
      () => rawRequest(`${env.emulator.url}/api/v2/buckets`, { headers: { origin: ORIGIN } }),
      401,
    ],
  ];

  for (const [name, send, status] of crossOrigin) {
    it(`serves ${name} from another origin without any Access-Control-Allow-* header`, async () => {
      const res = await send();
      assert.equal(res.status, status);
      assertNoAllowance(res.headers);
    });
  }

  for (const path of ['/api/v2/write', '/api/v2/query', '/api/v2/buckets', '/api/v2/setup', '/health']) {
    it(`refuses a CORS preflight to ${path} with an empty 405`, async () => {
      const res = await rawRequest(`${env.emulator.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      assert.equal(res.status, 405);
      assert.equal(res.body, '');
      assertNoAllowance(res.headers);
    });
  }

  it('refuses a plain OPTIONS without Origin with 405 too, as InfluxDB 2.7 does', async () => {
    const res = await rawRequest(`${env.emulator.url}/api/v2/write`, { method: 'OPTIONS' });
    assert.equal(res.status, 405);
    assert.equal(res.body, '');
  });

  it('lets nothing through a refused preflight: onboarding stays as it was', async () => {
    const before = env.emulator.state.meta.users.list().length;
    const res = await rawRequest(`${env.emulator.url}/api/v2/setup`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      body: '{}',
    });
    assert.equal(res.status, 405);
    assert.equal(env.emulator.state.meta.users.list().length, before);
  });

  it('refuses a form post from another origin to onboard a fresh emulator, which then onboards normally', async () => {
    const fresh = await startTestEmulator();
    try {
      const body = JSON.stringify({ username: 'evil', password: 'password123', org: 'o', bucket: 'b', token: 'evil' });
      const attempts: Array<Record<string, string>> = [
        { origin: ORIGIN, 'content-type': 'text/plain' },
        { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      ];
      for (const headers of attempts) {
        const res = await rawRequest(`${fresh.url}/api/v2/setup`, { method: 'POST', headers, body });
        assert.equal(res.status, 403);
        assert.match(res.body, /cross-origin requests without a token are not allowed/);
      }
      const setup = JSON.parse((await rawRequest(`${fresh.url}/api/v2/setup`)).body) as { allowed: boolean };
      assert.equal(setup.allowed, true, 'still not onboarded');
      const own = await rawRequest(`${fresh.url}/api/v2/setup`, { method: 'POST', body });
      assert.equal(own.status, 201);
    } finally {
      await fresh.close();
    }
  });
});
