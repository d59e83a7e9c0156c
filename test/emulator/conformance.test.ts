/**
 * The Flux stdlib's own test cases (test/fixtures/flux-stdlib-vectors.json, from influxdata/flux v0.196.1),
 * run end to end: input written as line protocol over HTTP, `from(bucket:) |> pipeline` queried over HTTP
 * with the case's `now`, the annotated CSV compared with `want` as the vectors' README says.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { BucketsAPI, OrgsAPI, SetupAPI } from '@influxdata/influxdb-client-apis';
import { startEmulator, RunningEmulator } from '../../emulator';
import { decodeAnnotatedCsv } from '../../emulator/flux/csv/decode';
import { formatTime } from '../../emulator/flux/csv/encode';
import type { Cell, Column, Table } from '../../emulator/flux/table';
import { diffTables } from '../support/compare-tables';

interface Vector {
  name: string;
  now: string;
  imports: string[];
  input: string;
  pipeline: string;
  want: string;
}

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'flux-stdlib-vectors.json'), 'utf8'),
) as Vector[];

const NOT_TAGS = new Set(['result', 'table', '_start', '_stop', '_time', '_value', '_field', '_measurement']);

/** One point per input row: measurement, string columns as tags, `_field` = `_value` typed by its datatype. */
export function vectorToPoints(tables: Table[]): Point[] {
  const points: Point[] = [];
  for (const table of tables) {
    const at = (label: string) => table.columns.findIndex((c: Column) => c.label === label);
    const valueColumn = table.columns[at('_value')];
    for (const row of table.rows) {
      const point = new Point(String(row[at('_measurement')]));
      table.columns.forEach((c, i) => {
        if (!NOT_TAGS.has(c.label) && c.type === 'string' && row[i] !== null) point.tag(c.label, String(row[i]));
      });
      addField(point, String(row[at('_field')]), valueColumn, row[at('_value')]);
      point.timestamp(String(row[at('_time')] as bigint));
      points.push(point);
    }
  }
  return points;
}

function addField(point: Point, field: string, column: Column, value: Cell): void {
  switch (column.type) {
    case 'double':
      point.floatField(field, value as number);
      break;
    case 'long':
      point.intField(field, String(value));
      break;
    case 'unsignedLong':
      point.uintField(field, String(value));
      break;
    case 'boolean':
      point.booleanField(field, value as boolean);
      break;
    default:
      point.stringField(field, String(value));
  }
}

describe('Flux conformance vectors (end to end over HTTP)', () => {
  const token = 'conformance-token';
  let emulator: RunningEmulator;
  let influx: InfluxDB;
  let orgID: string;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    await new SetupAPI(new InfluxDB({ url: emulator.url })).postSetup({
      body: { org: 'conformance', bucket: 'unused', username: 'tester', password: 'password1', token },
    });
    influx = new InfluxDB({ url: emulator.url, token });
    orgID = (await new OrgsAPI(influx).getOrgs({ org: 'conformance' })).orgs?.[0]?.id as string;
  });
  after(() => emulator?.close());

  for (const vector of vectors) {
    it(`${vector.name}: ${vector.pipeline}`, async () => {
      const bucket = `v_${vector.name}`;
      await new BucketsAPI(influx).postBuckets({ body: { orgID, name: bucket, retentionRules: [] } });
      const input = decodeAnnotatedCsv(vector.input).flatMap((r) => r.tables);
      const writeApi = influx.getWriteApi('conformance', bucket, 'ns');
      writeApi.writePoints(vectorToPoints(input));
      await writeApi.close();

      const imports = vector.imports.map((i) => `import "${i}"\n`).join('');
      const query = `${imports}from(bucket: "${bucket}")\n  ${vector.pipeline}`;
      const csv = await influx.getQueryApi({ org: 'conformance', now: () => vector.now }).queryRaw(query);
      const got = decodeAnnotatedCsv(csv).flatMap((r) => r.tables);
      const want = decodeAnnotatedCsv(vector.want).flatMap((r) => r.tables);
      assert.deepEqual(diffTables(got, want), [], `query:\n${query}\ngot:\n${csv}`);
    });
  }

  it('writes the vectors with times that survive the trip (sanity of the converter)', () => {
    const tables = decodeAnnotatedCsv(vectors[0].input).flatMap((r) => r.tables);
    const line = vectorToPoints(tables)[0].toLineProtocol() ?? '';
    const time = BigInt(line.split(' ').pop() as string);
    assert.equal(formatTime(time), '2018-05-22T19:53:26Z');
  });
});
