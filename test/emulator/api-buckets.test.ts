import assert from 'node:assert/strict';
import { BucketsAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, type Onboarded, rawRequest, startOnboarded } from '../support/emulator';

describe('buckets (/api/v2/buckets)', () => {
  let env: Onboarded;
  let buckets: BucketsAPI;
  beforeEach(async () => {
    env = await startOnboarded();
    buckets = new BucketsAPI(env.influx);
  });
  afterEach(() => env.emulator.close());

  const create = (name: string, everySeconds?: number, shardGroupDurationSeconds?: number) =>
    buckets.postBuckets({
      body: {
        orgID: env.orgID,
        name,
        retentionRules:
          everySeconds === undefined
            ? []
            : [{ type: 'expire', everySeconds, ...(shardGroupDurationSeconds ? { shardGroupDurationSeconds } : {}) }],
      },
    });

  describe('listing', () => {
    it('finds a bucket by name and org', async () => {
      const found = await buckets.getBuckets({ name: 'my-bucket', orgID: env.orgID });
      assert.deepEqual(
        found.buckets?.map((b) => b.id),
        [env.bucketID],
      );
    });

    it('answers an unknown name within an org with 404 naming the bucket', async () => {
      await assertHttpError(
        buckets.getBuckets({ name: 'nope', org: 'my-org' }),
        404,
        'not found',
        'bucket "nope" not found',
      );
    });

    it('answers an unknown name without an org with an empty list', async () => {
      const found = await buckets.getBuckets({ name: 'nope' });
      assert.deepEqual(found.buckets, []);
    });

    it('answers an unknown org name with 404', async () => {
      await assertHttpError(
        buckets.getBuckets({ org: 'nope' }),
        404,
        'not found',
        'organization name "nope" not found',
      );
    });

    it('lists an org’s buckets by name, system buckets included', async () => {
      await create('zeta');
      await create('alpha');
      const found = await buckets.getBuckets({ orgID: env.orgID });
      assert.deepEqual(
        found.buckets?.map((b) => b.name),
        ['_monitoring', '_tasks', 'alpha', 'my-bucket', 'zeta'],
      );
    });

    it('pages with links like OSS', async () => {
      const page = await buckets.getBuckets({ orgID: env.orgID, limit: 2 });
      assert.equal(page.buckets?.length, 2);
      assert.equal(page.links?.self, `/api/v2/buckets?descending=false&limit=2&offset=0&orgID=${env.orgID}`);
      assert.equal(page.links?.next, `/api/v2/buckets?descending=false&limit=2&offset=2&orgID=${env.orgID}`);
      assert.equal(page.links?.prev, undefined);
      const second = await buckets.getBuckets({ orgID: env.orgID, limit: 2, offset: 2 });
      assert.deepEqual(
        second.buckets?.map((b) => b.name),
        ['my-bucket'],
      );
      assert.equal(second.links?.next, undefined);
      assert.equal(second.links?.prev, `/api/v2/buckets?descending=false&limit=2&offset=0&orgID=${env.orgID}`);
    });

    it('finds a bucket by id, and answers an unknown id with 404 bucket not found', async () => {
      assert.equal((await buckets.getBuckets({ id: env.bucketID })).buckets?.[0]?.name, 'my-bucket');
      await assertHttpError(buckets.getBuckets({ id: '0000000000000001' }), 404, 'not found', 'bucket not found');
    });
  });

  describe('creating', () => {
    it('creates a bucket with a retention rule and answers 201', async () => {
      const bucket = await create('b1', 86400);
      assert.equal(bucket.type, 'user');
      assert.equal(bucket.orgID, env.orgID);
      assert.deepEqual(bucket.retentionRules, [
        { type: 'expire', everySeconds: 86400, shardGroupDurationSeconds: 3600 },
      ]);
      assert.equal(bucket.links?.write, `/api/v2/write?org=${env.orgID}&bucket=${bucket.id}`);
    });

    it('normalises the shard-group duration as the OSS storage engine does', async () => {
      const cases: [number, number | undefined, number][] = [
        [0, undefined, 604800],
        [3600, undefined, 3600],
        [2 * 86400, undefined, 86400],
        [180 * 86400, undefined, 604800],
        [86400, 60, 3600],
        [86400, 7200, 7200],
      ];
      for (const [every, sg, expected] of cases) {
        const bucket = await create(`b-${every}-${sg ?? 0}`, every, sg);
        assert.equal(bucket.retentionRules[0]?.shardGroupDurationSeconds, expected, `every=${every} sg=${sg}`);
      }
    });

    it('shows one rule even for an infinite retention', async () => {
      const bucket = await create('forever');
      assert.deepEqual(bucket.retentionRules, [{ type: 'expire', everySeconds: 0, shardGroupDurationSeconds: 604800 }]);
    });

    it('refuses a duplicate name with 422 conflict', async () => {
      await assertHttpError(create('my-bucket'), 422, 'conflict', 'bucket with name my-bucket already exists');
    });

    it('refuses a name starting with an underscore with 400', async () => {
      await assertHttpError(
        create('_x'),
        400,
        'invalid',
        'bucket name _x is invalid. Buckets may not start with underscore',
      );
    });

    it('refuses a name with a quotation mark with 400', async () => {
      await assertHttpError(
        create('a"b'),
        400,
        'invalid',
        'bucket name a"b is invalid. Bucket names may not include quotation marks',
      );
    });

    it('refuses a missing org id with 400', async () => {
      await assertHttpError(
        buckets.postBuckets({ body: { name: 'x', retentionRules: [] } as never }),
        400,
        'invalid',
        'organization id must be provided',
      );
    });

    it('refuses an unknown org with 404', async () => {
      await assertHttpError(
        buckets.postBuckets({ body: { orgID: '0000000000000001', name: 'x', retentionRules: [] } }),
        404,
        'not found',
        'organization not found',
      );
    });

    it('refuses more than one retention rule with 422', async () => {
      await assertHttpError(
        buckets.postBuckets({
          body: {
            orgID: env.orgID,
            name: 'x',
            retentionRules: [
              { type: 'expire', everySeconds: 3600 },
              { type: 'expire', everySeconds: 7200 },
            ],
          },
        }),
        422,
        'unprocessable entity',
        'buckets cannot have more than one retention rule at this time',
      );
    });

    it('refuses a negative retention with 422', async () => {
      await assertHttpError(create('x', -1), 422, 'unprocessable entity', 'expiration seconds cannot be negative');
    });

    it('refuses a negative shard-group duration with 422', async () => {
      await assertHttpError(
        create('x', 3600, -1),
        422,
        'unprocessable entity',
        'shard-group duration seconds cannot be negative',
      );
    });

    it('refuses a retention under one hour as the storage engine does (500)', async () => {
      await assertHttpError(
        create('x', 60),
        500,
        'internal error',
        'retention policy duration must be at least 1h0m0s',
      );
    });

    it('answers malformed JSON with 400', async () => {
      const res = await rawRequest(`${env.emulator.url}/api/v2/buckets`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
        body: '{"name": 5}',
      });
      assert.equal(res.status, 400);
      assert.match(JSON.parse(res.body).message, /^failed to unmarshal json: json: cannot unmarshal number/);
    });
  });

  describe('updating and deleting', () => {
    it('renames a bucket and changes its retention', async () => {
      const bucket = await create('old', 3600);
      const updated = await buckets.patchBucketsID({
        bucketID: bucket.id as string,
        body: { name: 'new', description: 'd', retentionRules: [{ type: 'expire', everySeconds: 7200 }] },
      });
      assert.equal(updated.name, 'new');
      assert.equal(updated.description, 'd');
      assert.deepEqual(updated.retentionRules, [
        { type: 'expire', everySeconds: 7200, shardGroupDurationSeconds: 3600 },
      ]);
      assert.equal((await buckets.getBucketsID({ bucketID: bucket.id as string })).name, 'new');
    });

    it('refuses renaming to an existing name with 422', async () => {
      const bucket = await create('x');
      await assertHttpError(
        buckets.patchBucketsID({ bucketID: bucket.id as string, body: { name: 'my-bucket' } }),
        422,
        'conflict',
        'bucket with name my-bucket already exists',
      );
    });

    it('refuses a retention shorter than an explicit shard-group duration with 422', async () => {
      const bucket = await create('x', 86400, 86400);
      await assertHttpError(
        buckets.patchBucketsID({
          bucketID: bucket.id as string,
          body: { retentionRules: [{ type: 'expire', everySeconds: 7200, shardGroupDurationSeconds: 86400 }] },
        }),
        422,
        'unprocessable entity',
        'shard-group duration must also be updated to be smaller than new retention duration',
      );
    });

    it('deletes a bucket (204), after which it is not found', async () => {
      const bucket = await create('gone');
      await buckets.deleteBucketsID({ bucketID: bucket.id as string });
      await assertHttpError(
        buckets.getBucketsID({ bucketID: bucket.id as string }),
        404,
        'not found',
        'bucket not found',
      );
    });

    it('refuses to delete a system bucket with 400', async () => {
      const found = await buckets.getBuckets({ name: '_tasks', orgID: env.orgID });
      await assertHttpError(
        buckets.deleteBucketsID({ bucketID: found.buckets?.[0]?.id as string }),
        400,
        'invalid',
        'system buckets cannot be deleted',
      );
    });

    it('refuses to rename a system bucket with 400', async () => {
      const found = await buckets.getBuckets({ name: '_tasks', orgID: env.orgID });
      await assertHttpError(
        buckets.patchBucketsID({ bucketID: found.buckets?.[0]?.id as string, body: { name: 'tasks' } }),
        400,
        'invalid',
        'system buckets cannot be renamed',
      );
    });

    it('answers a malformed bucket id with 400', async () => {
      await assertHttpError(buckets.getBucketsID({ bucketID: 'zzzzzzzzzzzzzzzz' }), 400, 'invalid', 'invalid ID');
    });
  });
});
