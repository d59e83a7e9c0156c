/** "Test connection" of the config node: health, then whether the token sees the org and the bucket. */
import assert from 'node:assert/strict';
import { checkConnection } from '../../lib/connection/connection-check';
import type { InfluxSettings } from '../../lib/connection/settings';
import type { Onboarded } from '../support/emulator';
import { startOnboarded } from '../support/emulator';
import { freePort } from '../support/scripted-influx';

describe('connection check', () => {
  let influx: Onboarded;
  const settings = (extra: Partial<InfluxSettings> = {}): InfluxSettings => ({
    url: influx.emulator.url,
    org: influx.org,
    bucket: influx.bucket,
    token: influx.token,
    ...extra,
  });
  const summary = (r: Awaited<ReturnType<typeof checkConnection>>) =>
    r.checks.map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name}: ${c.message}`);

  beforeEach(async () => {
    influx = await startOnboarded();
  });
  afterEach(() => influx.emulator.close());

  it('passes every check with a good token', async () => {
    const result = await checkConnection(settings());
    assert.equal(result.ok, true);
    assert.deepEqual(summary(result), [
      `ok health: ${influx.emulator.url} is healthy (v2.7.12)`,
      'ok org: organization "my-org" found',
      'ok bucket: bucket "my-bucket" found',
    ]);
  });

  it('says the token is refused', async () => {
    const result = await checkConnection(settings({ token: 'not-a-token' }));
    assert.equal(result.ok, false);
    assert.match(
      summary(result)[1],
      /^FAIL org: InfluxDB at .* refused to look up organization "my-org" \(401 .*\); check the token of the InfluxDB config node$/,
    );
  });

  it('says which bucket is missing', async () => {
    const result = await checkConnection(settings({ bucket: 'nope' }));
    assert.deepEqual(summary(result).slice(1), [
      'ok org: organization "my-org" found',
      'FAIL bucket: bucket "nope" not found, or the token may not read it',
    ]);
  });

  it('says which organization is missing', async () => {
    const result = await checkConnection(settings({ org: 'nope' }));
    assert.deepEqual(summary(result).slice(1), [
      'FAIL org: organization "nope" not found, or the token may not read it',
    ]);
  });

  it('stops at an unreachable server', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await checkConnection(settings({ url }));
    assert.deepEqual(summary(result), [
      `FAIL health: cannot reach InfluxDB at ${url} to check its health: connection refused`,
    ]);
  });

  it('reports settings that cannot work without calling the server', async () => {
    const result = await checkConnection(settings({ token: '', bucket: ' ' }));
    assert.deepEqual(summary(result), [
      'FAIL settings: InfluxDB config: the bucket is empty; no token: enter it, or name the environment variable that holds it',
    ]);
  });

  it('never puts the token in the result', async () => {
    const result = await checkConnection(settings({ bucket: 'nope' }));
    assert.ok(!JSON.stringify(result).includes(influx.token));
  });
});
