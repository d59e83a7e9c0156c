import assert from 'node:assert/strict';
import type { InfluxDB } from '@influxdata/influxdb-client';
import { AuthorizationsAPI, BucketsAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, clientFor, type Onboarded, quietClientLogs, startOnboarded } from '../support/emulator';

describe('permission scoping over HTTP', () => {
  quietClientLogs();
  let env: Onboarded;
  let otherBucketID: string;
  beforeEach(async () => {
    env = await startOnboarded();
    const other = await new BucketsAPI(env.influx).postBuckets({
      body: { orgID: env.orgID, name: 'other', retentionRules: [] },
    });
    otherBucketID = other.id as string;
  });
  afterEach(() => env.emulator.close());

  /** A token holding exactly these permissions, as IoT Center registers devices. */
  async function tokenWith(
    permissions: { action: 'read' | 'write'; resource: { type: string; id?: string; orgID?: string } }[],
  ) {
    const created = await new AuthorizationsAPI(env.influx).postAuthorizations({
      body: { orgID: env.orgID, description: 'scoped', permissions: permissions as never },
    });
    return { id: created.id as string, client: clientFor(env.emulator, created.token as string) };
  }

  const deviceToken = () =>
    tokenWith([{ action: 'write', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } }]);

  const write = async (client: InfluxDB, bucket: string) => {
    const writeApi = client.getWriteApi(env.org, bucket, 'ns', { maxRetries: 0 });
    writeApi.writeRecord('environment,clientId=dev1 Temperature=21.5');
    await writeApi.close();
  };

  describe('a write-only device token scoped to one bucket', () => {
    it('can write that bucket', async () => {
      const { client } = await deviceToken();
      await write(client, env.bucket);
      assert.equal(env.emulator.state.points.read({ bucketId: env.bucketID, start: 0n, stop: 2n ** 62n }).length, 1);
    });

    it('cannot write another bucket (403)', async () => {
      const { client } = await deviceToken();
      await assertHttpError(write(client, 'other'), 403, 'forbidden', 'insufficient permissions for write');
    });

    it('cannot query its bucket: the bucket is not found for it (404)', async () => {
      await write(env.influx, env.bucket);
      const { client } = await deviceToken();
      await assertHttpError(
        client.getQueryApi(env.org).collectRows(`from(bucket: "${env.bucket}") |> range(start: 0)`),
        404,
        'not found',
        /could not find bucket "my-bucket"/,
      );
    });

    it('sees no authorizations when listing them', async () => {
      const { client } = await deviceToken();
      const listed = await new AuthorizationsAPI(client).getAuthorizations();
      assert.deepEqual(listed.authorizations, []);
    });

    it('cannot create authorizations (401 naming the missing permission)', async () => {
      const { client } = await deviceToken();
      await assertHttpError(
        new AuthorizationsAPI(client).postAuthorizations({
          body: {
            orgID: env.orgID,
            permissions: [{ action: 'write', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } }],
          },
        }),
        401,
        'unauthorized',
        `write:orgs/${env.orgID}/authorizations is unauthorized`,
      );
    });

    it('sees no buckets when listing them', async () => {
      const { client } = await deviceToken();
      assert.deepEqual((await new BucketsAPI(client).getBuckets({ orgID: env.orgID })).buckets, []);
    });

    it('cannot read its bucket by id (401 naming the permission)', async () => {
      const { client } = await deviceToken();
      await assertHttpError(
        new BucketsAPI(client).getBucketsID({ bucketID: env.bucketID }),
        401,
        'unauthorized',
        `read:orgs/${env.orgID}/buckets/${env.bucketID} is unauthorized`,
      );
    });
  });

  it('lets an org-scoped write token write every bucket of the org', async () => {
    const { client } = await tokenWith([{ action: 'write', resource: { type: 'buckets', orgID: env.orgID } }]);
    await write(client, 'other');
    assert.equal(env.emulator.state.points.read({ bucketId: otherBucketID, start: 0n, stop: 2n ** 62n }).length, 1);
  });

  it('lets a read token of one bucket query it but not another', async () => {
    await write(env.influx, env.bucket);
    await write(env.influx, 'other');
    const { client } = await tokenWith([
      { action: 'read', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } },
    ]);
    const rows = await client.getQueryApi(env.org).collectRows(`from(bucket: "${env.bucket}") |> range(start: 0)`);
    assert.equal(rows.length, 1);
    await assertHttpError(
      client.getQueryApi(env.org).collectRows('from(bucket: "other") |> range(start: 0)'),
      404,
      'not found',
      /could not find bucket "other"/,
    );
  });

  it('lets a read token list only the buckets it may read', async () => {
    const { client } = await tokenWith([
      { action: 'read', resource: { type: 'buckets', id: otherBucketID, orgID: env.orgID } },
    ]);
    const listed = await new BucketsAPI(client).getBuckets({ orgID: env.orgID });
    assert.deepEqual(
      listed.buckets?.map((b) => b.name),
      ['other'],
    );
  });

  it('does not let a token grant a permission it does not hold (403)', async () => {
    const { client } = await tokenWith([
      { action: 'write', resource: { type: 'authorizations', orgID: env.orgID } },
      { action: 'write', resource: { type: 'users', id: env.userID } },
      { action: 'write', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } },
    ]);
    const auths = new AuthorizationsAPI(client);
    const held = await auths.postAuthorizations({
      body: {
        orgID: env.orgID,
        permissions: [{ action: 'write', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } }],
      },
    });
    assert.equal(held.status, 'active');
    const p = `write:orgs/${env.orgID}/buckets`;
    await assertHttpError(
      auths.postAuthorizations({
        body: { orgID: env.orgID, permissions: [{ action: 'write', resource: { type: 'buckets', orgID: env.orgID } }] },
      }),
      403,
      'forbidden',
      `permission ${p} is not allowed: ${p} is unauthorized`,
    );
  });

  it('makes a deactivated token fail its permission checks but still authenticate', async () => {
    const { id, client } = await tokenWith([{ action: 'read', resource: { type: 'buckets', orgID: env.orgID } }]);
    await new AuthorizationsAPI(env.influx).patchAuthorizationsID({ authID: id, body: { status: 'inactive' } });
    await assertHttpError(
      new BucketsAPI(client).getBucketsID({ bucketID: env.bucketID }),
      401,
      'unauthorized',
      'token is inactive',
    );
    await assertHttpError(
      client.getQueryApi(env.org).collectRows(`from(bucket: "${env.bucket}") |> range(start: 0)`),
      404,
      'not found',
      /could not find bucket/,
    );
  });
});
