/**
 * The plain-line fast path (emulator/lineprotocol/plain-line.ts) against the exact port of OSS: a line
 * read after another line of the same series key (so that the fast path may take it) gives the same
 * point, or the same error, as the same line read alone (which only the exact parser can read).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Body } from '../../emulator/lineprotocol/bytes';
import { parseLineProtocol, type Precision } from '../../emulator/lineprotocol/parse';
import { PlainLineParser } from '../../emulator/lineprotocol/plain-line';
import { PointBatch } from '../../emulator/storage/point-batch';

// Fixed seeds: every run checks the same cases.
const RUNS = { seed: 20261207, numRuns: 3000 };
const NOW = 1_767_225_600_123_456_789n;

/** Names from what the fast path must notice (separators, whitespace, NUL, non-ASCII, reserved keys) and plain letters. */
const NAME_CHARS = ['a', 'b', 'Z', '_', '0', '-', '.', ',', '=', ' ', '\t', '\0', 'é', '\u00ff', 'i', 't'];
const name = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('m', 'environment', 'cpu', 'f', 'g', 'h', 'host', 'Lat', 'é', 'x1') },
  { weight: 1, arbitrary: fc.constantFrom('time', '_field', '_measurement', '\u00ff') },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 0, maxLength: 5 }) },
);

/** Values: the forms the fast path reads, their near misses, and what only the exact parser reads. */
const VALUE_CHARS = ['0', '1', '9', '.', '-', '+', 'e', 'E', 'i', 'u', 'n', 'N', 't', 'f', 'T', 'F', 'x', ',', ' '];
const value = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom('1', '-2.5', '50.0647148', '14.407437103333335', '1050i', '7u', 't', 'FALSE'),
  },
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  { weight: 3, arbitrary: fc.integer().map((n) => `${n}i`) },
  { weight: 2, arbitrary: fc.nat().map((n) => `${n}u`) },
  {
    weight: 2,
    arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => `${n}${['i', 'u', ''][Number(n & 3n) % 3]}`),
  },
  { weight: 3, arbitrary: fc.stringMatching(/^-?\d{0,20}(\.\d{0,20})?$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE', 'tRue', 'tru'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '-0',
      '-0i',
      '0u',
      '-0.0',
      '.5',
      '5.',
      '-.5',
      '.',
      '-',
      '1e5',
      '1.5i',
      '2.u',
      '-3u',
      '1e5i',
      '9'.repeat(400),
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...VALUE_CHARS), minLength: 0, maxLength: 6 }) },
);

const field = fc.tuple(name, value).map(([k, v]) => `${k}=${v}`);
const separator = fc.oneof(
  { weight: 12, arbitrary: fc.constant(' ') },
  { weight: 3, arbitrary: fc.constantFrom('  ', '\t', ' \t', ' \0', '\0', '') },
);
const timestamp = fc.oneof(
  fc.constant(''),
  fc.constant('1767225600000'),
  fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }).map(String),
  fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map((s) => `${s}000`),
  fc.constantFrom('-', '1-2', '12a', '99999999999999999999', '-9223372036854775806', '1 ', '1  ', '1\t', '1 x'),
);
const seriesKey = fc
  .tuple(name, fc.array(fc.tuple(name, name), { maxLength: 3 }))
  .map(([m, tags]) => m + tags.map(([k, v]) => `,${k}=${v}`).join(''));
const line = fc
  .tuple(seriesKey, separator, fc.array(field, { minLength: 0, maxLength: 4 }), separator, timestamp)
  .map(([key, sep, fields, sep2, time]) => `${key}${sep}${fields.join(',')}${time === '' ? '' : sep2 + time}`);

function alone(text: string, precision: Precision) {
  return parseLineProtocol(text, precision, NOW);
}

/** The body `seed\ntext`, whose seed line gives the fast path the series key of `text`. */
function afterItsSeries(text: string, precision: Precision) {
  const space = text.indexOf(' ');
  const seed = `${space < 0 ? text : text.slice(0, space)} seed=1`;
  const expected = alone(seed, precision);
  const second = alone(text, precision);
  return {
    body: `${seed}\n${text}`,
    expected: { points: [...expected.points, ...second.points], errors: [...expected.errors, ...second.errors] },
  };
}

