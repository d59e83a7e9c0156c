/**
 * Where a write body's lines end (OSS models/points.go `scanLine`), pinned at the edges: backslashes
 * before newlines, at the very start and the very end of a body, quotes that do and do not open a
 * string value, blank and comment lines (found by mutation testing, see TESTING.md).
 */
import assert from 'node:assert/strict';
import { parseLineProtocol } from '../../emulator/lineprotocol/parse';
import type { FieldValue } from '../../emulator/storage/types';

const NOW = 1_700_000_000_123_456_789n;

/** Each parsed point as `measurement tags fields`, and the errors, for compact comparisons. */
function parse(body: string): { points: string[]; errors: string[] } {
  const { points, errors } = parseLineProtocol(body, 'ns', NOW);
  const value = (v: FieldValue): string => JSON.stringify(String(v.value));
  return {
    points: points.map(
      (p) =>
        `${JSON.stringify(p.measurement)} ${p.tags.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')} ` +
        [...p.fields].map(([k, v]) => `${k}=${value(v)}`).join(','),
    ),
    errors,
  };
}

describe('line protocol: where lines end', () => {
  it('splits plain lines at each newline', () => {
    assert.deepEqual(parse('a f=1\nb f=2\nc f=3'), {
      points: ['"a"  f="1"', '"b"  f="2"', '"c"  f="3"'],
      errors: [],
    });
  });

  it('skips empty lines, blank lines and comments, at the start, between lines and at the end', () => {
    assert.deepEqual(parse('\n\n  \n# c f=1\na f=1\n\n\t\n  # indented comment\nb f=2\n\n'), {
      points: ['"a"  f="1"', '"b"  f="2"'],
      errors: [],
    });
    assert.deepEqual(parse(''), { points: [], errors: [] });
    assert.deepEqual(parse('\n'), { points: [], errors: [] });
  });

  it('joins the next line to a backslash before a newline, and strips a newline that then ends the block', () => {
    assert.deepEqual(parse('m f=1\\\n\nn f=2'), {
      points: ['"n"  f="2"'],
      errors: ["unable to parse 'm f=1\\': invalid number"],
    });
    assert.deepEqual(parse('m,t=a\\\nb f=1'), { points: ['"m" t="a\\\\\\nb" f="1"'], errors: [] });
  });

  it('lets a backslash-newline at the very start of a body escape into the measurement', () => {
    assert.deepEqual(parse('\\\nm f=1\nn f=2'), { points: ['"\\\\\\nm"  f="1"', '"n"  f="2"'], errors: [] });
  });

  it('does not let a backslash that is the last byte run past the end of the body', () => {
    assert.deepEqual(parse('m f=1 \\'), { points: [], errors: ["unable to parse 'm f=1 \\': bad timestamp"] });
    assert.deepEqual(parse('a f=1\nm f=1 \\'), {
      points: ['"a"  f="1"'],
      errors: ["unable to parse 'm f=1 \\': bad timestamp"],
    });
    assert.deepEqual(parse('m f="x\\'), { points: [], errors: ["unable to parse 'm f=\"x\\': unbalanced quotes"] });
  });

  it('ends a line at a newline that follows a backslash as the second last byte', () => {
    assert.deepEqual(parse('m f=1\\\n'), { points: [], errors: ["unable to parse 'm f=1\\': invalid number"] });
  });

  it('keeps a newline inside a quoted string value, and ends the line after the closing quote', () => {
    assert.deepEqual(parse('m f="a\nb"\nn f=2'), { points: ['"m"  f="a\\nb"', '"n"  f="2"'], errors: [] });
    assert.deepEqual(parse('m f="a\\"\nb"\nn f=2'), { points: ['"m"  f="a\\"\\nb"', '"n"  f="2"'], errors: [] });
  });

  it('does not open a string at a quote in the measurement, a tag or a field key', () => {
    assert.deepEqual(parse('"m f=1\nn f=2'), { points: ['"\\"m"  f="1"', '"n"  f="2"'], errors: [] });
    assert.deepEqual(parse('m,t="x f=1\nn f=2'), { points: ['"m" t="\\"x" f="1"', '"n"  f="2"'], errors: [] });
    assert.deepEqual(parse('m,t=x "f=1\nn f=2').points.slice(-1), ['"n"  f="2"']);
  });

  it('opens a string at a quote after the equals sign of a later field', () => {
    assert.deepEqual(parse('m a=1,b="x\ny"\nn f=2'), { points: ['"m"  a="1",b="x\\ny"', '"n"  f="2"'], errors: [] });
  });

  it('finds line ends after a quote or backslash far back in the body as well as before', () => {
    const plain = Array.from({ length: 50 }, (_, i) => `p${i} f=${i}`).join('\n');
    const body = `q s="a\nb"\n${plain}\nr,t=x\\ y f=1\n${plain}\nlast s="z"`;
    const { points, errors } = parse(body);
    assert.deepEqual(errors, []);
    assert.equal(points.length, 103);
    assert.deepEqual([points[0], points[51], points[102]], ['"q"  s="a\\nb"', '"r" t="x y" f="1"', '"last"  s="z"']);
  });

  it('keeps a carriage return before the newline in the line, as OSS does', () => {
    assert.deepEqual(parse('m f=1\r\nn f=2'), {
      points: ['"n"  f="2"'],
      errors: ["unable to parse 'm f=1\r': invalid number"],
    });
  });
});
