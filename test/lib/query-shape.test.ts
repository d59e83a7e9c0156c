import assert from 'node:assert/strict';
import { linesToRowsIterable } from '@influxdata/influxdb-client';
import { FluxResultError } from '../../lib/query/errors';
import {
  assertNoFluxError,
  FluxRow,
  plainRows,
  rowsPerTable,
  shapeResult,
  toDashboard2Chart,
  toGaugeValues,
  toUiChart,
} from '../../lib/query/shape';

/** Rows exactly as `collectRows` gives them, from annotated CSV, through the client's own parser. */
async function rowsOf(csv: string): Promise<FluxRow[]> {
  async function* lines(): AsyncGenerator<string> {
    for (const line of csv.split('\n')) yield line;
  }
  const rows: FluxRow[] = [];
  for await (const { values, tableMeta } of linesToRowsIterable(lines())) rows.push(tableMeta.toObject(values));
  return rows;
}

const ms = (iso: string) => Date.parse(iso);

// Two fields of one device, long form, one table each; the second Humidity row is a gap.
const LONG = `#datatype,string,long,dateTime:RFC3339,double,string,string,string
#group,false,false,false,false,true,true,true
#default,_result,,,,,,
,result,table,_time,_value,_field,_measurement,clientId
,,0,2024-03-10T12:00:00Z,21.5,Temperature,environment,dev1
,,0,2024-03-10T12:01:00Z,21.7,Temperature,environment,dev1
,,1,2024-03-10T12:00:00Z,45,Humidity,environment,dev1
,,1,2024-03-10T12:01:00Z,,Humidity,environment,dev1
,,1,2024-03-10T12:02:00.5Z,46.5,Humidity,environment,dev1
`;

// The same data pivoted by fieldsAsCols, with a text tag column.
const PIVOTED = `#datatype,string,long,dateTime:RFC3339,string,string,double,double
#group,false,false,false,true,false,false,false
#default,_result,,,,,,
,result,table,_time,clientId,TemperatureSensor,Temperature,Humidity
,,0,2024-03-10T12:01:00Z,dev1,virtual_TemperatureSensor,21.7,
,,0,2024-03-10T12:00:00Z,dev1,,21.5,45
`;

const ERROR = `#datatype,string,string
#group,true,true
#default,,
,error,reference
,"runtime error @4:6-4:12: max: column _time does not exist",897
`;

