import assert from 'node:assert/strict';
import { AuthorizationsAPI, BucketsAPI, DeleteAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, clientFor, type Onboarded, startOnboarded } from '../support/emulator';

/** 2023-11-14T22:13:20Z and the following seconds: each point sits one second after the previous. */
const T0 = 1_700_000_000n;
const at = (second: number) => new Date(Number(T0 + BigInt(second)) * 1000).toISOString().replace('.000Z', 'Z');

/** Points written before every test: two devices, two measurements, two fields, seconds 0..3. */
const LINES = [0, 1, 2, 3].flatMap((s) => [
  `environment,clientId=dev1,room=a Temperature=${20 + s},Humidity=${40 + s} ${T0 + BigInt(s)}`,
  `environment,clientId=dev2 Temperature=${30 + s},Humidity=${50 + s} ${T0 + BigInt(s)}`,
  `status,clientId=dev1 up=true ${T0 + BigInt(s)}`,
]);

describe('delete (/api/v2/delete)', () => {
  let env: Onboarded;
  let deleteApi: DeleteAPI;
  beforeEach(async () => {
    env = await startOnboarded();
    deleteApi = new DeleteAPI(env.influx);
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 's');
    writeApi.writeRecords(LINES);
    await writeApi.close();
  });
  afterEach(() => env.emulator.close());

  /** What is left, read back with Flux: `measurement,tags field@second` sorted. */
  const remaining = async (): Promise<string[]> => {
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<Record<string, unknown>>(`from(bucket: "${env.bucket}") |> range(start: 0) |> group()`);
    return rows
      .map((r) => {
        const tags = ['clientId', 'room'].filter((k) => r[k] !== undefined && r[k] !== null && r[k] !== '');
        const second = (Date.parse(String(r._time)) / 1000 - Number(T0)).toString();
        return `${String(r._measurement)},${tags.map((k) => `${k}=${String(r[k])}`).join(',')} ${String(r._field)}@${second}`;
      })
      .sort();
  };

  const all = async () => (await remaining()).length;

  const rawDelete = (query: string, body: string, token = env.token) =>
    fetch(`${env.emulator.url}/api/v2/delete?${query}`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      body,
    });

  const expectError = async (res: Response, status: number, code: string, message: string) => {
    assert.equal(res.status, status, `status of ${message}`);
    assert.deepEqual(await res.json(), { code, message });
    assert.equal(res.headers.get('x-platform-error-code'), code);
  };

  it('deletes a whole time range (both ends inclusive) through DeleteAPI, answering 204', async () => {
    assert.equal(await all(), 20);
    await deleteApi.postDelete({ org: env.org, bucket: env.bucket, body: { start: at(1), stop: at(2) } });
    const left = await remaining();
    assert.equal(left.length, 10);
    assert.ok(
      left.every((row) => / \w+@[03]$/.test(row)),
      left.join('\n'),
    );
  });

  it('deletes only the series a predicate selects: measurement and tag, joined by AND', async () => {
    await deleteApi.postDelete({
      orgID: env.orgID,
      bucketID: env.bucketID,
      body: { start: at(0), stop: at(3), predicate: '_measurement="environment" AND clientId="dev1"' },
    });
    const left = await remaining();
    assert.equal(left.filter((r) => r.startsWith('environment,clientId=dev1')).length, 0);
    assert.equal(left.filter((r) => r.startsWith('environment,clientId=dev2')).length, 8);
    assert.equal(left.filter((r) => r.startsWith('status,clientId=dev1')).length, 4);
  });

  it('matches != only on series that have the tag', async () => {
    const res = await rawDelete(
      `org=${env.org}&bucket=${env.bucket}`,
      JSON.stringify({ start: at(0), stop: at(0), predicate: 'room!="b"' }),
    );
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    const left = await remaining();
    assert.deepEqual(
      left.filter((r) => r.endsWith('@0')),
      ['environment,clientId=dev2 Humidity@0', 'environment,clientId=dev2 Temperature@0', 'status,clientId=dev1 up@0'],
    );
  });

  it('accepts unquoted values, parentheses and a time zone offset', async () => {
    await deleteApi.postDelete({
      org: env.org,
      bucket: env.bucket,
      body: {
        start: '2023-11-14T23:13:21+01:00',
        stop: at(1),
        predicate: '(clientId=dev2) AND (_measurement=environment)',
      },
    });
    assert.deepEqual(
      (await remaining()).filter((r) => r.startsWith('environment,clientId=dev2') && r.endsWith('@1')),
      [],
    );
    assert.equal(await all(), 18);
  });

  it('deletes a field’s series with _field != (only = is refused)', async () => {
    await deleteApi.postDelete({
      org: env.org,
      bucket: env.bucket,
      body: { start: at(0), stop: at(3), predicate: '_measurement="environment" AND _field!="Temperature"' },
    });
    const left = await remaining();
    assert.equal(left.filter((r) => r.includes(' Humidity@')).length, 0);
    assert.equal(left.filter((r) => r.includes(' Temperature@')).length, 8);
  });

  it('forgets series left without points, so schema queries no longer list them', async () => {
    await deleteApi.postDelete({
      org: env.org,
      bucket: env.bucket,
      body: { start: at(0), stop: at(3), predicate: '_measurement="status"' },
    });
    const keys = env.emulator.state.points.seriesKeys({ bucketId: env.bucketID });
    assert.deepEqual([...new Set(keys.map((k) => k.measurement))], ['environment']);
    // The field type went with it: the field may come back with another type.
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 's');
    writeApi.writeRecord(`status,clientId=dev1 up=1i ${T0}`);
    await writeApi.close();
  });

  it('deletes nothing outside the bucket it names', async () => {
    const other = await new BucketsAPI(env.influx).postBuckets({ body: { orgID: env.orgID, name: 'other' } });
    const writeApi = env.influx.getWriteApi(env.org, 'other', 's');
    writeApi.writeRecord(`environment,clientId=dev1 Temperature=1 ${T0}`);
    await writeApi.close();
    await deleteApi.postDelete({ org: env.org, bucket: env.bucket, body: { start: at(0), stop: at(3) } });
    assert.equal(await all(), 0);
    const points = env.emulator.state.points.read({ bucketId: other.id as string, start: 0n, stop: 2n ** 62n });
    assert.equal(points.length, 1);
  });

  describe('refuses bad requests as InfluxDB 2.7 does, deleting nothing', () => {
    const query = () => `org=${env.org}&bucket=${env.bucket}`;
    const body = (fields: Record<string, unknown>) => JSON.stringify({ start: at(0), stop: at(3), ...fields });
    afterEach(async () => assert.equal(await all(), 20));

    const START_FORMAT =
      'error decoding json body: invalid RFC3339Nano for field start, please format your time with RFC3339Nano format, example: 2009-01-02T23:00:00Z';
    const STOP_FORMAT =
      'error decoding json body: invalid RFC3339Nano for field stop, please format your time with RFC3339Nano format, example: 2009-01-01T23:00:00Z';

    const cases: [string, () => string, () => string, number, string, string][] = [
      ['a missing start', query, () => JSON.stringify({ stop: at(3) }), 400, 'invalid', START_FORMAT],
      ['a missing stop', query, () => JSON.stringify({ start: at(0) }), 400, 'invalid', STOP_FORMAT],
      [
        'a start that is not RFC3339',
        query,
        () => body({ start: '2023-11-14 22:13:20' }),
        400,
        'invalid',
        START_FORMAT,
      ],
      ['an impossible date', query, () => body({ stop: '2023-02-30T00:00:00Z' }), 400, 'invalid', STOP_FORMAT],
      [
        'a start before 1677',
        query,
        () => body({ start: '1600-01-01T00:00:00Z' }),
        400,
        'invalid',
        'error decoding json body: invalid start time, start time must not be before 1677-09-21T00:12:43.145224194Z',
      ],
      [
        'a stop after 2262',
        query,
        () => body({ stop: '2300-01-01T00:00:00Z' }),
        400,
        'invalid',
        'error decoding json body: invalid stop time, stop time must not be after 2262-04-11T23:47:16.854775806Z',
      ],
      [
        'a start that is a number',
        query,
        () => JSON.stringify({ start: 1, stop: at(3) }),
        400,
        'invalid',
        'error decoding json body: Invalid delete predicate node request: json: cannot unmarshal number 1 into Go struct field deleteRequestDecode.start of type string',
      ],
      ['an empty body', query, () => '', 400, 'invalid', 'error decoding json body: EOF'],
      [
        'invalid JSON',
        query,
        () => '{"start": x}',
        400,
        'invalid',
        "error decoding json body: invalid character 'x' looking for beginning of value",
      ],
      [
        'a JSON array',
        query,
        () => '[]',
        400,
        'invalid',
        'error decoding json body: Invalid delete predicate node request: json: cannot unmarshal array into Go value of type http.deleteRequestDecode',
      ],
      [
        'OR',
        query,
        () => body({ predicate: 'a="1" OR b="2"' }),
        400,
        'invalid',
        'error decoding json body: the logical operator OR is not supported yet at position 6',
      ],
      [
        'a regex operator',
        query,
        () => body({ predicate: 'clientId=~/dev/' }),
        400,
        'invalid',
        'error decoding json body: operator: "=~" at position: 8 is not supported yet',
      ],
      [
        'a comparison operator',
        query,
        () => body({ predicate: 'clientId > "a"' }),
        400,
        'invalid',
        'error decoding json body: invalid operator ">" at position: 9',
      ],
      [
        'a single-quoted value',
        query,
        () => body({ predicate: "clientId='dev1'" }),
        400,
        'invalid',
        'error decoding json body: bad tag value: "dev1", at position 8',
      ],
      [
        'a value-less key',
        query,
        () => body({ predicate: '"a"' }),
        400,
        'invalid',
        'error decoding json body: invalid operator "EOF" at position: 3',
      ],
      [
        'two rules without AND',
        query,
        () => body({ predicate: 'a="1" b="2"' }),
        400,
        'invalid',
        "error decoding json body: the logical operator '\\x00' is invalid",
      ],
      [
        'an unclosed parenthesis',
        query,
        () => body({ predicate: '(a="1"' }),
        400,
        'invalid',
        'error decoding json body: extra ( seen',
      ],
      [
        'an extra closing parenthesis',
        query,
        () => body({ predicate: 'a="1")' }),
        400,
        'invalid',
        'error decoding json body: extra ) seen',
      ],
      [
        'a dangling AND (the predicate parser lets it through, InfluxQL does not)',
        query,
        () => body({ predicate: 'a="1" AND' }),
        400,
        'invalid',
        // char 11, not 10: after a trailing keyword influxql's reader reads EOF twice and counts the first.
        'invalid request; error parsing predicate: found EOF, expected identifier, string, number, bool at line 1, char 11',
      ],
      [
        'a key InfluxQL reserves',
        query,
        () => body({ predicate: 'name="x"' }),
        400,
        'invalid',
        'invalid request; error parsing predicate: found NAME, expected identifier, string, number, bool at line 1, char 1',
      ],
      [
        'deleting by field',
        query,
        () => body({ predicate: '_field="Temperature"' }),
        501,
        'not implemented',
        'delete by field is not supported',
      ],
      ['no org', () => `bucket=${env.bucket}`, () => body({}), 400, 'invalid', 'Please provide either orgID or org'],
      [
        'an unknown org name',
        () => `org=nope&bucket=${env.bucket}`,
        () => body({}),
        404,
        'not found',
        'organization name "nope" not found',
      ],
      [
        'an unknown org ID',
        () => `orgID=0123456789abcdef&bucket=${env.bucket}`,
        () => body({}),
        404,
        'not found',
        'organization not found',
      ],
      [
        'a malformed orgID',
        () => `orgID=xyz&bucket=${env.bucket}`,
        () => body({}),
        400,
        'invalid',
        'id must have a length of 16 bytes',
      ],
      ['no bucket', () => `org=${env.org}`, () => body({}), 400, 'invalid', 'Please provide either bucketID or bucket'],
      [
        'an unknown bucket name',
        () => `org=${env.org}&bucket=nope`,
        () => body({}),
        404,
        'not found',
        'bucket "nope" not found',
      ],
      [
        'an unknown bucket ID',
        () => `org=${env.org}&bucketID=0123456789abcdef`,
        () => body({}),
        404,
        'not found',
        'bucket not found',
      ],
    ];

    for (const [what, q, b, status, code, message] of cases) {
      it(`${what}: ${status}`, async () => {
        await expectError(await rawDelete(q(), b()), status, code, message);
      });
    }

    it('checks the body before the org, as OSS does', async () => {
      await expectError(await rawDelete('org=nope', '{}'), 400, 'invalid', START_FORMAT);
    });

    it('refuses a token without write on the bucket with 403 through DeleteAPI', async () => {
      const readOnly = await new AuthorizationsAPI(env.influx).postAuthorizations({
        body: {
          orgID: env.orgID,
          permissions: [{ action: 'read', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } }],
        },
      });
      const api = new DeleteAPI(clientFor(env.emulator, readOnly.token as string));
      await assertHttpError(
        api.postDelete({ org: env.org, bucket: env.bucket, body: { start: at(0), stop: at(3) } }),
        403,
        'forbidden',
        'insufficient permissions to delete',
      );
    });

    it('refuses a request without a token with 401', async () => {
      const res = await fetch(`${env.emulator.url}/api/v2/delete?${query()}`, { method: 'POST', body: body({}) });
      await expectError(res, 401, 'unauthorized', 'unauthorized access');
    });

    it('answers another method with 405', async () => {
      const res = await fetch(`${env.emulator.url}/api/v2/delete`, {
        headers: { authorization: `Token ${env.token}` },
      });
      await expectError(res, 405, 'method not allowed', 'allow: POST');
    });
  });
});
