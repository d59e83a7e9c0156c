import assert from 'node:assert/strict';
import { column, FluxFixture, labels } from './flux-harness';

/** Two groups (k: a, b) of rows with an int v and a string s. */
const ROWS = `import "array"
data = array.from(rows: [
    {k: "a", v: 1, s: "x"},
    {k: "a", v: 3, s: "y"},
    {k: "b", v: 10, s: "z"},
])
`;

describe('flux engine: label literals (.name), which Flux runs as the string of the name', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  const value = async (expression: string) => {
    const tables = await fixture.tables(`${ROWS}array.from(rows: [{x: ${expression}}])`);
    return column(tables[0], 'x')[0];
  };

  it('converts to its name with string(), and equals the string of its name', async () => {
    assert.equal(await value('string(v: .myLabel)'), 'myLabel');
    assert.equal(await value('.myLabel'), 'myLabel');
    assert.equal(await value('.a == "a"'), true);
    assert.equal(await value('.a == .b'), false);
    assert.equal(await value('.a + "b"'), 'ab');
    assert.equal(await value('display(v: [.x, .y])'), '[x, y]');
  });

  it('may be written with a string, for names that are not identifiers', async () => {
    assert.equal(await value('string(v: ."with space")'), 'with space');
  });

  it('names columns in the arguments of transformations', async () => {
    const grouped = await fixture.tables(`${ROWS}data |> group(columns: [.k]) |> sum(column: .v)`);
    assert.deepEqual(
      grouped.map((t) => column(t, 'v')[0]),
      [4n, 10n],
    );
    const kept = await fixture.tables(`${ROWS}data |> keep(columns: [.k, .s])`);
    assert.deepEqual(labels(kept[0]), ['k', 's']);
  });

  it('is a string to the operators too: a label minus a number is refused as a string would be', async () => {
    await assert.rejects(fixture.tables(`${ROWS}array.from(rows: [{x: .a - 1}])`), /string is not Subtractable/);
  });
});
