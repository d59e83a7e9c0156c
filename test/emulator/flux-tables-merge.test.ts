/** mergeTablesByKey (emulator/flux/tables/merge.ts): the one place tables that share a group key become one. */
import assert from 'node:assert/strict';
import { mergeTablesByKey } from '../../emulator/flux/tables/merge';
import { makeTable } from '../../emulator/flux/tables/build';
import type { Column } from '../../emulator/flux/table';

const T: Column = { label: '_time', type: 'dateTime:RFC3339' };
const V: Column = { label: '_value', type: 'double' };
const M: Column = { label: '_measurement', type: 'string' };
const H: Column = { label: 'host', type: 'string' };

describe('flux tables: mergeTablesByKey', () => {
  it('leaves tables with distinct keys alone, in order', () => {
    const a = makeTable([M, T, V], ['_measurement'], [['a', 1n, 1]]);
    const b = makeTable([M, T, V], ['_measurement'], [['b', 1n, 2]]);
    assert.deepEqual(mergeTablesByKey([a, b]), [a, b]);
  });

  it('appends tables that share a key, in arrival order, at the place of the first', () => {
    const a = makeTable([M, T, V], ['_measurement'], [['a', 1n, 1]]);
    const b = makeTable([M, T, V], ['_measurement'], [['b', 1n, 2]]);
    const a2 = makeTable([M, T, V], ['_measurement'], [['a', 2n, 3]]);
    const [first, second] = mergeTablesByKey([a, b, a2]);
    assert.deepEqual(first.rows, [
      ['a', 1n, 1],
      ['a', 2n, 3],
    ]);
    assert.deepEqual(first.keyValues, ['a']);
    assert.equal(second, b);
  });

  it('takes the union of columns (first-seen order) and fills a column missing from a part with null', () => {
    const a = makeTable([M, T, V], ['_measurement'], [['a', 1n, 1]]);
    const b = makeTable([M, H, T], ['_measurement'], [['a', 'h', 2n]]);
    const [merged] = mergeTablesByKey([a, b]);
    assert.deepEqual(
      merged.columns.map((c) => c.label),
      ['_measurement', '_time', '_value', 'host'],
    );
    assert.deepEqual(merged.rows, [
      ['a', 1n, 1, null],
      ['a', 2n, null, 'h'],
    ]);
  });

  it('matches keys by label, type and value, whatever the column order', () => {
    const a = makeTable([M, H, V], ['_measurement', 'host'], [['a', 'h', 1]]);
    const b = makeTable([H, V, M], ['host', '_measurement'], [['h', 2, 'a']]);
    assert.equal(mergeTablesByKey([a, b]).length, 1);
    const other = makeTable([{ label: 'host', type: 'long' }, M], ['host', '_measurement'], [[1n, 'a']]);
    assert.equal(mergeTablesByKey([a, other]).length, 2);
  });

  it('is a schema collision when one label has two types, with Flux type names', () => {
    const a = makeTable([M, V], ['_measurement'], [['a', 1]]);
    const b = makeTable([M, { label: '_value', type: 'long' }], ['_measurement'], [['a', 1n]]);
    assert.throws(
      () => mergeTablesByKey([a, b]),
      /schema collision detected: column "_value" is both of type int and float/,
    );
  });

  it('gives a table without columns no rows', () => {
    const empty = { columns: [], keyColumns: [], keyValues: [], rows: [[], []] };
    const [merged] = mergeTablesByKey([empty, { ...empty }]);
    assert.deepEqual(merged.rows, []);
    assert.deepEqual(mergeTablesByKey([empty])[0].rows, []);
  });
});
