import assert from 'node:assert/strict';
import { isPrecision, parseLineProtocol, type Precision } from '../../emulator/lineprotocol/parse';
import type { FieldValue, Point } from '../../emulator/storage/types';

// Expected values are InfluxDB OSS 2.x's (models/points.go); see reference section 2.1.

const NOW = 1_700_000_000_123_456_789n;

function parseOne(line: string, precision: Precision = 'ns', now = NOW): Point {
  const { points, errors } = parseLineProtocol(line, precision, now);
  assert.deepEqual(errors, []);
  assert.equal(points.length, 1);
  return points[0];
}

/** The reason of the single error the body produces, after checking the `unable to parse` frame. */
function reasonOf(body: string, line = body.trimStart()): string {
  const { points, errors } = parseLineProtocol(body, 'ns', NOW);
  assert.equal(points.length, 0);
  assert.equal(errors.length, 1);
  const prefix = `unable to parse '${line}': `;
  assert.ok(errors[0].startsWith(prefix), `${JSON.stringify(errors[0])} should start with ${JSON.stringify(prefix)}`);
  return errors[0].slice(prefix.length);
}

function field(line: string, key = 'v'): FieldValue | undefined {
  return parseOne(line).fields.get(key);
}

const dbl = (value: number): FieldValue => ({ type: 'double', value });
const long = (value: bigint): FieldValue => ({ type: 'long', value });
const ulong = (value: bigint): FieldValue => ({ type: 'unsignedLong', value });
const bool = (value: boolean): FieldValue => ({ type: 'boolean', value });
const str = (value: string): FieldValue => ({ type: 'string', value });

