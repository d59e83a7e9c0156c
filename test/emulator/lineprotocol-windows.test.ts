/**
 * parseWriteBody reads a body in windows of its bytes (emulator/lineprotocol/parse.ts `readWindow`), so
 * that a large body never becomes one large string. Where the windows end must not show: a body read in
 * windows of any size gives the same points and the same errors as the same body read whole.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseWriteBody } from '../../emulator/lineprotocol/parse';
import type { Point } from '../../emulator/storage/types';

const NOW = 1_767_225_600_123_456_789n;

function parsed(body: Buffer, windowBytes: number): { points: Point[]; errors: string[] } {
  const { batch, errors } = parseWriteBody(body, 'ns', NOW, { windowBytes });
  return { points: batch.points(), errors };
}

/** The body read whole against the body read in windows of each size given. */
function assertWindowsUnseen(body: Buffer, sizes: readonly number[]): void {
  const whole = parsed(body, body.length + 1);
  for (const size of sizes) assert.deepStrictEqual(parsed(body, size), whole, `windows of ${size} bytes`);
}

/**
 * Pieces of lines, chosen for what decides where a line ends (newlines inside quoted strings, a
 * backslash before a newline or at the very end, `\r`, comments, blank lines), for series keys whose
 * first space is escaped, and for what is read from the bytes (invalid UTF-8, the reserved key 0xff),
 * besides plain lines for the fast path.
 */
const PIECES: readonly (string | Buffer)[] = [
  'm,host=a f=1,g=2i 10',
  'm,host=a f=1.5,g=-3i 11',
  'm,host=b x=t 12',
  'cpu,dc=eu-west-1,host=server-0042 usage=0.25,idle=99.75 1767225600000000000',
  'm s="a\nb",f=1 13',
  'm s="line\\"q\\"\n" 14',
  'm,t=v\\\nw f=1',
  'm,t=a\\ b f=1 1',
  'm,t=a\\ c=2 2',
  'm f=1\\',
  '\\',
  'm f=1\r',
  '# a comment',
  '   ',
  '',
  'm f=',
  'm,é=ü f="ç" 15',
  Buffer.from([0x6d, 0x2c, 0xff, 0x3d, 0x31, 0x20, 0x66, 0x3d, 0x31]),
  Buffer.from([0x6d, 0x20, 0x66, 0x3d, 0x22, 0xc3, 0x28, 0x22]),
  '"',
  ' ',
  ',',
  '=',
  '\n',
];

const body = fc.array(fc.nat(PIECES.length - 1), { minLength: 1, maxLength: 30 }).chain((picks) =>
  fc.array(fc.constantFrom('\n', '\n', '\n', ''), { minLength: picks.length, maxLength: picks.length }).map((ends) =>
    Buffer.concat(
      picks.flatMap((p, i) => {
        const piece = PIECES[p];
        return [typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece, Buffer.from(ends[i], 'utf8')];
      }),
    ),
  ),
);

describe('line protocol read in windows (parseWriteBody)', () => {
  it('gives the points and errors of the whole body, whatever the window size', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 80 }), (bytes, size) => {
        assertWindowsUnseen(bytes, [size]);
      }),
      { seed: 20261207, numRuns: 3000 },
    );
  });

  it('reads a quoted newline that a window boundary cuts as part of its line', () => {
    const text = 'm,host=a f=1 1\nm s="first\nsecond",f=2 2\nm,host=a f=3 3';
    assertWindowsUnseen(Buffer.from(text), [1, 2, 3, 16, 20, 22, 23, 24, 30]);
    const { points, errors } = parsed(Buffer.from(text), 20);
    assert.deepEqual(errors, []);
    assert.deepEqual(points[1]?.fields.get('s'), { type: 'string', value: 'first\nsecond' });
  });

  it('reads a backslash before a newline at a window end as OSS reads it in the whole body', () => {
    // The backslash lets the newline go on with the line, except as the second last byte of the body.
    for (const text of ['m,t=a\\\nb f=1 1\nm f=2 2', 'm f=1 1\nm f=2\\\n', 'm f=1 1\n\\\nm f=3 3']) {
      const bytes = Buffer.from(text);
      assertWindowsUnseen(
        bytes,
        Array.from({ length: bytes.length }, (_, i) => i + 1),
      );
    }
  });

  it('reads a line longer than a window (windows grow until it fits)', () => {
    const long = `m,host=${'h'.repeat(5000)} f=1 1`;
    const text = `m f=0 0\n${long}\n${long.replace('f=1', 'f=2')}\nm f=3 3`;
    assertWindowsUnseen(Buffer.from(text), [1, 64, 4999, 5000]);
    assert.equal(parsed(Buffer.from(text), 64).points.length, 4);
  });

  it('keeps the fast path across windows: a fleet body in small windows gives compact points', () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      lines.push(
        `environment,clientId=device-${i % 10},TemperatureSensor=virtual_TemperatureSensor ` +
          `Temperature=${(20 + (i % 7) / 10).toFixed(1)},CO2=${400 + i}i,ok=t ${1767225600000 + Math.floor(i / 10) * 60000}`,
      );
    }
    const bytes = Buffer.from(lines.join('\n'));
    assertWindowsUnseen(bytes, [97, 1024, 65536]);
    const { batch } = parseWriteBody(bytes, 'ms', NOW, { windowBytes: 1024 });
    assert.equal(batch.length, 2000);
    // The first line of each series is the exact parser's; the fast path reads the rest.
    assert.equal(batch.whole.length, 10);
  });
});
