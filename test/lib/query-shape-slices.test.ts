import assert from 'node:assert/strict';
import { createRowShaper, shapeRowsInSlices } from '../../lib/query/row-shaper';
import { type FluxRow, OUTPUT_FORMATS, type SeriesOptions, shapeResult } from '../../lib/query/shape';
import { SliceBudget } from '../../lib/query/slice-budget';
import { sortInSlices } from '../../lib/query/sort-in-slices';

const T0 = Date.UTC(2024, 2, 10);
const iso = (ms: number): string => new Date(ms).toISOString();

/** A deterministic sequence in [0, 1) (a linear congruential generator), so every run shapes the same rows. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * 10,000 long-form rows as the client gives them: four numeric fields of two devices, one table each,
 * tables one after another (so the chart must sort), every 9th value a gap, and a text field that is no series.
 */
function longRows(): FluxRow[] {
  const random = sequence(7);
  const rows: FluxRow[] = [];
  let table = 0;
  for (const clientId of ['dev1', 'dev2']) {
    for (const field of ['Temperature', 'Humidity', 'CO2', 'Status']) {
      for (let i = 0; i < 1250; i++) {
        const text = field === 'Status';
        rows.push({
          result: '_result',
          table,
          _start: iso(T0),
          _stop: iso(T0 + 1250 * 60_000),
          // Two rows share each minute now and then: equal times must keep the order of the result.
          _time: iso(T0 + (i - (i % 5 === 0 ? 1 : 0)) * 60_000),
          _value: text ? (i % 2 ? 'ok' : 'warn') : i % 9 === 0 ? null : Math.round(random() * 1000) / 10,
          _field: field,
          _measurement: 'environment',
          clientId,
        });
      }
      table++;
    }
  }
  return rows;
}

/**
 * 10,000 pivoted rows (fieldsAsCols) of two devices: numeric columns with gaps, a text tag, a text field
 * that is mostly null, a column that is always null (not a series), rows of the two devices interleaved.
 */
function pivotedRows(): FluxRow[] {
  const random = sequence(11);
  const rows: FluxRow[] = [];
  for (let i = 0; i < 5000; i++) {
    for (const [table, clientId] of ['dev1', 'dev2'].entries()) {
      rows.push({
        result: '_result',
        table,
        _start: iso(T0),
        _stop: iso(T0 + 5000 * 60_000),
        _time: iso(T0 + (table === 0 ? i : 4999 - i) * 60_000),
        _measurement: 'environment',
        clientId,
        TemperatureSensor: i % 3 ? 'virtual_TemperatureSensor' : null,
        Temperature: Math.round(random() * 400) / 10,
        Humidity: i % 7 === 0 ? null : Math.round(random() * 1000) / 10,
        Status: i % 10 === 0 ? 'ok' : null,
        Unused: null,
      });
    }
  }
  return rows;
}

const OPTIONS: Array<[string, SeriesOptions]> = [
  ['default options', {}],
  ['series named by device and field', { seriesBy: ['clientId', '_field'] }],
  ['only some fields', { fields: ['Humidity', 'dev2 CO2', 'CO2'] }],
];

/** Counts turns of the event loop (a setImmediate chain) until stopped. */
function countTurns(): { stop: () => number } {
  let turns = 0;
  let handle = setImmediate(function turn() {
    turns++;
    handle = setImmediate(turn);
  });
  return {
    stop: () => {
      clearImmediate(handle);
      return turns;
    },
  };
}

describe('query result shaped in slices', () => {
  const results: Array<[string, () => FluxRow[]]> = [
    ['long-form', longRows],
    ['pivoted', pivotedRows],
  ];
  for (const [kind, rowsOf] of results) {
    for (const format of OUTPUT_FORMATS) {
      for (const [what, options] of OPTIONS) {
        it(`gives the same ${format} as shaping in one go, for 10,000 ${kind} rows with ${what}`, async () => {
          const rows = rowsOf();
          assert.equal(rows.length, 10_000);
          assert.deepEqual(await shapeRowsInSlices(rows, format, options), shapeResult(rows, format, options));
        });
      }
    }
  }

  it('gives the same output as shaping in one go for an empty result', async () => {
    for (const format of OUTPUT_FORMATS) assert.deepEqual(await shapeRowsInSlices([], format), shapeResult([], format));
  });

  it('lets the event loop turn at least once per 1,000 rows while it shapes 10,000 rows in each format', async () => {
    for (const [kind, rowsOf] of results) {
      const rows = rowsOf();
      for (const format of OUTPUT_FORMATS) {
        const turns = countTurns();
        await shapeRowsInSlices(rows, format);
        assert.ok(turns.stop() >= 10, `${kind} ${format}: the event loop turned too rarely`);
      }
    }
  });

  it('is a contrast to shaping in one go, during which the event loop never turns', () => {
    const turns = countTurns();
    shapeResult(pivotedRows(), 'chart');
    assert.equal(turns.stop(), 0);
  });

  it('stops at an in-band error row with the error shaping in one go gives', () => {
    const rows = [...longRows().slice(0, 20), { result: '_result', table: 9, error: 'out of memory', reference: '7' }];
    for (const format of OUTPUT_FORMATS) {
      const shaper = createRowShaper(format);
      let thrown: unknown;
      try {
        for (const row of rows) shaper.add(row);
      } catch (e) {
        thrown = e;
      }
      assert.throws(() => shapeResult(rows, format), { message: (thrown as Error | undefined)?.message });
      assert.match(String(thrown), /the Flux query failed in InfluxDB: out of memory \(reference 7\)/);
    }
  });
});

describe('sort in slices', () => {
  it('gives the order of Array.prototype.sort, equal keys in their first order, for any length', async () => {
    for (const length of [0, 1, 511, 512, 513, 1500, 10_000]) {
      const random = sequence(length + 1);
      const items = Array.from({ length }, (_, index) => ({ key: Math.floor(random() * 50), index }));
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
      assert.deepEqual(await sortInSlices(items, byKey, new SliceBudget()), [...items].sort(byKey), `length ${length}`);
    }
  });

  it('gives way to the event loop while it sorts', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => 10_000 - i);
    const budget = new SliceBudget({ units: 1000, ms: 5 });
    await sortInSlices(items, (a, b) => a - b, budget);
    assert.ok(budget.yields >= 10, `gave way ${budget.yields} times`);
  });
});
