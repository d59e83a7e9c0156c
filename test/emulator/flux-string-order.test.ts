/**
 * Strings order as in Go, by their UTF-8 bytes (code points), wherever the emulator orders them: sort(), dictionary
 * keys, record labels in display. JavaScript's `<` compares UTF-16 units and puts a character past U+FFFF (😀)
 * before one in U+E000..U+FFFF (～).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareStrings } from '../../emulator/flux/tables/compare';
import { column, FluxFixture } from './flux-harness';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('string order', () => {
  it('is the order of the UTF-8 bytes, for any strings', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'z', 'é', '～', '\uE000', '😀', '𝄞', '\u07FF', '\uFFFF') });
    fc.assert(
      fc.property(text, text, (a, b) => {
        assert.equal(Math.sign(compareStrings(a, b)), byBytes(a, b), JSON.stringify([a, b]));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        assert.equal(Math.sign(compareStrings(a, b)), byBytes(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  describe('in queries', () => {
    let fixture: FluxFixture;
    beforeEach(() => {
      fixture = new FluxFixture();
    });
    afterEach(() => fixture.close());

    it('sorts a string column as Flux does', async () => {
      const [t] = await fixture.tables(
        'import "array"\narray.from(rows: [{s: "😀"}, {s: "～"}, {s: "a"}]) |> sort(columns: ["s"])',
      );
      assert.deepEqual(column(t, 's'), ['a', '～', '😀']);
    });

    it('displays dictionary keys and record labels in that order', async () => {
      const [t] = await fixture.tables(
        'import "array"\narray.from(rows: [{d: display(v: ["😀": 2, "～": 1]), r: display(v: {"😀": 2, "～": 1})}])',
      );
      assert.deepEqual([column(t, 'd'), column(t, 'r')], [['[～: 1, 😀: 2]'], ['{～: 1, 😀: 2}']]);
    });
  });
});
