import assert from 'node:assert/strict';
import queryNode = require('../../nodes/iot-query/iot-query');
import { helper, TAB, useNodeRedWithEmulator } from '../support/node-red';

interface RunAnswer {
  columns?: string[];
  rows?: unknown[][];
  truncated?: boolean;
  error?: { code: string; message: string; line?: number; column?: number };
}

const NOW_S = Math.floor(Date.now() / 1000);

describe('iot-query editor endpoints', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'describe' });

  before(async () => {
    const influx = fixture.influx;
    const write = influx.influx.getWriteApi(influx.org, influx.bucket, 's');
    write.writeRecords([
      ...[1, 2, 3].map((i) => `environment,clientId=dev1 Temperature=2${i} ${NOW_S - 300 + i}`),
      `environment,clientId=dev2 Temperature=30 ${NOW_S - 200}`,
    ]);
    await write.close();
  });

  async function load(): Promise<void> {
    await fixture.deploy(
      [queryNode],
      [{ id: 'q', type: 'iot-query', z: TAB, influxdb: 'influx', source: 'flux', wires: [[]] }],
    );
  }

  const run = async (body: object): Promise<RunAnswer> => {
    const response = await helper.request().post('/iot-query/run').send(body);
    assert.equal(response.status, 200);
    return response.body as RunAnswer;
  };

  it('runs Flux through the deployed config node and returns rows aligned with columns', async () => {
    await load();
    const answer = await run({
      config: 'influx',
      flux: 'from(bucket: params.bucket) |> range(start: -1h) |> filter(fn: (r) => r.clientId == "dev2")',
    });
    assert.equal(answer.error, undefined);
    assert.equal(answer.rows?.length, 1);
    assert.equal(answer.rows?.[0][answer.columns?.indexOf('_value') ?? -1], 30);
  });

  it('uses the parameters the editor sends as params.*', async () => {
    await load();
    const answer = await run({
      config: 'influx',
      flux: 'from(bucket: params.bucket)\n  |> range(start: params.range)\n  |> filter(fn: (r) => r.clientId == params.deviceId)',
      parameters: { deviceId: 'dev1', range: '-1h' },
    });
    assert.equal(answer.rows?.length, 3);
  });

  it('returns no more rows than asked and says the result was cut', async () => {
    await load();
    const answer = await run({
      config: 'influx',
      flux: `from(bucket: "${fixture.influx.bucket}") |> range(start: -1h)`,
      limit: 2,
    });
    assert.equal(answer.rows?.length, 2);
    assert.equal(answer.truncated, true);
  });

  it("returns InfluxDB's error at the line of the Flux as written, below the inserted params record", async () => {
    await load();
    const answer = await run({ config: 'influx', flux: 'from(bucket: params.bucket)\n  |> rnge(start: -1h)' });
    assert.match(answer.error?.message ?? '', /undefined identifier rnge/);
    assert.deepEqual([answer.error?.line, answer.error?.column], [2, 6]);
  });

  it('asks to deploy when the config node is not deployed', async () => {
    await load();
    const answer = await run({ config: 'nope', flux: 'buckets()' });
    assert.equal(answer.error?.code, 'not_deployed');
    assert.match(answer.error?.message ?? '', /deploy/);
  });

  it('lists measurements, fields and tag values for completion, in the config node bucket by default', async () => {
    await load();
    const get = async (query: string): Promise<unknown> =>
      (await helper.request().get(`/iot-query/schema?config=influx&${query}`)).body;
    assert.deepEqual(await get('kind=measurements'), ['environment']);
    assert.deepEqual(await get('kind=fields&measurement=environment'), ['Temperature']);
    assert.deepEqual(await get(`kind=tagValues&bucket=${fixture.influx.bucket}&tag=clientId`), ['dev1', 'dev2']);
    assert.ok(((await get('kind=buckets')) as string[]).includes(fixture.influx.bucket));
  });

  it('refuses an unknown list kind', async () => {
    await load();
    const response = await helper.request().get('/iot-query/schema?config=influx&kind=secrets');
    assert.equal(response.status, 400);
  });
});