describe('query result shapes', () => {
  it('gives plain rows without the result and table annotations', async () => {
    const rows = plainRows(await rowsOf(LONG));
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], {
      _time: '2024-03-10T12:00:00Z',
      _value: 21.5,
      _field: 'Temperature',
      _measurement: 'environment',
      clientId: 'dev1',
    });
  });

  it('splits rows into one payload per table', async () => {
    const tables = rowsPerTable(await rowsOf(LONG));
    assert.deepEqual(
      tables.map((t) => [t.result, t.table, t.rows.length]),
      [
        ['_result', 0, 2],
        ['_result', 1, 3],
      ],
    );
    assert.equal(tables[1].rows[0]._field, 'Humidity');
    assert.ok(!('table' in tables[1].rows[0]));
  });

  it('gives node-red-dashboard ui_chart data: one line per field, x in ms, a gap as null', async () => {
    assert.deepEqual(toUiChart(await rowsOf(LONG)), [
      {
        series: ['Temperature', 'Humidity'],
        data: [
          [
            { x: ms('2024-03-10T12:00:00Z'), y: 21.5 },
            { x: ms('2024-03-10T12:01:00Z'), y: 21.7 },
          ],
          [
            { x: ms('2024-03-10T12:00:00Z'), y: 45 },
            { x: ms('2024-03-10T12:01:00Z'), y: null },
            { x: ms('2024-03-10T12:02:00.5Z'), y: 46.5 },
          ],
        ],
        labels: [''],
      },
    ]);
  });

  it('gives ui_chart data from pivoted rows, one line per numeric column, oldest first', async () => {
    const [chart] = toUiChart(await rowsOf(PIVOTED));
    assert.deepEqual(chart.series, ['Temperature', 'Humidity']);
    assert.deepEqual(chart.data[0], [
      { x: ms('2024-03-10T12:00:00Z'), y: 21.5 },
      { x: ms('2024-03-10T12:01:00Z'), y: 21.7 },
    ]);
    assert.deepEqual(chart.data[1], [
      { x: ms('2024-03-10T12:00:00Z'), y: 45 },
      { x: ms('2024-03-10T12:01:00Z'), y: null },
    ]);
  });

  it('gives an empty ui_chart payload, which clears the chart, for no rows', () => {
    assert.deepEqual(toUiChart([]), []);
  });

  it('gives Dashboard 2.0 ui-chart points sorted by time, without gaps', async () => {
    assert.deepEqual(toDashboard2Chart(await rowsOf(LONG)), [
      { series: 'Temperature', x: ms('2024-03-10T12:00:00Z'), y: 21.5 },
      { series: 'Humidity', x: ms('2024-03-10T12:00:00Z'), y: 45 },
      { series: 'Temperature', x: ms('2024-03-10T12:01:00Z'), y: 21.7 },
      { series: 'Humidity', x: ms('2024-03-10T12:02:00.5Z'), y: 46.5 },
    ]);
  });

  it('names series by several columns when asked', async () => {
    const points = toDashboard2Chart(await rowsOf(LONG), { seriesBy: ['clientId', '_field'] });
    assert.deepEqual([...new Set(points.map((p) => p.series))], ['dev1 Temperature', 'dev1 Humidity']);
  });

  it('keeps only the fields asked for', async () => {
    const points = toDashboard2Chart(await rowsOf(PIVOTED), { fields: ['Humidity'] });
    assert.deepEqual(points, [{ series: 'Humidity', x: ms('2024-03-10T12:00:00Z'), y: 45 }]);
  });

  it('gives the newest value of each field for gauges', async () => {
    assert.deepEqual(toGaugeValues(await rowsOf(LONG)), {
      Temperature: { value: 21.7, time: ms('2024-03-10T12:01:00Z') },
      Humidity: { value: 46.5, time: ms('2024-03-10T12:02:00.5Z') },
    });
  });

  it('gives gauge values from pivoted rows whatever their order, skipping gaps', async () => {
    assert.deepEqual(toGaugeValues(await rowsOf(PIVOTED)), {
      Temperature: { value: 21.7, time: ms('2024-03-10T12:01:00Z') },
      Humidity: { value: 45, time: ms('2024-03-10T12:00:00Z') },
    });
  });

  it('shapes by format name for the query node', async () => {
    const rows = await rowsOf(LONG);
    assert.equal(shapeResult(rows, 'rows').format, 'rows');
    const tables = shapeResult(rows, 'tables');
    assert.ok(tables.format === 'tables' && tables.payloads.length === 2);
    const gauge = shapeResult(rows, 'gauge');
    assert.ok(gauge.format === 'gauge' && gauge.payload.Temperature.value === 21.7);
  });
});

describe('in-band Flux errors', () => {
  it("become a FluxResultError with InfluxDB's message and reference", async () => {
    const rows = await rowsOf(ERROR);
    assert.throws(
      () => assertNoFluxError(rows),
      (e: unknown) =>
        e instanceof FluxResultError &&
        e.code === 'flux_error' &&
        e.reference === '897' &&
        e.message ===
          'the Flux query failed in InfluxDB: runtime error @4:6-4:12: max: column _time does not exist (reference 897)',
    );
  });

  it('stop every output shape', async () => {
    const rows = await rowsOf(ERROR);
    for (const shape of [plainRows, rowsPerTable, toUiChart, toDashboard2Chart, toGaugeValues]) {
      assert.throws(() => shape(rows), FluxResultError);
    }
  });

  it('are not confused with data that has a tag named error', () => {
    assert.doesNotThrow(() =>
      assertNoFluxError([{ _time: '2024-03-10T12:00:00Z', _value: 1, error: 'E42', reference: 'x' }]),
    );
  });
});
