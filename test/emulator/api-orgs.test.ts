import assert from 'node:assert/strict';
import { OrgsAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, type Onboarded, rawRequest, startOnboarded } from '../support/emulator';

describe('organizations (/api/v2/orgs)', () => {
  let env: Onboarded;
  let orgs: OrgsAPI;
  beforeEach(async () => {
    env = await startOnboarded();
    orgs = new OrgsAPI(env.influx);
  });
  afterEach(() => env.emulator.close());

  it('finds the onboarded org by name', async () => {
    const found = await orgs.getOrgs({ org: 'my-org' });
    assert.equal(found.orgs?.length, 1);
    assert.equal(found.orgs?.[0]?.id, env.orgID);
    assert.equal(found.orgs?.[0]?.description, '');
    assert.equal(found.orgs?.[0]?.links?.buckets, '/api/v2/buckets?org=my-org');
  });

  it('answers an unknown org name with 404 naming it', async () => {
    await assertHttpError(orgs.getOrgs({ org: 'nope' }), 404, 'not found', 'organization name "nope" not found');
  });

  it('answers an unknown org ID with 404 organization not found', async () => {
    await assertHttpError(orgs.getOrgs({ orgID: '0000000000000001' }), 404, 'not found', 'organization not found');
  });

  it('rejects a malformed org ID with 400', async () => {
    await assertHttpError(orgs.getOrgs({ orgID: 'abc' }), 400, 'invalid', 'id must have a length of 16 bytes');
  });

  it('rejects a limit above 100', async () => {
    await assertHttpError(orgs.getOrgs({ limit: 101 }), 400, 'invalid', 'limit must be between 1 and 100');
  });

  it('creates an org with its system buckets', async () => {
    const created = await orgs.postOrgs({ body: { name: 'second', description: 'the second' } });
    assert.equal(created.name, 'second');
    assert.equal(created.description, 'the second');
    const all = await orgs.getOrgs();
    assert.deepEqual(
      all.orgs?.map((o) => o.name),
      ['my-org', 'second'],
    );
  });

  it('refuses a duplicate org name with 422 conflict', async () => {
    await assertHttpError(
      orgs.postOrgs({ body: { name: 'my-org' } }),
      422,
      'conflict',
      'organization with name my-org already exists',
    );
  });

  it('gets, renames and deletes an org by ID', async () => {
    const created = await orgs.postOrgs({ body: { name: 'temp' } });
    const id = created.id as string;
    assert.equal((await orgs.getOrgsID({ orgID: id })).name, 'temp');
    assert.equal((await orgs.patchOrgsID({ orgID: id, body: { name: 'renamed' } })).name, 'renamed');
    await orgs.deleteOrgsID({ orgID: id });
    await assertHttpError(orgs.getOrgsID({ orgID: id }), 404, 'not found', 'organization not found');
  });

  it('writes timestamps as RFC 3339 in UTC', async () => {
    const org = await orgs.getOrgsID({ orgID: env.orgID });
    assert.match(String(org.createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('escapes HTML characters in JSON as Go does', async () => {
    await orgs.postOrgs({ body: { name: 'a&b' } });
    const res = await rawRequest(`${env.emulator.url}/api/v2/orgs?org=a%26b`, {
      headers: { authorization: `Token ${env.token}` },
    });
    assert.match(res.body, /"name": "a\\u0026b"/);
  });
});