describe('line protocol', () => {
  describe('lines', () => {
    it('parses measurement, tags, fields of every type and the timestamp', () => {
      assert.deepEqual(parseOne('cpu,host=a,region=b f=1.5,i=-2i,u=3u,b=true,s="x y" 1700000000000000000'), {
        measurement: 'cpu',
        tags: [
          ['host', 'a'],
          ['region', 'b'],
        ],
        fields: new Map([
          ['f', dbl(1.5)],
          ['i', long(-2n)],
          ['u', ulong(3n)],
          ['b', bool(true)],
          ['s', str('x y')],
        ]),
        time: 1700000000000000000n,
      });
    });

    it('skips blank and whitespace-only lines', () => {
      const { points, errors } = parseLineProtocol('\n  \n\t\nm v=1\n\n \t \nm v=2\n', 'ns', NOW);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        points.map((p) => p.fields.get('v')),
        [dbl(1), dbl(2)],
      );
    });

    it('skips comment lines, also after leading whitespace', () => {
      const { points, errors } = parseLineProtocol('# m v=1\n  \t# bad line\nm v=2', 'ns', NOW);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        points.map((p) => p.fields.get('v')),
        [dbl(2)],
      );
    });

    it('ignores leading spaces, tabs and NULs, and quotes the line without them', () => {
      assert.equal(parseOne(' \t\u0000m v=1').measurement, 'm');
      assert.equal(reasonOf('  \tm v=', 'm v='), 'missing field value');
    });

    it('keeps a newline inside a quoted string value in the same line', () => {
      const { points, errors } = parseLineProtocol('m s="one\ntwo",v=1 5\nm v=2 6', 'ns', NOW);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        points.map((p) => [p.fields.get('s'), p.time]),
        [
          [str('one\ntwo'), 5n],
          [undefined, 6n],
        ],
      );
    });

    it('reports one error per bad line, in order, and keeps the good lines', () => {
      const { points, errors } = parseLineProtocol('m v=1 1\nm v= 2\nm v=3 3\nm,t v=4', 'ns', NOW);
      assert.deepEqual(
        points.map((p) => p.time),
        [1n, 3n],
      );
      assert.deepEqual(errors, [
        "unable to parse 'm v= 2': missing field value",
        "unable to parse 'm,t v=4': missing tag value",
      ]);
    });

    it('quotes a bad line that spans physical lines whole', () => {
      assert.equal(reasonOf('m s="a\nb" x'), 'bad timestamp');
    });

    it('does not strip the carriage return of CRLF line ends', () => {
      const { points, errors } = parseLineProtocol('m v=1 1\r\nm v=2\r\nm v=t\r\n', 'ns', NOW);
      assert.deepEqual(points, []);
      assert.deepEqual(errors, [
        "unable to parse 'm v=1 1\r': bad timestamp",
        "unable to parse 'm v=2\r': invalid number",
        "unable to parse 'm v=t\r': invalid boolean",
      ]);
    });

    it('drops the last character of a string value as OSS does, even a carriage return after the quote', () => {
      assert.deepEqual(field('m v="a"\r'), str('a"'));
    });

    it('lets a backslash escape the newline after it, joining two lines', () => {
      assert.equal(reasonOf('m v=1\\\nm v=2'), 'invalid number');
    });
  });

  describe('measurement', () => {
    it('unescapes commas and spaces', () => {
      assert.equal(parseOne('my\\ cpu\\,1 v=1').measurement, 'my cpu,1');
    });

    it('keeps an equals sign and a backslash before other characters', () => {
      assert.equal(parseOne('a=b\\x\\\\y v=1').measurement, 'a=b\\x\\\\y');
    });

    it('unescapes an escaped equals sign and double quote as OSS Point.Name() does', () => {
      assert.equal(parseOne('a\\=b\\"c v=1').measurement, 'a=b"c');
    });

    it('rejects a line that starts with a comma', () => {
      assert.equal(reasonOf(',t=a v=1'), 'missing measurement');
    });

    it('rejects a measurement alone', () => {
      assert.equal(reasonOf('cpu'), 'missing fields');
    });

    it('rejects a measurement followed by a space only', () => {
      assert.equal(reasonOf('cpu '), 'invalid field format');
    });
  });

  describe('tags', () => {
    it('sorts tags by key in UTF-8 byte order', () => {
      const p = parseOne('m,z=1,\u{1F600}=2,\uFFFD=3,A=4,a=5 v=1');
      assert.deepEqual(
        p.tags.map(([k]) => k),
        ['A', 'a', 'z', '\uFFFD', '\u{1F600}'],
      );
    });

    it('unescapes commas, equals signs and spaces in keys and values', () => {
      assert.deepEqual(parseOne('m,k\\,1\\=\\ x=v\\,1\\=\\ y v=1').tags, [['k,1= x', 'v,1= y']]);
    });

    it('keeps a backslash before any other character, a double quote included', () => {
      assert.deepEqual(parseOne('m,k\\n=a\\"b\\\\c v=1').tags, [['k\\n', 'a\\"b\\\\c']]);
    });

    it('rejects an empty tag key', () => {
      assert.equal(reasonOf('m,=a v=1'), 'missing tag key');
      assert.equal(reasonOf('m, v=1'), 'missing tag key');
    });

    it('rejects a tag without a value', () => {
      assert.equal(reasonOf('m,t v=1'), 'missing tag value');
      assert.equal(reasonOf('m,t= v=1'), 'missing tag value');
      assert.equal(reasonOf('m,t=,u=1 v=1'), 'missing tag value');
    });

    it('rejects an unescaped equals sign in a tag value', () => {
      assert.equal(reasonOf('m,t=a=b v=1'), 'invalid tag format');
    });

    it('rejects tags without fields', () => {
      assert.equal(reasonOf('m,t=a'), 'missing fields');
    });

    it('rejects duplicate tag keys, sorted or not', () => {
      assert.equal(reasonOf('m,a=1,a=2 v=1'), 'duplicate tags');
      assert.equal(reasonOf('m,b=1,a=2,b=3 v=1'), 'duplicate tags');
    });

    it('rejects the reserved tag keys _measurement, _field and time', () => {
      assert.equal(reasonOf('m,_measurement=x v=1'), 'cannot use reserved tag key "_measurement"');
      assert.equal(reasonOf('m,a=1,_field=x v=1'), 'cannot use reserved tag key "_field"');
      assert.equal(reasonOf('m,time=x v=1'), 'cannot use reserved tag key "time"');
    });

    it('names the first reserved tag key in line order, before looking for duplicates', () => {
      assert.equal(reasonOf('m,time=1,_field=2,a=1,a=2 v=1'), 'cannot use reserved tag key "time"');
    });

    it('accepts reserved names when they are field keys', () => {
      assert.deepEqual([...parseOne('m _field=1,time=2').fields.keys()], ['_field', 'time']);
    });
  });

  describe('fields', () => {
    it('reads numbers without a suffix as floats, scientific notation included', () => {
      const p = parseOne('m a=1,b=1.0,c=-1.5e3,d=.5,e=1.,f=1E+2,g=-0,h=2.5e-3');
      assert.deepEqual(
        [...p.fields.values()],
        [dbl(1), dbl(1), dbl(-1500), dbl(0.5), dbl(1), dbl(100), dbl(-0), dbl(0.0025)],
      );
    });

    it('reads long and exact floats exactly', () => {
      assert.deepEqual(field('m v=0.1000000000000000055511151231257827'), dbl(0.1));
      assert.deepEqual(field('m v=123456789012345678'), dbl(123456789012345680));
      assert.deepEqual(field('m v=1.7976931348623157e308'), dbl(Number.MAX_VALUE));
      assert.deepEqual(field('m v=5e-324'), dbl(5e-324));
    });

    it('reads integers across the whole int64 range', () => {
      const p = parseOne('m a=0i,b=-9223372036854775808i,c=9223372036854775807i,d=-9007199254740993i');
      assert.deepEqual(
        [...p.fields.values()],
        [long(0n), long(-9223372036854775808n), long(9223372036854775807n), long(-9007199254740993n)],
      );
    });

    it('rejects integers outside int64 with the strconv message', () => {
      assert.equal(
        reasonOf('m v=9223372036854775808i'),
        'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range',
      );
      assert.equal(
        reasonOf('m v=-9223372036854775809i'),
        'unable to parse integer -9223372036854775809: strconv.ParseInt: parsing "-9223372036854775809": value out of range',
      );
    });

    it('reads unsigned integers across the whole uint64 range', () => {
      const p = parseOne('m a=0u,b=18446744073709551615u');
      assert.deepEqual([...p.fields.values()], [ulong(0n), ulong(18446744073709551615n)]);
    });

    it('rejects unsigned integers above uint64 with the strconv message', () => {
      assert.equal(
        reasonOf('m v=18446744073709551616u'),
        'unable to parse unsigned 18446744073709551616: strconv.ParseUint: parsing "18446744073709551616": value out of range',
      );
    });

    it('rejects a negative unsigned integer', () => {
      assert.equal(reasonOf('m v=-1u'), 'invalid number');
    });

    it('reads every boolean spelling', () => {
      const p = parseOne('m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE');
      assert.deepEqual(
        [...p.fields.values()].map((v) => v.value),
        [true, true, true, true, true, false, false, false, false, false],
      );
    });

    it('rejects other words as invalid booleans', () => {
      for (const word of ['tru', 'TRue', 'yes', 'falsey', 'x', '+1']) {
        assert.equal(reasonOf(`m v=${word}`), 'invalid boolean', word);
      }
    });

    it('unescapes double quotes and backslashes in string values and keeps other backslashes', () => {
      assert.deepEqual(field('m v="a\\"b\\\\c\\d\\,e"'), str('a"b\\c\\d\\,e'));
    });

    it('reads an empty string value', () => {
      assert.deepEqual(field('m v=""'), str(''));
    });

    it('keeps commas, spaces and equals signs inside string values', () => {
      assert.deepEqual(field('m v="a, b=c" 1'), str('a, b=c'));
    });

    it('unescapes commas, equals signs, spaces and double quotes in field keys', () => {
      assert.deepEqual([...parseOne('m a\\,b\\=c\\ d\\"e\\x=1').fields.keys()], ['a,b=c d"e\\x']);
    });

    it('keeps a double quote in a field key', () => {
      assert.deepEqual([...parseOne('m a"b=1,c"d=2').fields.keys()], ['a"b', 'c"d']);
    });

    it('keeps the last value of a repeated field key', () => {
      assert.deepEqual(
        [...parseOne('m v=1,w=2,v="x"').fields],
        [
          ['v', str('x')],
          ['w', dbl(2)],
        ],
      );
    });

    it('rejects malformed numbers', () => {
      for (const value of ['1.1.1', '1i5', '-', '1ii', '1a', '-i', '.', '1e5i', '1.5i', '1.5u', '--1', '1e+-5']) {
        assert.equal(reasonOf(`m v=${value}`), 'invalid number', value);
      }
    });

    it('rejects NaN and infinities', () => {
      assert.equal(reasonOf('m v=NaN'), 'invalid number');
      assert.equal(reasonOf('m v=nan'), 'invalid number');
      assert.equal(reasonOf('m v=-Inf'), 'invalid number');
      assert.equal(reasonOf('m v=Inf'), 'invalid boolean');
    });

    it('rejects floats Go cannot parse or that overflow', () => {
      for (const value of ['1e400', '-1e309', '1e', '1e+', '1e5e5', '-e5', `1${'0'.repeat(400)}`]) {
        assert.equal(reasonOf(`m v=${value}`), 'invalid float', value);
      }
    });

    it('rejects an unterminated string value', () => {
      assert.equal(reasonOf('m v="abc'), 'unbalanced quotes');
      assert.equal(reasonOf('m v="a\\"'), 'unbalanced quotes');
      assert.equal(reasonOf('m v="a""'), 'unbalanced quotes');
    });

    it('rejects a field without a value', () => {
      assert.equal(reasonOf('m v='), 'missing field value');
      assert.equal(reasonOf('m v=,w=1'), 'missing field value');
      assert.equal(reasonOf('m v= 1'), 'missing field value');
    });

    it('rejects a field without a key', () => {
      assert.equal(reasonOf('m =1'), 'missing field key');
      assert.equal(reasonOf('m v=1,=2'), 'missing field key');
    });

    it('rejects a field without an equals sign', () => {
      assert.equal(reasonOf('m v=1,w'), 'invalid field format');
      assert.equal(reasonOf('m v'), 'invalid field format');
      assert.equal(reasonOf('m v=1,'), 'invalid field format');
    });

    it('rejects a field key that ends in an escaped backslash as OSS walkFields does', () => {
      assert.equal(reasonOf('m a\\\\=1'), 'invalid value: field-key=a\\\\=1');
    });
  });

  describe('timestamps', () => {
    it('multiplies the timestamp by the precision', () => {
      assert.equal(parseOne('m v=1 1700000000123456789', 'ns').time, 1_700_000_000_123_456_789n);
      assert.equal(parseOne('m v=1 1700000000123456', 'us').time, 1_700_000_000_123_456_000n);
      assert.equal(parseOne('m v=1 1700000000123', 'ms').time, 1_700_000_000_123_000_000n);
      assert.equal(parseOne('m v=1 1700000000', 's').time, 1_700_000_000_000_000_000n);
    });

    it('uses the server time truncated to the precision when a line has none', () => {
      assert.equal(parseOne('m v=1', 'ns').time, 1_700_000_000_123_456_789n);
      assert.equal(parseOne('m v=1', 'us').time, 1_700_000_000_123_456_000n);
      assert.equal(parseOne('m v=1', 'ms').time, 1_700_000_000_123_000_000n);
      assert.equal(parseOne('m v=1', 's').time, 1_700_000_000_000_000_000n);
    });

    it('accepts negative timestamps', () => {
      assert.equal(parseOne('m v=1 -1500', 'ms').time, -1_500_000_000n);
    });

    it('accepts spaces after the timestamp', () => {
      assert.equal(parseOne('m v=1 5   ').time, 5n);
    });

    it('rejects a timestamp that is not an integer', () => {
      for (const ts of ['1.5', '12a', '1e9', '+5', '--1', '0x10']) {
        assert.equal(reasonOf(`m v=1 ${ts}`), 'bad timestamp', ts);
      }
    });

    it('rejects anything after the timestamp', () => {
      assert.equal(reasonOf('m v=1 1 2'), 'point is invalid');
    });

    it('rejects a lone minus sign with the strconv message', () => {
      assert.equal(reasonOf('m v=1 -'), 'strconv.ParseInt: parsing "-": invalid syntax');
    });

    it('rejects timestamps outside int64 with the strconv message', () => {
      assert.equal(
        reasonOf('m v=1 9223372036854775808'),
        'strconv.ParseInt: parsing "9223372036854775808": value out of range',
      );
    });

    it('accepts the extreme times OSS allows', () => {
      assert.equal(parseOne('m v=1 -9223372036854775806').time, -9223372036854775806n);
      assert.equal(parseOne('m v=1 9223372036854775806').time, 9223372036854775806n);
    });

    it('rejects times outside the range OSS can store', () => {
      const reason = 'time outside range -9223372036854775806 - 9223372036854775806';
      assert.equal(reasonOf('m v=1 9223372036854775807'), reason);
      assert.equal(reasonOf('m v=1 -9223372036854775808'), reason);
      const { errors } = parseLineProtocol('m v=1 9223372037', 's', NOW);
      assert.deepEqual(errors, [`unable to parse 'm v=1 9223372037': ${reason}`]);
    });
  });

  describe('key length', () => {
    it('accepts a series key of exactly 65535 bytes with its field', () => {
      // measurement + 4 bytes of field separator + field key
      assert.equal(parseOne(`${'m'.repeat(65530)} v=1`).measurement.length, 65530);
    });

    it('rejects a series key over 65535 bytes with its field', () => {
      assert.equal(reasonOf(`${'m'.repeat(65531)} v=1`), 'max key length exceeded: 65536 > 65535');
    });

    it('rejects measurement and tags over 65535 bytes', () => {
      assert.equal(reasonOf(`m,t=${'x'.repeat(65533)} v=1`), 'max key length exceeded: 65537 > 65535');
    });

    it('counts bytes of UTF-8, not characters', () => {
      assert.equal(reasonOf(`${'é'.repeat(32768)} v=1`), 'max key length exceeded: 65536 > 65535');
    });
  });

  describe('precision names', () => {
    it('accepts ns, us, ms and s only', () => {
      assert.deepEqual(['ns', 'us', 'ms', 's', 'n', 'u', 'h', 'm', 'NS', ''].map(isPrecision), [
        true,
        true,
        true,
        true,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
    });
  });
});
