import assert from 'node:assert/strict';
import { Point } from '@influxdata/influxdb-client';
import { RowLimitError, streamRows } from '../../lib/query/collect-rows';
import { queryShaped } from '../../lib/query/query-shaped';
import { type FluxRow, OUTPUT_FORMATS, shapeResult } from '../../lib/query/shape';
import { SliceBudget } from '../../lib/query/slice-budget';
import { type Onboarded, startOnboarded } from '../support/emulator';

const T0 = Date.UTC(2024, 2, 10);
const MINUTES = 5400;

/** Temperature every minute, Humidity missing every 7th minute: about 10,000 long-form rows, in one request. */
async function seed(influx: Onboarded): Promise<void> {
  const api = influx.influx.getWriteApi(influx.org, influx.bucket, 'ms', { batchSize: MINUTES + 1 });
  for (let i = 0; i < MINUTES; i++) {
    const point = new Point('environment')
      .tag('clientId', 'big')
      .floatField('Temperature', 20 + (i % 50) / 10)
      .timestamp(new Date(T0 + i * 60_000));
    if (i % 7 !== 0) point.floatField('Humidity', 40 + (i % 30));
    api.writePoint(point);
  }
  await api.close();
}

const range = `range(start: ${new Date(T0).toISOString()}, stop: ${new Date(T0 + MINUTES * 60_000).toISOString()})`;
const LONG = `from(bucket: "my-bucket") |> ${range} |> filter(fn: (r) => r.clientId == "big")`;
const PIVOTED = `import "influxdata/influxdb/v1"\n${LONG} |> v1.fieldsAsCols()`;

describe('query result streamed and shaped in slices', () => {
  let influx: Onboarded;
  let longRows: FluxRow[];

  before(async () => {
    influx = await startOnboarded();
    await seed(influx);
    longRows = await influx.influx.getQueryApi(influx.org).collectRows<FluxRow>(LONG);
    assert.ok(longRows.length >= 10_000, `${longRows.length} rows`);
  });
  after(() => influx.emulator.close());

  const api = () => influx.influx.getQueryApi(influx.org);

  for (const [kind, flux] of [
    ['long-form', LONG],
    ['pivoted', PIVOTED],
  ]) {
    it(`gives, in each output shape, what shaping the ${kind} rows in one go gives`, async () => {
      const rows = await api().collectRows<FluxRow>(flux);
      for (const format of OUTPUT_FORMATS) {
        const streamed = await queryShaped(api(), flux, { format, rowLimit: 0 });
        assert.equal(streamed.rows, rows.length);
        assert.deepEqual(streamed.shaped, shapeResult(rows, format), format);
        assert.ok(streamed.yields >= Math.floor(rows.length / 1000), `${format}: gave way ${streamed.yields} times`);
      }
    });
  }

  it('lets the event loop turn between every 1,000 rows it reads', async () => {
    let turns = 0;
    let handle = setImmediate(function turn() {
      turns++;
      handle = setImmediate(turn);
    });
    // The turn each row arrived in: no turn may see more rows than a slice holds.
    const rowsPerTurn = new Map<number, number>();
    try {
      const count = await streamRows(api(), LONG, {
        limit: 0,
        onRow: () => rowsPerTurn.set(turns, (rowsPerTurn.get(turns) ?? 0) + 1),
        budget: new SliceBudget({ units: 1000, ms: 5 }),
      });
      assert.equal(count, longRows.length);
    } finally {
      clearImmediate(handle);
    }
    assert.ok(Math.max(...rowsPerTurn.values()) <= 1000, `most rows in one turn: ${Math.max(...rowsPerTurn.values())}`);
    assert.ok(rowsPerTurn.size >= 10);
  });

  it('stops reading at the row limit: no row past it reaches the shaping', async () => {
    let seen = 0;
    await assert.rejects(
      streamRows(api(), LONG, { limit: 100, onRow: () => seen++, budget: new SliceBudget() }),
      (e: unknown) => e instanceof RowLimitError && e.limit === 100,
    );
    assert.equal(seen, 100);
  });

  it('stops reading at an error thrown for a row, with that error', async () => {
    let seen = 0;
    const refusal = new Error('no more');
    await assert.rejects(
      streamRows(api(), LONG, {
        limit: 0,
        onRow: () => {
          if (++seen === 2500) throw refusal;
        },
        budget: new SliceBudget(),
      }),
      (e: unknown) => e === refusal,
    );
    assert.equal(seen, 2500);
  });

  it('collects every row when no slice budget is given', async () => {
    let seen = 0;
    assert.equal(await streamRows(api(), LONG, { limit: 0, onRow: () => seen++ }), longRows.length);
    assert.equal(seen, longRows.length);
  });
});
