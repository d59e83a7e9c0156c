import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { HttpError, Point } from '@influxdata/influxdb-client';
import { AuthorizationsAPI, BucketsAPI } from '@influxdata/influxdb-client-apis';
import type { SeriesData } from '../../emulator/storage/types';
import { assertHttpError, type Onboarded, quietClientLogs, rawRequest, startOnboarded } from '../support/emulator';

const T0 = 1_700_000_000_000_000_000n;
const HOUR_NS = 3_600_000_000_000n;

describe('write (/api/v2/write)', () => {
  quietClientLogs();
  let env: Onboarded;
  beforeEach(async () => {
    env = await startOnboarded({ maxBodyBytes: 4096 });
  });
  afterEach(() => env.emulator.close());

  /** Everything stored in a bucket, read straight from the point store. */
  const stored = (bucketID = env.bucketID): SeriesData[] =>
    env.emulator.state.points.read({ bucketId: bucketID, start: -(2n ** 62n), stop: 2n ** 62n });

  const post = (query: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(`${env.emulator.url}/api/v2/write?${query}`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}`, ...headers },
      body,
    });

  const writeApiFor = (bucket = env.bucket, options = {}) =>
    env.influx.getWriteApi(env.org, bucket, 'ns', { maxRetries: 0, ...options });

  it('accepts every field type through the client’s WriteApi (204)', async () => {
    const writeApi = writeApiFor();
    writeApi.writePoint(
      new Point('environment')
        .tag('clientId', 'dev1')
        .floatField('Temperature', 21.5)
        .intField('CO2', 400)
        .uintField('TVOC', 12)
        .booleanField('ok', true)
        .stringField('note', 'hi "there"')
        .timestamp(String(T0)),
    );
    await writeApi.close();
    const series = stored();
    const byField = Object.fromEntries(series.map((s) => [s.field, [s.type, s.values[0]]]));
    assert.deepEqual(byField, {
      CO2: ['long', 400n],
      TVOC: ['unsignedLong', 12n],
      Temperature: ['double', 21.5],
      note: ['string', 'hi "there"'],
      ok: ['boolean', true],
    });
    assert.deepEqual(series[0]?.tags, [['clientId', 'dev1']]);
    assert.equal(series[0]?.times[0], T0);
  });

  it('answers 204 with an empty body', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, `m v=1 ${T0}`);
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
  });

  it('accepts a gzip body from the client (gzipThreshold)', async () => {
    const writeApi = writeApiFor(env.bucket, { gzipThreshold: 0 });
    writeApi.writeRecords([`m v=1 ${T0}`, `m v=2 ${T0 + 1n}`]);
    await writeApi.close();
    assert.deepEqual(stored()[0]?.values, [1, 2]);
  });

  it('accepts org and bucket given by ID', async () => {
    const res = await post(`orgID=${env.orgID}&bucket=${env.bucketID}&precision=s`, 'm v=1 1700000000');
    assert.equal(res.status, 204);
    assert.equal(stored()[0]?.times[0], T0);
  });

  it('refuses the whole batch when a line is bad, naming every bad line (400)', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, `m v=1 ${T0}\nbad\nm v= 1`);
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), {
      code: 'invalid',
      message: "unable to parse 'bad': missing fields\nunable to parse 'm v= 1': missing field value",
    });
    assert.deepEqual(stored(), []);
  });

  it('refuses an empty body with 400 "writing requires points", as OSS does', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, '');
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { code: 'invalid', message: 'writing requires points' });
  });

  it('refuses an unknown precision (400)', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}&precision=m`, 'm v=1');
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).message, 'invalid precision; valid precision units are ns, us, ms, and s');
  });

  it('checks precision before the bucket, and the bucket before the org', async () => {
    assert.equal(JSON.parse((await post('precision=x', 'm v=1')).body).message.startsWith('invalid precision'), true);
    assert.deepEqual(JSON.parse((await post('', 'm v=1')).body), { code: 'not found', message: 'bucket not found' });
    assert.deepEqual(JSON.parse((await post('bucket=b', 'm v=1')).body), {
      code: 'invalid',
      message: 'Please provide either orgID or org',
    });
  });

  it('answers an unknown org name with 404', async () => {
    const res = await post(`org=nope&bucket=${env.bucket}`, 'm v=1');
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(res.body).message, 'organization name "nope" not found');
  });

  it('answers an unknown bucket with 404 naming it (WriteApi)', async () => {
    const writeApi = writeApiFor('nope');
    writeApi.writeRecord('m v=1');
    await assertHttpError(writeApi.close(), 404, 'not found', 'bucket "nope" not found');
  });

  it('answers a missing token with 401', async () => {
    const res = await rawRequest(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
      method: 'POST',
      body: 'm v=1',
    });
    assert.equal(res.status, 401);
    assert.equal(res.body, '{"code":"unauthorized","message":"unauthorized access"}');
  });

  it('answers an unknown token with 401', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, 'm v=1', { authorization: 'Token nope' });
    assert.equal(res.status, 401);
  });

  it('accepts the Bearer scheme', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, 'm v=1', { authorization: `Bearer ${env.token}` });
    assert.equal(res.status, 204);
  });

  it('refuses the Basic scheme with 401', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, 'm v=1', { authorization: 'Basic YTpi' });
    assert.equal(res.status, 401);
  });

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    const body = Array.from({ length: 300 }, (_, i) => `m v=${i} ${T0 + BigInt(i)}`).join('\n');
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, body);
    assert.equal(res.status, 413);
    assert.deepEqual(JSON.parse(res.body), {
      code: 'request too large',
      message: 'unable to read data: points batch is too large',
    });
    assert.deepEqual(stored(), []);
  });

  it('applies the size limit to the decompressed body', async () => {
    const body = zlib.gzipSync(Array.from({ length: 300 }, () => `m v=1 ${T0}`).join('\n'));
    assert.ok(body.length < 4096);
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, body, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 413);
  });

  it('answers a body that is not gzip despite its header with 500 and no details', async () => {
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, 'm v=1', { 'content-encoding': 'gzip' });
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(res.body), {
      code: 'internal error',
      message: 'An internal error has occurred - check server logs',
    });
  });

  it('answers a truncated gzip stream with 500 unable to read data: unexpected EOF', async () => {
    const body = zlib.gzipSync(Array.from({ length: 50 }, (_, i) => `m v=${i} ${T0}`).join('\n'));
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, body.subarray(0, body.length - 12), {
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(res.body), { code: 'internal error', message: 'unable to read data: unexpected EOF' });
    assert.equal(stored().length, 0);
  });

  it('answers a gzip body with a bad checksum with 400', async () => {
    const body = zlib.gzipSync(`m v=1 ${T0}`);
    body[body.length - 5] ^= 0xff;
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, body, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).message, 'unable to read data: gzip: invalid checksum');
  });

  it('drops points outside the bucket retention with 422 and keeps the rest', async () => {
    const bucket = await new BucketsAPI(env.influx).postBuckets({
      body: { orgID: env.orgID, name: 'short', retentionRules: [{ type: 'expire', everySeconds: 3600 }] },
    });
    const now = env.emulator.state.nowNs();
    const old = now - 2n * HOUR_NS;
    const res = await post(`org=${env.org}&bucket=short`, `m v=1 ${old}\nm v=2 ${now}`);
    assert.equal(res.status, 422);
    const message = JSON.parse(res.body).message as string;
    assert.match(
      message,
      new RegExp(
        `^failure writing points to database: partial write: dropped 1 points outside retention policy of duration 1h0m0s - oldest .+, newest .+ dropped=1 for database: ${bucket.id} for retention policy: autogen$`,
      ),
    );
    assert.deepEqual(stored(bucket.id as string)[0]?.values, [2]);
  });

  it('refuses a field of another type than already stored with 422', async () => {
    await post(`org=${env.org}&bucket=${env.bucket}`, `m v=1 ${T0}`);
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, `m v="text" ${T0 + 1n}`);
    assert.equal(res.status, 422);
    assert.equal(
      JSON.parse(res.body).message,
      'failure writing points to database: partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=1',
    );
  });

  it('refuses a later point of a series stored earlier in the same batch when a field changed type (422)', async () => {
    // The first point stores the series' fields; the store then skips checking points whose fields it
    // has just stored with the same types, and must still notice the one whose type changed.
    const body = [`m,host=a v=1,w=1i ${T0}`, `m,host=a v=2,w=2 ${T0 + 1n}`, `m,host=a v=3,w=3i ${T0 + 2n}`].join('\n');
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, body);
    assert.equal(res.status, 422);
    assert.equal(
      JSON.parse(res.body).message,
      'failure writing points to database: partial write: field type conflict: input field "w" on measurement "m" is type float, already exists as type integer dropped=1',
    );
    assert.deepEqual(
      stored().map((s) => [s.field, s.values]),
      [
        ['v', [1, 3]],
        ['w', [1n, 3n]],
      ],
    );
  });

  it('refuses writes with an inactive token (403)', async () => {
    const auths = new AuthorizationsAPI(env.influx);
    const created = await auths.postAuthorizations({
      body: { orgID: env.orgID, permissions: [{ action: 'write', resource: { type: 'buckets', orgID: env.orgID } }] },
    });
    await auths.patchAuthorizationsID({ authID: created.id as string, body: { status: 'inactive' } });
    const res = await post(`org=${env.org}&bucket=${env.bucket}`, 'm v=1', { authorization: `Token ${created.token}` });
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.body).message, 'insufficient permissions for write: token is inactive');
  });

  it('is not retried by the client on a 4xx (HttpError surfaces at once)', async () => {
    const writeApi = env.influx.getWriteApi(env.org, 'nope', 'ns', { maxRetries: 3, minRetryDelay: 10000 });
    writeApi.writeRecord('m v=1');
    const started = Date.now();
    await assert.rejects(writeApi.close(), (e: unknown) => e instanceof HttpError && e.statusCode === 404);
    assert.ok(Date.now() - started < 5000);
  });

  it('answers an unexpected failure with 500 and a generic message, logged once without the token', async () => {
    const points = env.emulator.state.points;
    const original = points.write;
    points.write = () => {
      throw new Error('disk on fire');
    };
    const logged: string[] = [];
    const stderrWrite = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let res;
    try {
      res = await post(`org=${env.org}&bucket=${env.bucket}`, `m v=1 ${T0}`);
    } finally {
      process.stderr.write = stderrWrite;
      points.write = original;
    }
    assert.equal(res.status, 500);
    assert.equal(res.body, '{"code":"internal error","message":"An internal error has occurred - check server logs"}');
    assert.equal(logged.length, 1);
    assert.match(logged[0] as string, /disk on fire/);
    assert.doesNotMatch(logged[0] as string, new RegExp(env.token));
  });
});
