import assert from 'node:assert/strict';
import { type Onboarded, startOnboarded } from '../support/emulator';
import { firstRows, listSchema, SchemaRequestError, schemaQuery } from '../../lib/flux-editor';

const NOW_S = Math.floor(Date.now() / 1000);

describe('flux editor schema lists', () => {
  let influx: Onboarded;

  before(async () => {
    influx = await startOnboarded();
    const write = influx.influx.getWriteApi(influx.org, influx.bucket, 's');
    write.writeRecords([
      `environment,clientId=dev1,TemperatureSensor=virtual_TemperatureSensor Temperature=21.5,Humidity=40 ${NOW_S - 60}`,
      `environment,clientId=dev2,TemperatureSensor=virtual_TemperatureSensor Temperature=22.5,Humidity=41 ${NOW_S - 60}`,
      `cpu,host=server\\ 1 load=0.5 ${NOW_S - 60}`,
    ]);
    await write.close();
  });
  after(() => influx.emulator.close());

  const api = () => influx.influx.getQueryApi(influx.org);

  it('lists buckets with system buckets last', async () => {
    const names = await listSchema(api(), { kind: 'buckets' });
    assert.ok(names.includes(influx.bucket));
    const firstSystem = names.findIndex((n) => n.startsWith('_'));
    if (firstSystem >= 0) assert.ok(names.slice(firstSystem).every((n) => n.startsWith('_')));
  });

  it('lists the measurements of a bucket', async () => {
    assert.deepEqual(await listSchema(api(), { kind: 'measurements', bucket: influx.bucket }), ['cpu', 'environment']);
  });

  it('lists the fields of one measurement', async () => {
    assert.deepEqual(await listSchema(api(), { kind: 'fields', bucket: influx.bucket, measurement: 'environment' }), [
      'Humidity',
      'Temperature',
    ]);
  });

  it('lists tag keys without the built-in columns', async () => {
    assert.deepEqual(await listSchema(api(), { kind: 'tagKeys', bucket: influx.bucket, measurement: 'environment' }), [
      'clientId',
      'TemperatureSensor',
    ]);
  });

  it('lists the values of a tag, escaped names included', async () => {
    assert.deepEqual(await listSchema(api(), { kind: 'tagValues', bucket: influx.bucket, tag: 'clientId' }), [
      'dev1',
      'dev2',
    ]);
    assert.deepEqual(
      await listSchema(api(), { kind: 'tagValues', bucket: influx.bucket, measurement: 'cpu', tag: 'host' }),
      ['server 1'],
    );
  });

  it('writes user names into Flux as string literals', () => {
    const query = schemaQuery({ kind: 'tagValues', bucket: 'b") |> drop(', tag: 't' }).toString();
    assert.match(query, /bucket: "b\\"\) \|> drop\("/);
  });

  it('asks for the bucket when a list needs one', () => {
    assert.throws(() => schemaQuery({ kind: 'measurements', bucket: ' ' }), SchemaRequestError);
    assert.throws(() => schemaQuery({ kind: 'tagValues', bucket: 'b' }), /a tag is needed/);
  });
});

describe('flux editor row preview', () => {
  let influx: Onboarded;

  before(async () => {
    influx = await startOnboarded();
    const write = influx.influx.getWriteApi(influx.org, influx.bucket, 's');
    write.writeRecords(
      [1, 2, 3, 4, 5].map((i) => `m,t=a v=${i} ${NOW_S - 600 + i}`).concat([`m,t=b v=9 ${NOW_S - 500}`]),
    );
    await write.close();
  });
  after(() => influx.emulator.close());

  const api = () => influx.influx.getQueryApi(influx.org);

  it('returns the rows aligned with the columns', async () => {
    const preview = await firstRows(
      api(),
      `from(bucket: "${influx.bucket}") |> range(start: -1h) |> filter(fn: (r) => r.t == "b")`,
      10,
    );
    assert.equal(preview.truncated, false);
    assert.equal(preview.rows.length, 1);
    const row = preview.rows[0];
    assert.equal(row[preview.columns.indexOf('_value')], 9);
    assert.equal(row[preview.columns.indexOf('t')], 'b');
  });

  it('stops at the limit and says the result was cut', async () => {
    const preview = await firstRows(api(), `from(bucket: "${influx.bucket}") |> range(start: -1h)`, 3);
    assert.equal(preview.truncated, true);
    assert.equal(preview.rows.length, 3);
  });

  it('rejects with InfluxDB error and its position', async () => {
    await assert.rejects(
      firstRows(api(), 'from(bucket: "x") |> rnge(start: -1h)', 3),
      /@1:22-1:26.*undefined identifier rnge/,
    );
  });
});