describe('line protocol: the plain-line fast path', () => {
  it('reads every generated line as the exact parser does, after a line of its series', () => {
    fc.assert(
      fc.property(line, fc.constantFrom<Precision>('ns', 'us', 'ms', 's'), (text, precision) => {
        const { body, expected } = afterItsSeries(text, precision);
        assert.deepStrictEqual(parseLineProtocol(body, precision, NOW), expected);
      }),
      RUNS,
    );
  });

  it('reads a fleet body of repeated series in any order as the exact parser reads each line alone', () => {
    const body = fc.tuple(
      fc.array(seriesKey, { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.array(field, { minLength: 1, maxLength: 4 }), timestamp), { maxLength: 12 }),
    );
    fc.assert(
      fc.property(body, ([keys, lines]) => {
        const texts = lines.map(([k, fields, time]) => `${keys[k % keys.length]} ${fields.join(',')} ${time}`);
        const parsed = texts.map((t) => alone(t, 'ms'));
        assert.deepStrictEqual(parseLineProtocol(texts.join('\n'), 'ms', NOW), {
          points: parsed.flatMap((p) => p.points),
          errors: parsed.flatMap((p) => p.errors),
        });
      }),
      { seed: 20261208, numRuns: 1500 },
    );
  });

  it('takes a good part of the valid generated lines itself (so the comparisons above exercise it)', () => {
    // Without this, a fast path that always deferred would pass the comparisons. It declines valid lines
    // too (exponents, long integers, repeated keys): those are the exact parser's.
    let taken = 0;
    let valid = 0;
    const samples = fc.sample(line, { seed: 7, numRuns: 2000 });
    for (const text of samples) {
      const { body } = afterItsSeries(text, 'ns');
      if (alone(text, 'ns').points.length === 0 || text.includes('"') || text.includes('\\')) continue;
      valid++;
      const source = new Body(Buffer.from(body, 'utf8'));
      const parser = new PlainLineParser(new PointBatch(), 1n, NOW);
      const seedEnd = body.indexOf('\n');
      const seed = alone(body.slice(0, seedEnd), 'ns').points[0];
      if (seed === undefined) continue;
      parser.remember(source, 0, Buffer.byteLength(body.slice(0, seedEnd)), seed);
      const start = Buffer.byteLength(body.slice(0, seedEnd + 1));
      if (parser.parse(source, start, source.bytes.length)) taken++;
    }
    assert.ok(valid > 400, `only ${valid} valid lines generated`);
    assert.ok(taken / valid > 0.4, `the fast path took ${taken} of ${valid} valid lines`);
  });

  it('leaves near misses of the forms it reads to the exact parser (each after a line that primes its caches)', () => {
    // Two dots, a dot before `i`, a letter after a number or a boolean, a key that starts like the one before.
    const nearMisses = [
      'm a=1.2.3',
      'm a=.5.1',
      'm a=.5i',
      'm a=5.u',
      'm a=1ixb=2',
      'm a=1uxb=2',
      'm a=1.5xb=2',
      'm a=txb=2',
      'm a=truex,b=2',
      'm ax1,b=2',
      'm ab=1,b=2',
      'm a=1,=2',
      'm a=1 12x',
      'm a=1 1 2',
      'm a=1 -',
    ];
    // The exact parser reads the first line (a new series), the fast path the second (and keeps its keys).
    const priming = ['m a=1,b=2 5', 'm a=1,b=2 6'];
    const primed = priming.flatMap((line) => alone(line, 'ns').points);
    for (const text of nearMisses) {
      const expected = alone(text, 'ns');
      assert.deepStrictEqual(parseLineProtocol([...priming, text].join('\n'), 'ns', NOW), {
        points: [...primed, ...expected.points],
        errors: expected.errors,
      });
    }
  });

  it('never reads a line holding a backslash or a quote (the exact parser reads escapes)', () => {
    // Both lines' series keys end at the first space as sent, `m,t=a\\`; only the escapes tell them apart,
    // and the second one's tag value holds an unescaped `=`.
    const body = 'm,t=a\\ b f=1\nm,t=a\\ g=1';
    const { points, errors } = parseLineProtocol(body, 'ns', NOW);
    assert.deepStrictEqual(points[0].tags, [['t', 'a b']]);
    assert.deepStrictEqual(errors, ["unable to parse 'm,t=a\\ g=1': invalid tag format"]);
    assert.deepStrictEqual(parseLineProtocol('m,t="a" f=1\nm,t="a" f=2', 'ns', NOW), {
      points: [...alone('m,t="a" f=1', 'ns').points, ...alone('m,t="a" f=2', 'ns').points],
      errors: [],
    });
  });

  it('leaves a field whose series key is over 65535 bytes to the exact parser, which refuses it', () => {
    // measurement + tags of 65530 bytes: a 1-byte field key makes 65535 with the 4-byte separator.
    const key = `m,k=${'v'.repeat(65530 - 4)}`;
    for (const fields of ['a=1', 'ab=1', 'a=1,bc=2i']) {
      const { body, expected } = afterItsSeries(`${key} ${fields} 1`, 'ns');
      assert.deepStrictEqual(parseLineProtocol(body, 'ns', NOW), expected);
    }
    assert.match(
      parseLineProtocol(`${key} s=1\n${key} ab=1`, 'ns', NOW).errors[0],
      /max key length exceeded: 65536 > 65535$/,
    );
  });

  it('reads a typical fleet line: floats of up to 17 digits, integers, booleans, a timestamp in ms', () => {
    const key = 'environment,clientId=device-1,TemperatureSensor=virtual';
    const body = `${key} seed=1 1\n${key} CO2=1050i,Lat=50.0647148,Lon=14.407437103333335,ok=T,n=7u,neg=-0.5 1767225600000`;
    const { points, errors } = parseLineProtocol(body, 'ms', NOW);
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(
      [...points[1].fields],
      [
        ['CO2', { type: 'long', value: 1050n }],
        ['Lat', { type: 'double', value: 50.0647148 }],
        ['Lon', { type: 'double', value: 14.407437103333335 }],
        ['ok', { type: 'boolean', value: true }],
        ['n', { type: 'unsignedLong', value: 7n }],
        ['neg', { type: 'double', value: -0.5 }],
      ],
    );
    assert.equal(points[1].time, 1_767_225_600_000_000_000n);
    // Points of one series share one tags array (the storage caches series by it).
    assert.equal(points[1].tags, points[0].tags);
  });
});
