import assert from 'node:assert/strict';
import { column, FluxFixture } from './flux-harness';

describe('flux engine: dictionaries and bytes, the values display(v:) shows', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  const value = async (expression: string) => {
    const query = `import "array"\nimport "dict"\nimport "internal/debug"\narray.from(rows: [{x: ${expression}}])`;
    return column((await fixture.tables(query))[0], 'x')[0];
  };

  it('keeps a dictionary ordered by key, a repeated key keeping its last value', async () => {
    assert.equal(await value('display(v: ["b": 1, "a": 2, "b": 3])'), '[a: 2, b: 3]');
    assert.equal(await value('display(v: [2.5: "x", -1.0: "y"])'), '[-1: y, 2.5: x]');
    assert.equal(
      await value('display(v: [2020-01-02T00:00:00Z: 2, 2020-01-01T00:00:00Z: 1])'),
      '[2020-01-01T00:00:00.000000000Z: 1, 2020-01-02T00:00:00.000000000Z: 2]',
    );
  });

  it('reads, inserts and removes with the dict package, leaving the original as it was', async () => {
    const d = '["a": 1, "b": 2]';
    assert.equal(await value(`dict.get(dict: ${d}, key: "b", default: 0)`), 2n);
    assert.equal(await value(`dict.get(dict: ${d}, key: "z", default: 0)`), 0n);
    assert.equal(await value(`display(v: dict.insert(dict: ${d}, key: "c", value: 3))`), '[a: 1, b: 2, c: 3]');
    assert.equal(await value(`display(v: dict.insert(dict: ${d}, key: "a", value: 9))`), '[a: 9, b: 2]');
    assert.equal(await value(`display(v: dict.remove(dict: ${d}, key: "a"))`), '[b: 2]');
    assert.equal(await value(`display(v: dict.remove(dict: ${d}, key: "z"))`), '[a: 1, b: 2]');
    assert.equal(
      await value('display(v: dict.fromList(pairs: [{key: "y", value: 1}, {key: "x", value: 2}]))'),
      '[x: 2, y: 1]',
    );
    assert.equal(await value('display(v: dict.insert(dict: [:], key: 1, value: "one"))'), '[1: one]');
  });

  it('reads the row columns a row function uses inside a dictionary literal', async () => {
    const tables = await fixture.tables(
      'import "array"\nimport "dict"\narray.from(rows: [{v: 7, w: 1}]) |> map(fn: (r) => ({x: dict.get(dict: ["k": r.v], key: "k", default: 0)}))',
    );
    assert.deepEqual(column(tables[0], 'x'), [7n]);
  });

  it('refuses null keys, keys of two types and keys that cannot be ordered', async () => {
    await assert.rejects(
      value('display(v: dict.fromList(pairs: [{key: debug.null(type: "string"), value: 1}]))'),
      /null value cannot be used as a dictionary key/,
    );
    await assert.rejects(value('display(v: [{a: 1}.b: 1])'), /null value cannot be used as a dictionary key/);
    await assert.rejects(value('display(v: ["a": 1, 2: 2])'), /dictionary keys must all have one type/);
    await assert.rejects(
      value('display(v: [true: 1])'),
      /a dictionary key must be an int, uint, float, string or time/,
    );
    await assert.rejects(value('dict.get(dict: {a: 1}, key: "a", default: 0)'), /argument dict must be a dictionary/);
    // A pair without a value passes the type check and is refused when it runs; literals of another type are
    // refused by the type check, with Flux's message.
    for (const [pairs, message] of [
      ['[{key: "a"}]', /argument pairs must be an array of \{key, value\} records/],
      ['[1]', /expected \{key: A, value: B\} \(record\) but found int \(argument pairs\)/],
      ['"a"', /expected \[\{key: A, value: B\}\] \(array\) but found string \(argument pairs\)/],
    ] as const) {
      await assert.rejects(value(`display(v: dict.fromList(pairs: ${pairs}))`), message, pairs);
    }
  });

  it('makes bytes of a string with bytes(), and a string of UTF-8 bytes with string()', async () => {
    assert.equal(await value('display(v: bytes(v: "héllo"))'), '0x68c3a96c6c6f');
    assert.equal(await value('string(v: bytes(v: "héllo"))'), 'héllo');
    await assert.rejects(value('bytes(v: 1)'), /cannot convert int to bytes/);
  });

  it('keeps dictionaries and bytes out of tables, as Flux does', async () => {
    await assert.rejects(value('["a": 1]'), /is (dict|bytes) type which is not supported in a flux table/);
    await assert.rejects(value('bytes(v: "a")'), /is (dict|bytes) type which is not supported in a flux table/);
  });
});
