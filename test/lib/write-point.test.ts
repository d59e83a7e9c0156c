import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLineProtocol } from '../../emulator/lineprotocol/parse';
import { toLines } from '../../lib/write/point';
import type { PointObject as EnvironmentPointObject } from '../../lib/environment/point-object';
import type { PointObject } from '../../lib/write/point';

describe('write: point objects to line protocol', () => {
  it('writes a point with the default measurement, sorted tags and a ms timestamp', () => {
    const { lines, errors } = toLines({
      tags: { b: '2', a: '1' },
      fields: { Temperature: 21.5 },
      timestamp: 1700000000000,
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(lines, ['environment,a=1,b=2 Temperature=21.5 1700000000000']);
  });

  it('lets the point’s own tags override the default tags', () => {
    const { lines } = toLines(
      { tags: { clientId: 'mine' }, fields: { v: 1 } },
      { defaultTags: { clientId: 'default', site: 'lab' } },
    );
    assert.deepEqual(lines, ['environment,clientId=mine,site=lab v=1']);
  });

  it('leaves the timestamp out when none is given, so the server time is used', () => {
    assert.deepEqual(toLines({ measurement: 'm', fields: { v: 1 } }).lines, ['m v=1']);
  });

  it('writes typed fields with their line-protocol suffixes', () => {
    const { lines, errors } = toLines({
      measurement: 'm',
      fields: {
        i: { type: 'int', value: -42 },
        u: { type: 'uint', value: '18446744073709551615' },
        f: { type: 'float', value: 2 },
        b: { type: 'bool', value: false },
        s: { type: 'string', value: 'x' },
        big: { type: 'int', value: 9223372036854775807n },
      },
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(lines, ['m b=F,big=9223372036854775807i,f=2,i=-42i,s="x",u=18446744073709551615u']);
  });

  it('writes bare numbers as floats and booleans and texts with their types', () => {
    assert.deepEqual(toLines({ measurement: 'm', fields: { n: 3, t: true, s: 'ok' } }).lines, ['m n=3,s="ok",t=T']);
  });

  it('escapes measurement, tag and field names and string values', () => {
    const { lines } = toLines({
      measurement: 'my room,1',
      tags: { 'a key': 'x=y,z' },
      fields: { 'f=1': 'say "hi" \\o/' },
    });
    assert.deepEqual(lines, ['my\\ room\\,1,a\\ key=x\\=y\\,z f\\=1="say \\"hi\\" \\\\o/"']);
  });

  it('leaves out fields whose value is null or undefined', () => {
    assert.deepEqual(toLines({ measurement: 'm', fields: { a: null, b: 1, c: undefined } }).lines, ['m b=1']);
  });

  it('converts a Date timestamp to the precision', () => {
    const at = new Date('2024-01-02T03:04:05.678Z');
    assert.deepEqual(toLines({ fields: { v: 1 }, timestamp: at }, { precision: 's' }).lines, [
      'environment v=1 1704164645',
    ]);
    assert.deepEqual(toLines({ fields: { v: 1 }, timestamp: at }, { precision: 'ns' }).lines, [
      'environment v=1 1704164645678000000',
    ]);
  });

  it('keeps the sub-millisecond digits of an RFC 3339 text in ns precision', () => {
    const { lines } = toLines({ fields: { v: 1 }, timestamp: '2024-01-02T03:04:05.123456789Z' }, { precision: 'ns' });
    assert.deepEqual(lines, ['environment v=1 1704164645123456789']);
  });

  it('reads an RFC 3339 text with an offset', () => {
    const { lines } = toLines({ fields: { v: 1 }, timestamp: '2024-01-02T05:04:05+02:00' }, { precision: 's' });
    assert.deepEqual(lines, ['environment v=1 1704164645']);
  });

  it('takes a numeric timestamp in the configured precision', () => {
    assert.deepEqual(toLines({ fields: { v: 1 }, timestamp: 1704164645 }, { precision: 's' }).lines, [
      'environment v=1 1704164645',
    ]);
  });

  it('takes a text of digits as an exact timestamp beyond 2^53', () => {
    const { lines } = toLines({ fields: { v: 1 }, timestamp: '1704164645123456789' }, { precision: 'ns' });
    assert.deepEqual(lines, ['environment v=1 1704164645123456789']);
  });

  it('accepts the point object type of lib/environment', () => {
    const p: EnvironmentPointObject = {
      measurement: 'environment',
      tags: { clientId: 'a' },
      fields: { CO2: { type: 'int', value: 400 } },
    };
    const mine: PointObject = p;
    assert.deepEqual(toLines(mine).lines, ['environment,clientId=a CO2=400i']);
  });
});

describe('write: bad points', () => {
  const reasonOf = (input: unknown, precision: 'ms' | 'ns' = 'ms'): string => {
    const { lines, errors } = toLines(input, { precision });
    assert.deepEqual(lines, []);
    assert.equal(errors.length, 1);
    return errors[0].reason;
  };

  it('reports a point without fields', () => {
    assert.match(reasonOf({ measurement: 'm', fields: {} }), /at least one field/);
  });

  it('reports a point whose fields are all null', () => {
    assert.match(reasonOf({ measurement: 'm', fields: { a: null } }), /at least one field/);
  });

  it('reports NaN and Infinity', () => {
    assert.match(reasonOf({ fields: { t: NaN } }), /field 't' is NaN/);
    assert.match(reasonOf({ fields: { t: -Infinity } }), /-Infinity; InfluxDB stores only finite/);
  });

  it('reports an int out of the int64 range', () => {
    assert.match(reasonOf({ fields: { i: { type: 'int', value: '9223372036854775808' } } }), /out of the int64 range/);
  });

  it('reports a negative uint', () => {
    assert.match(reasonOf({ fields: { u: { type: 'uint', value: -1 } } }), /out of the uint64 range/);
  });

  it('reports an int with a fraction', () => {
    assert.match(reasonOf({ fields: { i: { type: 'int', value: 1.5 } } }), /not a whole number/);
  });

  it('reports an int too large to be exact as a number', () => {
    assert.match(reasonOf({ fields: { i: { type: 'int', value: 2 ** 60 } } }), /bigint or a text of digits/);
  });

  it('reports an unknown field type', () => {
    assert.match(reasonOf({ fields: { x: { type: 'double', value: 1 } } }), /unknown type 'double'/);
  });

  it('reports a typed value of the wrong kind', () => {
    assert.match(reasonOf({ fields: { b: { type: 'bool', value: 'yes' } } }), /needs a boolean/);
  });

  it('reports an empty measurement', () => {
    assert.match(reasonOf({ measurement: '', fields: { v: 1 } }), /measurement is empty/);
  });

  it('reports a measurement that is not a text', () => {
    assert.match(reasonOf({ measurement: 5, fields: { v: 1 } }), /measurement must be a text/);
  });

  it('reports a tag whose value is not a text', () => {
    assert.match(reasonOf({ tags: { room: 5 }, fields: { v: 1 } }), /tag 'room' must be a text, not number 5/);
  });

  it('reports an empty tag value', () => {
    assert.match(reasonOf({ tags: { room: '' }, fields: { v: 1 } }), /tag 'room' is empty/);
  });

  it('reports a reserved tag key', () => {
    assert.match(reasonOf({ tags: { _field: 'x' }, fields: { v: 1 } }), /tag key '_field' is reserved/);
  });

  it('reports the reserved field key time', () => {
    assert.match(reasonOf({ fields: { time: 1 } }), /field key 'time' is reserved/);
  });

  it('reports a timestamp that is not a date', () => {
    assert.match(reasonOf({ fields: { v: 1 }, timestamp: 'yesterday' }), /neither an integer nor an RFC 3339 date/);
  });

  it('reports a date-time text without a time zone', () => {
    assert.match(reasonOf({ fields: { v: 1 }, timestamp: '2024-01-02T03:04:05' }), /has no time zone/);
  });

  it('reports an invalid Date', () => {
    assert.match(reasonOf({ fields: { v: 1 }, timestamp: new Date('nope') }), /invalid Date/);
  });

  it('reports a timestamp outside InfluxDB’s range', () => {
    assert.match(reasonOf({ fields: { v: 1 }, timestamp: 1e20 }), /outside InfluxDB's range/);
  });

  it('reports an unknown property such as a misspelt key', () => {
    assert.match(reasonOf({ fields: { v: 1 }, time: 5 }), /unknown property 'time'/);
  });

  it('reports input that is neither points nor text', () => {
    assert.match(reasonOf(42), /point object, an array of points or line protocol text/);
  });

  it('writes the good points of an array and reports the bad ones by index', () => {
    const { lines, errors } = toLines([
      { measurement: 'm', fields: { v: 1 } },
      { measurement: 'm', fields: { v: NaN } },
      { measurement: 'm', fields: { v: 3 } },
      'not a point',
    ]);
    assert.deepEqual(lines, ['m v=1', 'm v=3']);
    assert.deepEqual(
      errors.map((e) => e.index),
      [1, 3],
    );
  });
});

describe('write: line protocol text', () => {
  it('accepts several lines and skips blank lines and comments', () => {
    const { lines, errors } = toLines('# a comment\nm,t=a v=1 1\n\n  m v=2i 2\r\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(lines, ['m,t=a v=1 1', 'm v=2i 2']);
  });

  it('keeps a newline inside a quoted string field in its line', () => {
    const { lines, errors } = toLines('m s="one\ntwo" 1\nm v=1 2');
    assert.deepEqual(errors, []);
    assert.deepEqual(lines, ['m s="one\ntwo" 1', 'm v=1 2']);
  });

  it('reports each bad line with its position and reason, and keeps the good ones', () => {
    const { lines, errors } = toLines('m v=1\nm\nm,t= v=1\nm v=abc\nm v=1 12x\nm v="open');
    assert.deepEqual(lines, ['m v=1']);
    assert.deepEqual(
      errors.map((e) => [e.index, e.reason.split(':')[0]]),
      [
        [1, 'missing fields'],
        [2, 'missing tag value'],
        [3, 'invalid number abc of field "v"'],
        [4, 'bad timestamp'],
        [5, 'unbalanced quotes'],
      ],
    );
  });

  it('reports a reserved tag key in a line', () => {
    const { errors } = toLines('m,time=1 v=1');
    assert.match(errors[0].reason, /cannot use reserved tag key "time"/);
  });

  it('reports an integer field out of range in a line', () => {
    const { errors } = toLines('m v=9223372036854775808i');
    assert.match(errors[0].reason, /out of range/);
  });

  it('accepts escaped separators in names and values', () => {
    const { lines, errors } = toLines('my\\ m,t\\=k=a\\,b f\\ 1="x\\"y",g=-1.5e3,h=7u,b=TRUE 1');
    assert.deepEqual(errors, []);
    assert.equal(lines.length, 1);
  });

  it('reports a timestamp outside the range of the precision', () => {
    const { errors } = toLines('m v=1 9223372036854775', { precision: 'ms' });
    assert.match(errors[0].reason, /outside InfluxDB's range/);
  });
});

describe('write: what the server reads back', () => {
  const name = fc
    .string({
      unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '=', '"', '\\', '_', '#', 'é', '😀'),
      minLength: 1,
      maxLength: 8,
    })
    .filter((s) => !/\\([,= "]|$)/.test(s));
  const fieldValue = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.string({ maxLength: 10 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: 'int' as const, value })),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ type: 'uint' as const, value })),
  );
  const point = fc.record({
    measurement: name.filter((s) => !s.startsWith('#')),
    tags: fc.dictionary(
      name.filter((k) => !['_field', '_measurement', 'time'].includes(k)),
      name,
      { maxKeys: 3 },
    ),
    fields: fc.dictionary(
      name.filter((k) => k !== 'time'),
      fieldValue,
      { minKeys: 1, maxKeys: 3 },
    ),
    timestamp: fc.integer({ min: 0, max: 4102444800000 }),
  });

  it('writes every valid point so that the InfluxDB parser reads the same point back', () => {
    fc.assert(
      fc.property(point, (p) => {
        const { lines, errors } = toLines(p);
        assert.deepEqual(errors, []);
        const parsed = parseLineProtocol(lines.join('\n'), 'ms', 0n);
        assert.deepEqual(parsed.errors, []);
        assert.equal(parsed.points.length, 1);
        const got = parsed.points[0];
        assert.equal(got.measurement, p.measurement);
        assert.deepEqual(Object.fromEntries(got.tags), { ...p.tags });
        assert.equal(got.time, BigInt(p.timestamp) * 1_000_000n);
        for (const [key, v] of Object.entries(p.fields)) {
          const cell = got.fields.get(key)?.value;
          const expected = typeof v === 'object' ? v.value : v;
          if (typeof expected === 'number') assert.equal(Number(cell), expected === 0 ? 0 : expected);
          else if (typeof expected === 'bigint') assert.equal(BigInt(cell as bigint | number), expected);
          else assert.equal(cell, expected);
        }
      }),
      { seed: 20240102, numRuns: 300 },
    );
  });

  it('accepts its own output as line protocol text, unchanged', () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 4 }), (points) => {
        const { lines } = toLines(points);
        assert.deepEqual(toLines(lines.join('\n')), { lines, errors: [] });
      }),
      { seed: 20240103, numRuns: 300 },
    );
  });

  it('refuses a measurement starting with #, which the server would skip as a comment', () => {
    assert.match(toLines({ measurement: '#m', fields: { v: 1 } }).errors[0].reason, /makes the line a comment/);
  });

  it('refuses a tag value ending with a backslash', () => {
    assert.match(toLines({ tags: { t: 'a\\' }, fields: { v: 1 } }).errors[0].reason, /has a backslash at its end/);
  });

  describe('names checked once and remembered', () => {
    it('still refuses a name in a role where it is not allowed after writing it in another', () => {
      // `_field` is a fine tag value and field value but a reserved tag key.
      assert.deepEqual(toLines({ measurement: 'm', tags: { t: '_field' }, fields: { v: 1 } }).errors, []);
      assert.match(
        toLines({ measurement: 'm', tags: { _field: 'x' }, fields: { v: 1 } }).errors[0].reason,
        /tag key '_field' is reserved/,
      );
    });

    it('refuses a bad name every time, not only the first', () => {
      for (let i = 0; i < 3; i++) {
        assert.match(toLines({ tags: { t: 'a\\' }, fields: { v: 1 } }).errors[0].reason, /backslash at its end/);
        assert.match(toLines({ measurement: 'a\nb', fields: { v: 1 } }).errors[0].reason, /control character/);
      }
    });

    it('writes the right lines past the number of names it remembers', () => {
      const tagValues = 25_000;
      for (let i = 0; i < tagValues; i++) {
        const { lines } = toLines({ measurement: 'm', tags: { id: `d${i}`, k: 'a b' }, fields: { v: i } });
        if (i % 997 === 0 || i === tagValues - 1) assert.deepEqual(lines, [`m,id=d${i},k=a\\ b v=${i}`]);
      }
      assert.deepEqual(toLines({ measurement: 'm', tags: { id: 'd7', k: 'a b' }, fields: { v: 1 } }).lines, [
        'm,id=d7,k=a\\ b v=1',
      ]);
    });

    it('writes a safe integer as int or uint without a BigInt, and a negative uint is still refused', () => {
      const { lines } = toLines({
        measurement: 'm',
        fields: { i: { type: 'int', value: -9007199254740991 }, u: { type: 'uint', value: 9007199254740991 } },
      });
      assert.deepEqual(lines, ['m i=-9007199254740991i,u=9007199254740991u']);
      assert.match(toLines({ fields: { u: { type: 'uint', value: -1 } } }).errors[0].reason, /out of the uint64 range/);
    });
  });
});
