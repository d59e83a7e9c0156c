import assert from 'node:assert/strict';
import { column, FluxFixture } from './flux-harness';

describe('flux engine: display(v:), as Flux v0.196 values/display.go', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  /** The text display(v:) gives for a Flux expression. */
  const displayed = async (call: string) => {
    const query = `import "array"\narray.from(rows: [{d: ${call}}])`;
    return column((await fixture.tables(query))[0], 'd')[0];
  };
  const shown = (expression: string) => displayed(`display(v: ${expression})`);

  it('shows scalars as Go prints them: strings bare, times with nine fraction digits', async () => {
    assert.equal(await shown('"say \\"hi\\""'), 'say "hi"');
    assert.equal(await shown('-42'), '-42');
    assert.equal(await shown('uint(v: 7)'), '7');
    assert.equal(await shown('true'), 'true');
    assert.equal(await shown('2020-01-01T00:00:00Z'), '2020-01-01T00:00:00.000000000Z');
    assert.equal(await shown('1y2mo3d4h'), '1y2mo3d4h');
    assert.equal(await shown('0s'), '0ns');
    assert.equal(await shown('/a+b/'), 'a+b');
  });

  it('shows floats as Go %v: exponent below 1e-4 and from 1e6 on', async () => {
    assert.equal(await shown('1.5'), '1.5');
    assert.equal(await shown('2.0'), '2');
    assert.equal(await shown('123456.0'), '123456');
    assert.equal(await shown('1000000.0'), '1e+06');
    assert.equal(await shown('1234567.5'), '1.2345675e+06');
    assert.equal(await shown('0.0001'), '0.0001');
    assert.equal(await shown('0.000015'), '1.5e-05');
    assert.equal(await shown('-1.0 / 0.0'), '-Inf');
  });

  it('shows null as <null> and a table stream as <stream>', async () => {
    assert.equal(await shown('{a: 1}.b'), '<null>');
    assert.equal(await shown('array.from(rows: [{a: 1}])'), '<stream>');
  });

  it('shows empty composites, and up to three members on one line with sorted record labels', async () => {
    assert.equal(await shown('{}'), '{}');
    assert.equal(await shown('[]'), '[]');
    assert.equal(await shown('{c: 3, a: "x", b: 2.5}'), '{a: x, b: 2.5, c: 3}');
    assert.equal(await shown('["a", "b"]'), '[a, b]');
  });

  it('lays out more than three members one a line, nested ones one indent deeper', async () => {
    assert.equal(await shown('[1, 2, 3, 4]'), '[\n    1,\n    2,\n    3,\n    4\n]');
    assert.equal(
      await shown('{d: [1, 2, 3, 4], a: {x: 1}, b: [], c: "s"}'),
      '{\n    a: {x: 1},\n    b: [],\n    c: s,\n    d: [\n        1,\n        2,\n        3,\n        4\n    ]\n}',
    );
  });

  it('shows bytes as 0x and lower-case hex, dictionaries as [k: v] in key order ([:] when empty)', async () => {
    assert.equal(await shown('bytes(v: "abc")'), '0x616263');
    assert.equal(await shown('bytes(v: "")'), '0x');
    assert.equal(await shown('[:]'), '[:]');
    assert.equal(await shown('["b": 2, "a": 1]'), '[a: 1, b: 2]');
    assert.equal(await shown('[2: "two", 10: "ten", -1: "minus one"]'), '[-1: minus one, 2: two, 10: ten]');
  });

  // Every level of nesting adds an indent, on one line or not (values/display.go): the array inside the
  // one-line dictionary d is two levels deep.
  it('lays out a dictionary of more than three entries one a line, after ", " (a trailing space, as Go)', async () => {
    assert.equal(await shown('["d": 4, "c": 3, "b": 2, "a": 1]'), '[\n    a: 1, \n    b: 2, \n    c: 3, \n    d: 4\n]');
    assert.equal(
      await shown('{b: bytes(v: "abc"), s: "str", a: [1, 2, 3], d: ["a": [1, 2, 3, 4]]}'),
      '{\n    a: [1, 2, 3],\n    b: 0x616263,\n    d: [a: [\n            1,\n            2,\n            3,\n            4\n        ]],\n    s: str\n}',
    );
  });

  it('refuses a missing v, and a function (whose type the emulator does not keep)', async () => {
    await assert.rejects(displayed('display()'), /missing required argument v/);
    await assert.rejects(shown('(x) => x'), /display of a function is not supported by the emulator/);
  });

  it('takes length() by pipe, as findColumn testcases use it', async () => {
    const rows = await fixture.tables('import "array"\narray.from(rows: [{n: [1, 2, 3] |> length()}])');
    assert.deepEqual(column(rows[0], 'n'), [3n]);
  });
});
