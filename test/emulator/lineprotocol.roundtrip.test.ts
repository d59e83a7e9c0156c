import assert from 'node:assert/strict';
import { Point as ClientPoint } from '@influxdata/influxdb-client';
import fc from 'fast-check';
import { parseLineProtocol, type Precision } from '../../emulator/lineprotocol/parse';
import type { FieldValue, Point } from '../../emulator/storage/types';

// Properties run with a fixed seed so that every run checks the same cases.
const RUNS = { seed: 20240611, numRuns: 400 };

const NOW = 1_700_000_000_123_456_789n;
const MIN_TIME = -9223372036854775806n;
const MAX_TIME = 9223372036854775806n;
const MULTIPLIER: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/** What line protocol treats specially, plain ASCII, and characters of two, three and four UTF-8 bytes. */
const CHARS = [
  ',',
  ' ',
  '=',
  '"',
  '\\',
  '\n',
  '\r',
  '\t',
  '#',
  'a',
  'b',
  'Z',
  '0',
  '_',
  '-',
  '.',
  'é',
  'ß',
  '日',
  '\u{1F600}',
  '\uFFFD',
  '\u00A0',
];

function text(minLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: fc.constantFrom(...CHARS), minLength, maxLength: 10 }),
    fc.string({ unit: 'grapheme', minLength, maxLength: 6 }),
  );
}

/** The JS client writes a newline, carriage return or tab in a name as a two-character sequence (reference 5.1). */
function asWritten(name: string): string {
  return name.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/**
 * The client does not escape backslashes in names, so a backslash before a character that OSS
 * unescapes in that element, or at the end of the name (before the separator), changes the name.
 * Such names cannot round-trip, whatever the server.
 */
function backslashSafe(written: string, unescaped: string): boolean {
  for (let i = 0; i < written.length; i++) {
    if (written[i] === '\\' && (i + 1 === written.length || unescaped.includes(written[i + 1]))) return false;
  }
  return true;
}

const measurementName = text(1).filter((m) => {
  const w = asWritten(m);
  // A leading `#` makes the line a comment and a leading NUL is skipped as whitespace.
  return !w.startsWith('#') && !w.startsWith('\u0000') && backslashSafe(w, ', ="');
});
const tagKey = text(1).filter((k) => {
  const w = asWritten(k);
  return !['_field', '_measurement', 'time', '\u0000'].includes(w) && backslashSafe(w, ', =');
});
const tagValue = text(1).filter((v) => backslashSafe(asWritten(v), ', ='));
const fieldKey = text(1).filter((k) => backslashSafe(asWritten(k), ', ="'));

interface FieldCase {
  write: (p: ClientPoint, key: string) => void;
  expected: FieldValue;
}

const fieldValue: fc.Arbitrary<FieldCase> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => ({
    write: (p: ClientPoint, k: string) => p.floatField(k, v),
    // The client writes String(v): -0 becomes 0.
    expected: { type: 'double' as const, value: Number(String(v)) },
  })),
  fc.maxSafeInteger().map((v) => ({
    write: (p: ClientPoint, k: string) => p.intField(k, v),
    expected: { type: 'long' as const, value: BigInt(v) },
  })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => ({
    write: (p: ClientPoint, k: string) => p.uintField(k, String(v)),
    expected: { type: 'unsignedLong' as const, value: v },
  })),
  fc.boolean().map((v) => ({
    write: (p: ClientPoint, k: string) => p.booleanField(k, v),
    expected: { type: 'boolean' as const, value: v },
  })),
  text(0).map((v) => ({
    write: (p: ClientPoint, k: string) => p.stringField(k, v),
    expected: { type: 'string' as const, value: v },
  })),
);

function pointCase(precision: Precision): fc.Arbitrary<PointCase> {
  const m = MULTIPLIER[precision];
  const minTs = -(-MIN_TIME / m); // rounds towards zero, so stays inside the range
  return fc.record({
    measurement: measurementName,
    tags: fc.uniqueArray(fc.tuple(tagKey, tagValue), { selector: ([k]) => asWritten(k), maxLength: 4 }),
    fields: fc.uniqueArray(fc.tuple(fieldKey, fieldValue), {
      selector: ([k]) => asWritten(k),
      minLength: 1,
      maxLength: 4,
    }),
    timestamp: fc.option(fc.bigInt({ min: minTs, max: MAX_TIME / m })),
  });
}

interface PointCase {
  measurement: string;
  tags: [string, string][];
  fields: [string, FieldCase][];
  timestamp: bigint | null;
}

function toLine(c: PointCase): string {
  const p = new ClientPoint(c.measurement);
  for (const [k, v] of c.tags) p.tag(k, v);
  for (const [k, f] of c.fields) f.write(p, k);
  // '' means no timestamp: the server's time is used.
  p.timestamp(c.timestamp === null ? '' : String(c.timestamp));
  const line = p.toLineProtocol();
  assert.ok(line !== undefined);
  return line;
}

function byUtf8Key(a: [string, string], b: [string, string]): number {
  return Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]));
}

function expectedPoint(c: PointCase, precision: Precision): Point {
  const m = MULTIPLIER[precision];
  return {
    measurement: asWritten(c.measurement),
    tags: c.tags.map(([k, v]): [string, string] => [asWritten(k), asWritten(v)]).sort(byUtf8Key),
    fields: new Map(c.fields.map(([k, f]) => [asWritten(k), f.expected])),
    time: c.timestamp === null ? (NOW / m) * m : c.timestamp * m,
  };
}

describe('line protocol round trip', () => {
  it('parses back every point the JS client serialises, in every precision', () => {
    const batch = fc.constantFrom<Precision>('ns', 'us', 'ms', 's').chain((precision) =>
      fc.record({
        precision: fc.constant(precision),
        points: fc.array(pointCase(precision), { minLength: 1, maxLength: 5 }),
      }),
    );
    fc.assert(
      fc.property(batch, ({ precision, points }) => {
        const body = points.map(toLine).join('\n');
        const parsed = parseLineProtocol(body, precision, NOW);
        assert.deepStrictEqual(parsed, { points: points.map((c) => expectedPoint(c, precision)), errors: [] });
      }),
      RUNS,
    );
  });

  it('answers any text with points and framed errors, never an exception', () => {
    const body = fc.string({ unit: fc.constantFrom(...CHARS, '1', 'i', 'u', 't', 'e', '-'), maxLength: 60 });
    fc.assert(
      fc.property(body, (text) => {
        const { points, errors } = parseLineProtocol(text, 'ns', NOW);
        assert.ok(points.length + errors.length <= text.split('\n').length);
        for (const e of errors) assert.match(e, /^unable to parse '[\s\S]*': \S/);
      }),
      RUNS,
    );
  });
});
