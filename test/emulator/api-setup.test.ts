import assert from 'node:assert/strict';
import { BucketsAPI, SetupAPI } from '@influxdata/influxdb-client-apis';
import type { RunningEmulator } from '../../emulator';
import { assertHttpError, clientFor, rawRequest, startTestEmulator } from '../support/emulator';

describe('onboarding (/api/v2/setup)', () => {
  let emulator: RunningEmulator;
  let setup: SetupAPI;
  beforeEach(async () => {
    emulator = await startTestEmulator();
    setup = new SetupAPI(clientFor(emulator));
  });
  afterEach(() => emulator.close());

  const body = { username: 'admin', password: 'password123', org: 'my-org', bucket: 'my-bucket' };

  it('allows onboarding of a fresh emulator', async () => {
    assert.deepEqual(await setup.getSetup(), { allowed: true });
  });

  it('creates user, org, bucket and an all-access token', async () => {
    const result = await setup.postSetup({ body: { ...body, retentionPeriodSeconds: 7200 } });
    assert.equal(result.user?.name, 'admin');
    assert.equal(result.user?.status, 'active');
    assert.equal(result.org?.name, 'my-org');
    assert.equal(result.bucket?.name, 'my-bucket');
    assert.equal(result.bucket?.orgID, result.org?.id);
    assert.deepEqual(result.bucket?.retentionRules, [
      { type: 'expire', everySeconds: 7200, shardGroupDurationSeconds: 3600 },
    ]);
    assert.equal(result.auth?.description, "admin's Token");
    assert.equal(result.auth?.orgID, result.org?.id);
    assert.equal(result.auth?.userID, result.user?.id);
    assert.equal(result.auth?.permissions?.length, 44);
    assert.deepEqual(result.auth?.permissions?.[0], { action: 'read', resource: { type: 'authorizations' } });
  });

  it('generates an OSS-shaped token when none is supplied (base64url of 64 bytes)', async () => {
    const result = await setup.postSetup({ body });
    assert.match(String(result.auth?.token), /^[A-Za-z0-9_-]{86}==$/);
  });

  it('uses the supplied token', async () => {
    const result = await setup.postSetup({ body: { ...body, token: 'my-token' } });
    assert.equal(result.auth?.token, 'my-token');
  });

  it('answers 201 with tab-indented JSON', async () => {
    const res = await rawRequest(`${emulator.url}/api/v2/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.match(res.body, /^\{\n\t"user": \{\n\t\t"links": /);
    assert.ok(res.body.endsWith('}\n'));
  });

  it('creates the _tasks and _monitoring system buckets with their retention', async () => {
    const result = await setup.postSetup({ body: { ...body, token: 't' } });
    const buckets = await new BucketsAPI(clientFor(emulator, 't')).getBuckets({ orgID: result.org?.id as string });
    const system = (buckets.buckets ?? []).filter((b) => b.type === 'system');
    assert.deepEqual(
      system.map((b) => [b.name, b.description, b.retentionRules[0]?.everySeconds]),
      [
        ['_monitoring', 'System bucket for monitoring logs', 604800],
        ['_tasks', 'System bucket for task logs', 259200],
      ],
    );
  });

  it('is not allowed twice', async () => {
    await setup.postSetup({ body });
    assert.deepEqual(await setup.getSetup(), { allowed: false });
    await assertHttpError(setup.postSetup({ body }), 422, 'conflict', 'onboarding has already been completed');
  });

  it('names the missing required fields', async () => {
    await assertHttpError(
      setup.postSetup({ body: { username: '', org: '', bucket: 'b' } as never }),
      422,
      'unprocessable entity',
      'onboarding failed: missing required fields [username,org]',
    );
  });

  it('refuses a setup without a username with 422 naming only it (OSS tenant/service_onboarding.go)', async () => {
    const res = await rawRequest(`${emulator.url}/api/v2/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'password123', org: 'my-org', bucket: 'my-bucket' }),
    });
    assert.equal(res.status, 422);
    assert.deepEqual(JSON.parse(res.body), {
      code: 'unprocessable entity',
      message: 'onboarding failed: missing required fields [username]',
    });
    assert.deepEqual(await setup.getSetup(), { allowed: true });
  });

  it('refuses a password shorter than 8 characters and leaves onboarding open', async () => {
    await assertHttpError(
      setup.postSetup({ body: { ...body, password: 'short' } }),
      400,
      'invalid',
      'passwords must be between 8 and 72 characters long',
    );
    assert.deepEqual(await setup.getSetup(), { allowed: true });
  });

  it('refuses a bucket name starting with an underscore', async () => {
    await assertHttpError(
      setup.postSetup({ body: { ...body, bucket: '_b' } }),
      400,
      'invalid',
      'bucket name _b is invalid. Buckets may not start with underscore',
    );
  });

  it('reads retentionPeriodHrs as nanoseconds, as OSS does', async () => {
    const result = await setup.postSetup({ body: { ...body, retentionPeriodHrs: 7200 * 1e9 } });
    assert.equal(result.bucket?.retentionRules[0]?.everySeconds, 7200);
  });

  it('answers a body that is not JSON with 500 and the decoder message', async () => {
    const res = await rawRequest(`${emulator.url}/api/v2/setup`, { method: 'POST', body: 'nope' });
    assert.equal(res.status, 500);
    assert.equal(JSON.parse(res.body).code, 'internal error');
  });
});
