import assert from 'node:assert/strict';
import { AuthorizationsAPI, BucketsAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, clientFor, type Onboarded, startOnboarded } from '../support/emulator';

const START = '2024-01-01T10:00:00Z';
const STOP = '2024-01-01T10:10:00Z';
const T0 = 1_704_103_200_000_000_000n; // START
const MINUTE = 60_000_000_000n;

describe('flux to()', () => {
  let env: Onboarded;
  let targetID: string;
  beforeEach(async () => {
    env = await startOnboarded({ taskCheckIntervalMs: 0 });
    const target = await new BucketsAPI(env.influx).postBuckets({ body: { orgID: env.orgID, name: 'target' } });
    targetID = target.id as string;
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
    for (let i = 0n; i < 10n; i++) {
      writeApi.writeRecord(`mem,host=a used=${Number(i)} ${T0 + i * MINUTE}`);
      writeApi.writeRecord(`mem,host=b used=${Number(i) * 10} ${T0 + i * MINUTE}`);
    }
    await writeApi.close();
  });
  afterEach(() => env.emulator.close());

  const source = `from(bucket: "my-bucket") |> range(start: ${START}, stop: ${STOP}) |> filter(fn: (r) => r._measurement == "mem")`;
  const readTarget = () =>
    env.influx
      .getQueryApi(env.org)
      .collectRows<Record<string, unknown>>(
        `from(bucket: "target") |> range(start: ${START}, stop: 2024-01-01T11:00:00Z)`,
      );

  async function tokenWith(
    permissions: { action: 'read' | 'write'; resource: { type: string; id?: string; orgID?: string } }[],
  ) {
    const created = await new AuthorizationsAPI(env.influx).postAuthorizations({
      body: { orgID: env.orgID, description: 'scoped', permissions: permissions as never },
    });
    return clientFor(env.emulator, created.token as string);
  }

  it('writes aggregated rows as points with their string columns as tags', async () => {
    await env.influx
      .getQueryApi(env.org)
      .collectRows(`${source} |> aggregateWindow(every: 5m, fn: mean) |> to(bucket: "target", org: "my-org")`);
    const rows = await readTarget();
    assert.deepEqual(
      rows.map((r) => [r['_measurement'], r['host'], r['_field'], r['_time'], r['_value']]),
      [
        ['mem', 'a', 'used', '2024-01-01T10:05:00Z', 2],
        ['mem', 'a', 'used', '2024-01-01T10:10:00Z', 7],
        ['mem', 'b', 'used', '2024-01-01T10:05:00Z', 20],
        ['mem', 'b', 'used', '2024-01-01T10:10:00Z', 70],
      ],
    );
  });

  it('passes its input through unchanged', async () => {
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<Record<string, unknown>>(`${source} |> last() |> to(bucketID: "${targetID}")`);
    assert.deepEqual(
      rows.map((r) => [r['host'], r['_value'], r['_time']]),
      [
        ['a', 9, '2024-01-01T10:09:00Z'],
        ['b', 90, '2024-01-01T10:09:00Z'],
      ],
    );
  });

  it('keeps the value type of _value (integers stay integers)', async () => {
    await env.influx
      .getQueryApi(env.org)
      .collectRows(`${source} |> count() |> map(fn: (r) => ({r with _time: ${START}})) |> to(bucket: "target")`);
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<Record<string, unknown>>(
        `from(bucket: "target") |> range(start: ${START}, stop: ${STOP}) |> map(fn: (r) => ({r with t: string(v: r._value)}))`,
      );
    assert.deepEqual(
      rows.map((r) => [r['host'], r['_value'], r['t']]),
      [
        ['a', 10, '10'],
        ['b', 10, '10'],
      ],
    );
  });

  it('fails with 403 when the token may read but not write the target bucket', async () => {
    const client = await tokenWith([
      { action: 'read', resource: { type: 'buckets', orgID: env.orgID } },
      { action: 'write', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } },
    ]);
    await assertHttpError(
      client.getQueryApi(env.org).collectRows(`${source} |> to(bucket: "target")`),
      403,
      'forbidden',
      /to\(\): insufficient permissions for write to bucket "target"/,
    );
    assert.deepEqual(await readTarget(), []);
  });

  it('fails with 404 naming a bucket that does not exist', async () => {
    await assertHttpError(
      env.influx.getQueryApi(env.org).collectRows(`${source} |> to(bucket: "nope")`),
      404,
      'not found',
      /to\(\): could not find bucket "nope"/,
    );
  });

  it('reports fieldFn as unsupported', async () => {
    await assertHttpError(
      env.influx
        .getQueryApi(env.org)
        .collectRows(`${source} |> to(bucket: "target", fieldFn: (r) => ({used: r._value}))`),
      400,
      'invalid',
      /fieldFn/,
    );
  });
});
