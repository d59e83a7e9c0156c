/**
 * The device registry against the emulator over real HTTP: a device is one authorization, exactly named,
 * write-only on one bucket unless read is granted, and its token can do nothing else.
 */
import assert from 'node:assert/strict';
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { AuthorizationsAPI, BucketsAPI } from '@influxdata/influxdb-client-apis';
import { DeviceRegistry } from '../../lib/devices/registry';
import type { RegistryOptions } from '../../lib/devices/registry';
import { MemoryTokenStore } from '../../lib/devices/token-store';
import type { Onboarded } from '../support/emulator';
import { assertHttpError, clientFor, quietClientLogs, startOnboarded } from '../support/emulator';

describe('device registry', () => {
  let influx: Onboarded;
  let tokens: MemoryTokenStore;
  quietClientLogs();

  const registry = (options: Partial<RegistryOptions> = {}): DeviceRegistry =>
    new DeviceRegistry({ influxDB: influx.influx, org: influx.org, bucket: influx.bucket, tokens, ...options });
  /** Authorizations named `IoT Center: <deviceId>`, as InfluxDB holds them. */
  const authorizationsOf = async (deviceId: string) => {
    const all = await new AuthorizationsAPI(influx.influx).getAuthorizations({ orgID: influx.orgID });
    return (all.authorizations ?? []).filter((a) => a.description === `IoT Center: ${deviceId}`);
  };
  const writeWith = async (
    token: string,
    bucket: string,
    line = 'environment,clientId=dev1 Temperature=21.5 1700000000000',
  ) => {
    const api = clientFor(influx.emulator, token).getWriteApi(influx.org, bucket, 'ms', { maxRetries: 0 });
    api.writeRecord(line);
    await api.close();
  };

  beforeEach(async () => {
    influx = await startOnboarded();
    tokens = new MemoryTokenStore();
  });
  afterEach(() => influx.emulator.close());

  it('registers a device as one authorization, however often register is called', async () => {
    const r = registry();
    const first = await r.register('dev1');
    const second = await r.register('dev1');
    assert.equal(first.newlyRegistered, true);
    assert.equal(second.newlyRegistered, false);
    assert.equal(second.token, first.token);
    assert.equal(second.authorizationId, first.authorizationId);
    assert.equal((await authorizationsOf('dev1')).length, 1);
  });

  it('makes one authorization when registers of one device run at the same time', async () => {
    const r = registry();
    const devices = await Promise.all(Array.from({ length: 5 }, () => r.register('dev1')));
    assert.equal(new Set(devices.map((d) => d.token)).size, 1);
    assert.equal(devices.filter((d) => d.newlyRegistered).length, 1);
    assert.equal((await authorizationsOf('dev1')).length, 1);
  });

  it('matches the description exactly: dev1 is not dev10', async () => {
    const r = registry();
    const dev10 = await r.register('dev10');
    assert.equal(await r.get('dev1'), undefined);
    const dev1 = await r.register('dev1');
    assert.notEqual(dev1.authorizationId, dev10.authorizationId);
    assert.equal(await r.remove('dev1'), true);
    assert.equal((await r.get('dev10'))?.token, dev10.token);
  });

  it('grants write on the configured bucket only, by default', async () => {
    const device = await registry().register('dev1');
    const [auth] = await authorizationsOf('dev1');
    assert.deepEqual(
      auth.permissions?.map((p) => ({
        action: p.action,
        type: p.resource.type,
        id: p.resource.id,
        orgID: p.resource.orgID,
      })),
      [{ action: 'write', type: 'buckets', id: influx.bucketID, orgID: influx.orgID }],
    );
    assert.equal(device.bucketID, influx.bucketID);
  });

  it('also grants read on the bucket when asked', async () => {
    await registry({ grantRead: true }).register('dev1');
    const [auth] = await authorizationsOf('dev1');
    assert.deepEqual(auth.permissions?.map((p) => `${p.action}:${p.resource.type}/${p.resource.id}`).sort(), [
      `read:buckets/${influx.bucketID}`,
      `write:buckets/${influx.bucketID}`,
    ]);
  });

  it('lists devices with their rights and never a token', async () => {
    await registry().register('dev2');
    await registry({ grantRead: true }).register('dev1');
    await new AuthorizationsAPI(influx.influx).postAuthorizations({
      body: {
        orgID: influx.orgID,
        description: 'someone else',
        permissions: [{ action: 'read', resource: { type: 'buckets', orgID: influx.orgID } }],
      },
    });
    const list = await registry().list();
    assert.deepEqual(
      list.map((d) => [d.deviceId, d.canRead, d.canWrite, d.status]),
      [
        ['dev1', true, true, 'active'],
        ['dev2', false, true, 'active'],
      ],
    );
    assert.ok(!JSON.stringify(list).includes('token'), 'no token field in the list');
  });

  it('removes the authorization, so that the token stops working', async () => {
    const r = registry();
    const device = await r.register('dev1');
    assert.equal(await r.remove('dev1'), true);
    assert.deepEqual(await authorizationsOf('dev1'), []);
    assert.equal(tokens.get(`${influx.org}/${influx.bucket}/dev1`), undefined);
    await assertHttpError(writeWith(device.token, influx.bucket), 401, 'unauthorized');
  });

  it('answers false when removing a device that is not registered', async () => {
    assert.equal(await registry().remove('ghost'), false);
  });

  it('rotates: a new token works and the old one is revoked', async () => {
    const r = registry();
    const before = await r.register('dev1');
    const after = await r.rotate('dev1');
    assert.notEqual(after.token, before.token);
    assert.equal((await authorizationsOf('dev1')).length, 1);
    assert.equal((await r.get('dev1'))?.token, after.token);
    await writeWith(after.token, influx.bucket);
    await assertHttpError(writeWith(before.token, influx.bucket), 401, 'unauthorized');
  });

  it('does not bring back a vanished authorization on get unless allowed', async () => {
    const r = registry();
    const device = await r.register('dev1');
    await new AuthorizationsAPI(influx.influx).deleteAuthorizationsID({ authID: device.authorizationId });
    assert.equal(await r.get('dev1'), undefined);
    assert.deepEqual(await authorizationsOf('dev1'), []);
    const again = await r.get('dev1', true);
    assert.equal(again?.newlyRegistered, true);
    assert.notEqual(again?.token, device.token);
    assert.equal((await authorizationsOf('dev1')).length, 1);
  });

  it('replaces an authorization wider than the one bucket (an old IoT Center token)', async () => {
    const wide = await new AuthorizationsAPI(influx.influx).postAuthorizations({
      body: {
        orgID: influx.orgID,
        description: 'IoT Center: dev1',
        permissions: [
          { action: 'read', resource: { type: 'buckets', orgID: influx.orgID } },
          { action: 'write', resource: { type: 'buckets', orgID: influx.orgID } },
        ],
      },
    });
    const device = await registry().register('dev1');
    assert.notEqual(device.authorizationId, wide.id);
    const remaining = await authorizationsOf('dev1');
    assert.deepEqual(
      remaining.map((a) => a.id),
      [device.authorizationId],
    );
  });

  it('follows a bucket that was deleted and created again under the same name', async () => {
    const r = registry({ targetCacheMs: 0 });
    const before = await r.register('dev1');
    const buckets = new BucketsAPI(influx.influx);
    await buckets.deleteBucketsID({ bucketID: influx.bucketID });
    const bucket = await buckets.postBuckets({
      body: { orgID: influx.orgID, name: influx.bucket, retentionRules: [] },
    });
    const after = await r.register('dev1');
    assert.equal(after.bucketID, bucket.id);
    assert.notEqual(after.token, before.token);
    await writeWith(after.token, influx.bucket);
  });

  it('refuses an invalid device id before calling InfluxDB', async () => {
    await assert.rejects(registry().register(' dev1'), { code: 'invalid_device_id', message: /whitespace/ });
    await assert.rejects(registry().get(''), { code: 'invalid_device_id' });
  });

  describe('the device token', () => {
    let token: string;
    beforeEach(async () => {
      token = (await registry().register('dev1')).token;
    });

    it('writes to the bucket', async () => {
      await writeWith(token, influx.bucket);
      const rows = await influx.influx
        .getQueryApi(influx.org)
        .collectRows<{ _value: number }>(
          `from(bucket: "${influx.bucket}") |> range(start: 0) |> filter(fn: (r) => r.clientId == "dev1")`,
        );
      assert.deepEqual(
        rows.map((r) => r._value),
        [21.5],
      );
    });

    it('cannot query the bucket', async () => {
      await assert.rejects(
        clientFor(influx.emulator, token)
          .getQueryApi(influx.org)
          .collectRows(`from(bucket: "${influx.bucket}") |> range(start: 0)`),
        (e: unknown) => e instanceof HttpError && e.statusCode === 404,
      );
    });

    it('cannot write to another bucket', async () => {
      await new BucketsAPI(influx.influx).postBuckets({
        body: { orgID: influx.orgID, name: 'other', retentionRules: [] },
      });
      await assertHttpError(writeWith(token, 'other'), 403, 'forbidden');
    });

    it('cannot see or create authorizations', async () => {
      const device = new InfluxDB({ url: influx.emulator.url, token });
      const seen = await new AuthorizationsAPI(device).getAuthorizations({});
      assert.deepEqual(seen.authorizations, []);
      await assertHttpError(
        new AuthorizationsAPI(device).postAuthorizations({
          body: {
            orgID: influx.orgID,
            description: 'IoT Center: evil',
            permissions: [{ action: 'write', resource: { type: 'buckets', id: influx.bucketID, orgID: influx.orgID } }],
          },
        }),
        401,
        'unauthorized',
      );
    });
  });
});
