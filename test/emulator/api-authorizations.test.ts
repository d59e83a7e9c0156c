import assert from 'node:assert/strict';
import { AuthorizationsAPI, MeAPI, UsersAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, type Onboarded, rawRequest, startOnboarded } from '../support/emulator';

describe('authorizations (/api/v2/authorizations)', () => {
  let env: Onboarded;
  let auths: AuthorizationsAPI;
  beforeEach(async () => {
    env = await startOnboarded();
    auths = new AuthorizationsAPI(env.influx);
  });
  afterEach(() => env.emulator.close());

  const writeBucket = () => ({
    action: 'write' as const,
    resource: { type: 'buckets' as const, id: env.bucketID, orgID: env.orgID },
  });

  it('creates a token with names resolved in its permissions (201)', async () => {
    const created = await auths.postAuthorizations({
      body: { orgID: env.orgID, description: 'IoT Center: dev1', permissions: [writeBucket()] },
    });
    assert.match(String(created.token), /^[A-Za-z0-9_-]{86}==$/);
    assert.equal(created.status, 'active');
    assert.equal(created.org, 'my-org');
    assert.equal(created.user, 'admin');
    assert.equal(created.userID, env.userID);
    assert.deepEqual(created.permissions, [
      {
        action: 'write',
        resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID, name: 'my-bucket', org: 'my-org' },
      },
    ]);
  });

  it('lists tokens filtered by org name, with tokens in clear as 2.7 does', async () => {
    const created = await auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [writeBucket()] } });
    const listed = await auths.getAuthorizations({ org: 'my-org' });
    assert.deepEqual(
      listed.authorizations?.map((a) => a.token),
      [env.token, created.token],
    );
  });

  it('ignores a token filter, as 2.7 knows only userID, user, orgID, org and id', async () => {
    const created = await auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [writeBucket()] } });
    const res = await rawRequest(
      `${env.emulator.url}/api/v2/authorizations?token=${encodeURIComponent(created.token as string)}`,
      { headers: { authorization: `Token ${env.token}` } },
    );
    assert.equal(res.status, 200);
    const listed = JSON.parse(res.body) as { authorizations: { token: string }[] };
    assert.deepEqual(
      listed.authorizations.map((a) => a.token),
      [env.token, created.token],
    );
  });

  it('answers an unknown org name in the list filter with 404', async () => {
    await assertHttpError(
      auths.getAuthorizations({ org: 'nope' }),
      404,
      'not found',
      'organization name "nope" not found',
    );
  });

  it('gets one token by id, and answers an unknown id with 404', async () => {
    const created = await auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [writeBucket()] } });
    assert.equal((await auths.getAuthorizationsID({ authID: created.id as string })).token, created.token);
    await assertHttpError(
      auths.getAuthorizationsID({ authID: '0000000000000001' }),
      404,
      'not found',
      'authorization not found',
    );
  });

  it('deactivates a token and changes its description', async () => {
    const created = await auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [writeBucket()] } });
    const patched = await auths.patchAuthorizationsID({
      authID: created.id as string,
      body: { status: 'inactive', description: 'off' },
    });
    assert.equal(patched.status, 'inactive');
    assert.equal(patched.description, 'off');
  });

  it('deletes a token (204), after which it no longer authenticates', async () => {
    const created = await auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [writeBucket()] } });
    await auths.deleteAuthorizationsID({ authID: created.id as string });
    const res = await rawRequest(`${env.emulator.url}/api/v2/buckets`, {
      headers: { authorization: `Token ${created.token}` },
    });
    assert.equal(res.status, 401);
    await assertHttpError(
      auths.deleteAuthorizationsID({ authID: created.id as string }),
      404,
      'not found',
      'authorization not found',
    );
  });

  it('refuses an empty permission list with 400', async () => {
    await assertHttpError(
      auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [] } }),
      400,
      'invalid',
      'authorization must include permissions',
    );
  });

  it('refuses an unknown resource type with 400', async () => {
    await assertHttpError(
      auths.postAuthorizations({
        body: { orgID: env.orgID, permissions: [{ action: 'read', resource: { type: 'nope' as never } }] },
      }),
      400,
      'invalid',
      'invalid resource type for permission: unknown resource type for permission',
    );
  });

  it('refuses an unknown action with 400', async () => {
    await assertHttpError(
      auths.postAuthorizations({
        body: { orgID: env.orgID, permissions: [{ action: 'delete' as never, resource: { type: 'buckets' } }] },
      }),
      400,
      'invalid',
      'invalid action type for permission',
    );
  });

  it('refuses a missing org id with 400', async () => {
    await assertHttpError(
      auths.postAuthorizations({ body: { permissions: [writeBucket()] } as never }),
      400,
      'invalid',
      'org id required: invalid ID',
    );
  });

  it('refuses a permission scoped to another org with 400', async () => {
    const other = '0000000000000009';
    await assertHttpError(
      auths.postAuthorizations({
        body: { orgID: env.orgID, permissions: [{ action: 'read', resource: { type: 'buckets', orgID: other } }] },
      }),
      400,
      'invalid',
      `permission read:orgs/${other}/buckets is not for org id ${env.orgID}`,
    );
  });

  it('refuses the instance type', async () => {
    await assertHttpError(
      auths.postAuthorizations({
        body: { orgID: env.orgID, permissions: [{ action: 'read', resource: { type: 'instance' } }] },
      }),
      500,
      'internal error',
      'authorizations cannot be created with the instance type, it is only used during setup',
    );
  });

  it('answers malformed JSON with 400 invalid json structure', async () => {
    const res = await rawRequest(`${env.emulator.url}/api/v2/authorizations`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}` },
      body: '{',
    });
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.body).message, /^invalid json structure: /);
  });

  it('refuses a status other than active or inactive', async () => {
    const created = await auths.postAuthorizations({ body: { orgID: env.orgID, permissions: [writeBucket()] } });
    await assertHttpError(
      auths.patchAuthorizationsID({ authID: created.id as string, body: { status: 'paused' as never } }),
      400,
      'invalid',
      'status must be active or inactive',
    );
  });
});

describe('users (/api/v2/users, /api/v2/me)', () => {
  let env: Onboarded;
  beforeEach(async () => {
    env = await startOnboarded();
  });
  afterEach(() => env.emulator.close());

  it('tells the caller who they are (MeAPI)', async () => {
    const me = await new MeAPI(env.influx).getMe();
    assert.equal(me.id, env.userID);
    assert.equal(me.name, 'admin');
    assert.equal(me.status, 'active');
  });

  it('lists users and gets one by id (UsersAPI)', async () => {
    const users = new UsersAPI(env.influx);
    assert.deepEqual(
      (await users.getUsers()).users?.map((u) => u.name),
      ['admin'],
    );
    assert.equal((await users.getUsersID({ userID: env.userID })).links?.self, `/api/v2/users/${env.userID}`);
    await assertHttpError(users.getUsersID({ userID: '0000000000000001' }), 404, 'not found', 'user not found');
  });
});
