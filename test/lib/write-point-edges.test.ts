/**
 * iot-write's edge check, rule by rule: each bad line or point is refused with its own reason (the OSS
 * parser's wording for text), and the inputs next to each rule's boundary are accepted (found by
 * mutation testing, see TESTING.md).
 */
import assert from 'node:assert/strict';
import { checkLine, splitLines } from '../../lib/write/line-protocol';
import { toLines } from '../../lib/write/point';

const BACKSLASH = "has a backslash at its end or before ',', '=', ' ' or '\"', which line protocol cannot carry";
const FORBIDDEN = 'is not allowed: objects that read the point back could not hold it as a plain name';

/** The reason a single line of text is refused for, without the quoted line that follows it. */
function lineReason(line: string): string {
  const { lines, errors } = toLines(line, { precision: 'ns' });
  assert.deepEqual(lines, [], `${JSON.stringify(line)} was accepted`);
  assert.equal(errors.length, 1);
  const suffix = `: '${line}'`;
  assert.ok(errors[0].reason.endsWith(suffix), errors[0].reason);
  return errors[0].reason.slice(0, -suffix.length);
}

function accepted(line: string): string[] {
  const { lines, errors } = toLines(line, { precision: 'ns' });
  assert.deepEqual(errors, [], `${JSON.stringify(line)} was refused`);
  return lines;
}

/** The reason a single point object is refused for. */
function pointReason(point: unknown): string {
  const { lines, errors } = toLines([point]);
  assert.deepEqual(lines, [], 'the point was accepted');
  assert.equal(errors.length, 1);
  return errors[0].reason;
}

function pointLine(point: unknown): string {
  const { lines, errors } = toLines([point]);
  assert.deepEqual(errors, []);
  assert.equal(lines.length, 1);
  return lines[0];
}

describe('line protocol text: splitting', () => {
  it('counts every line, an empty text as one empty line and a final newline as one more', () => {
    assert.deepEqual(splitLines(''), [{ index: 0, text: '' }]);
    assert.deepEqual(splitLines('a\n'), [
      { index: 0, text: 'a' },
      { index: 1, text: '' },
    ]);
    assert.deepEqual(splitLines('a\n\nb'), [
      { index: 0, text: 'a' },
      { index: 1, text: '' },
      { index: 2, text: 'b' },
    ]);
  });

  it('joins a line whose newline is escaped by a backslash, unless the newline is the last character', () => {
    assert.deepEqual(splitLines('a\\\nb\nc'), [
      { index: 0, text: 'a\\\nb' },
      { index: 1, text: 'c' },
    ]);
    assert.deepEqual(splitLines('m f=1\\\n'), [
      { index: 0, text: 'm f=1\\' },
      { index: 1, text: '' },
    ]);
    assert.deepEqual(splitLines('m f=1\\'), [{ index: 0, text: 'm f=1\\' }]);
  });

  it('keeps a newline inside a quoted field value, but not one after a quote in a key', () => {
    assert.deepEqual(splitLines('m f="x\ny" 1\nn'), [
      { index: 0, text: 'm f="x\ny" 1' },
      { index: 1, text: 'n' },
    ]);
    assert.deepEqual(
      splitLines('m,t="a f=1\nn f=2').map((l) => l.text),
      ['m,t="a f=1', 'n f=2'],
    );
    assert.deepEqual(
      splitLines('m a=1,"b=2\nn f=2').map((l) => l.text),
      ['m a=1,"b=2', 'n f=2'],
    );
  });

  it('reports a bad line of a text by its position, counting blank and comment lines', () => {
    const { lines, errors } = toLines('m f=1\n\n# note\nbad\nn f=2');
    assert.deepEqual(lines, ['m f=1', 'n f=2']);
    assert.deepEqual(errors, [{ index: 3, reason: "missing fields: 'bad'" }]);
  });

  it('reports a bad line of a text in an array by the position of the text in the array', () => {
    const { lines, errors } = toLines(['m f=1', 'bad\nn f=2', { fields: { a: 1 } }, 5]);
    assert.deepEqual(lines, ['m f=1', 'n f=2', 'environment a=1']);
    assert.deepEqual(errors, [
      { index: 1, reason: "missing fields: 'bad'" },
      { index: 3, reason: 'a point must be an object with fields, not number 5' },
    ]);
  });
});

describe('line protocol text: trimming and skipping', () => {
  it('removes leading blanks and NULs and every trailing blank and carriage return', () => {
    assert.deepEqual(accepted('\t m f=1'), ['m f=1']);
    assert.deepEqual(accepted('\0m f=1'), ['m f=1']);
    assert.deepEqual(accepted('m f=1 \t\r'), ['m f=1']);
    assert.deepEqual(accepted('m f=1\r\r'), ['m f=1']);
  });

  it('skips blank lines and comments, also indented ones', () => {
    assert.deepEqual(checkLine('', 'ns'), { ok: 'skip' });
    assert.deepEqual(checkLine('  \t', 'ns'), { ok: 'skip' });
    assert.deepEqual(checkLine('   # c', 'ns'), { ok: 'skip' });
    assert.deepEqual(checkLine('m f=1', 'ns'), { ok: true, line: 'm f=1' });
  });

  it('refuses a line that is not valid UTF-8', () => {
    assert.deepEqual(checkLine('m\ud800 f=1', 'ns'), {
      ok: false,
      reason: 'line is not valid UTF-8 (a lone surrogate U+D800 at position 1)',
    });
  });
});

describe('line protocol text: the reasons of the OSS parser', () => {
  const cases: [string, string][] = [
    [',t=a f=1', 'missing measurement'],
    ['m,=a f=1', 'missing tag key'],
    ['m,t f=1', 'missing tag value'],
    ['m,t,u=1 f=1', 'missing tag value'],
    ['m,t= f=1', 'missing tag value'],
    ['m,t=a=b f=1', 'invalid tag format'],
    ['m,_field=a f=1', 'cannot use reserved tag key "_field"'],
    ['m,_measurement=a f=1', 'cannot use reserved tag key "_measurement"'],
    ['m,time=a f=1', 'cannot use reserved tag key "time"'],
    ['m,__proto__=a f=1', `tag key "__proto__" ${FORBIDDEN}`],
    ['m,a=1,a=2 f=1', 'duplicate tags'],
    ['m,a\\ b=1,a\\ b=2 f=1', 'duplicate tags'],
    ['m,t=a', 'missing fields'],
    ['m,t=a,', 'missing tag key'],
    ['m', 'missing fields'],
    ['m ', 'missing fields'],
    ['m\\', 'missing fields'],
    ['m =1', 'missing field key'],
    ['m f', 'missing field value'],
    ['m f,g=1', 'missing field value'],
    ['m f=', 'missing field value'],
    ['m f=,g=1', 'missing field value'],
    ['m f=1,', 'missing fields'],
    ['m f g=1', 'missing field value'],
    ['m f=1,=2', 'missing field key'],
    ['m f=1,g', 'missing field value'],
    ['m time=1', 'invalid field name: field "time" is reserved'],
    ['m f=1,__proto__=2', `field key "__proto__" ${FORBIDDEN}`],
    ['m f="a"b', 'invalid field format'],
    ['m f="a",g=1x', 'invalid number 1x of field "g"'],
    ['m f="a', 'unbalanced quotes'],
    ['m f="a\\"', 'unbalanced quotes'],
    ['m f="\ud800"', 'line is not valid UTF-8 (a lone surrogate U+D800 at position 5)'],
    ['m f=1 x', 'bad timestamp'],
    ['m f=1 5a', 'bad timestamp'],
    ['m f=1 a5', 'bad timestamp'],
    ['m f=1 1 2', 'point is invalid'],
    ['m f=1 ' + '9'.repeat(30), `timestamp ${'9'.repeat(30)} ns is outside InfluxDB's range (years 1677 to 2262)`],
  ];
  for (const [line, reason] of cases) {
    it(`refuses ${JSON.stringify(line)}: ${reason}`, () => {
      assert.equal(lineReason(line), reason);
    });
  }

  it('accepts escaped separators in names, several spaces before the fields and a negative timestamp', () => {
    assert.deepEqual(accepted('m\\ x,t\\,y=a\\ b f\\=g=1'), ['m\\ x,t\\,y=a\\ b f\\=g=1']);
    assert.deepEqual(accepted('m,a\\ b=1,a\\=b=2 f=1'), ['m,a\\ b=1,a\\=b=2 f=1']);
    assert.deepEqual(accepted('m  f=1'), ['m  f=1']);
    assert.deepEqual(accepted('m f=1 -5'), ['m f=1 -5']);
    assert.deepEqual(accepted('m f=1   7'), ['m f=1   7']);
  });

  it('accepts escaped quotes and backslashes inside a string value', () => {
    assert.deepEqual(accepted('m f="a\\"b"'), ['m f="a\\"b"']);
    assert.deepEqual(accepted('m f="a\\\\"'), ['m f="a\\\\"']);
    assert.deepEqual(accepted('m f="a\\\\",g=1'), ['m f="a\\\\",g=1']);
  });

  it('measures a string value after its escapes are removed', () => {
    // 1 MiB of `\"` is 2 MiB as written but 1 MiB of quotes once read: it fits.
    const mib = 1024 * 1024;
    assert.equal(accepted(`m f="${'\\"'.repeat(mib)}"`).length, 1);
    assert.equal(accepted(`m f="${'\\\\'.repeat(mib)}"`).length, 1);
    assert.match(toLines(`m f="${'\\"'.repeat(mib)}x"`).errors[0].reason, /^field "f" is a text of 1048577 bytes/);
  });
});

describe('line protocol text: field values', () => {
  it('takes every boolean spelling InfluxDB takes and no other', () => {
    const spellings = ['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE'];
    const line = `m ${spellings.map((b, i) => `b${i}=${b}`).join(',')}`;
    assert.deepEqual(accepted(line), [line]);
    for (const wrong of ['tRUE', 'yes', 'FaLsE']) {
      assert.equal(lineReason(`m f=${wrong}`), `invalid number ${wrong} of field "f"`);
    }
  });

  it('takes integers up to the int64 limits and refuses one beyond, or any other digits', () => {
    assert.deepEqual(accepted('m f=9223372036854775807i,g=-9223372036854775808i,h=-1i'), [
      'm f=9223372036854775807i,g=-9223372036854775808i,h=-1i',
    ]);
    assert.equal(lineReason('m f=9223372036854775808i'), 'integer 9223372036854775808i of field "f" is out of range');
    assert.equal(lineReason('m f=-9223372036854775809i'), 'integer -9223372036854775809i of field "f" is out of range');
    assert.equal(
      lineReason('m f=100000000000000000000000i'),
      'integer 100000000000000000000000i of field "f" is out of range',
    );
    for (const bad of ['1.5i', 'ai', 'x1i', '1xi', '--1i', 'i']) {
      assert.equal(lineReason(`m f=${bad}`), `unable to parse integer ${bad} of field "f"`);
    }
  });

  it('does not count leading zeros towards the size of an integer', () => {
    assert.deepEqual(accepted('m f=000000000000000000000000001i'), ['m f=000000000000000000000000001i']);
    assert.deepEqual(accepted('m f=-000000000000000000000000001i'), ['m f=-000000000000000000000000001i']);
    assert.deepEqual(accepted('m f=000000000000000000000000001u'), ['m f=000000000000000000000000001u']);
  });

  it('takes unsigned integers from 0 to the uint64 limit and nothing signed or fractional', () => {
    assert.deepEqual(accepted('m f=0u,g=18446744073709551615u'), ['m f=0u,g=18446744073709551615u']);
    assert.equal(
      lineReason('m f=18446744073709551616u'),
      'unsigned 18446744073709551616u of field "f" is out of range',
    );
    for (const bad of ['-1u', '1.5u', 'au', 'x1u', '1xu', 'u']) {
      assert.equal(lineReason(`m f=${bad}`), `unable to parse unsigned ${bad} of field "f"`);
    }
  });

  it('takes floats in every form Go parses and refuses the rest', () => {
    const good = ['1', '-1', '1.5', '.5', '.55', '5.', '1e5', '1E5', '-1.5E-3', '.5e1', '1e+5'];
    const line = `m ${good.map((v, i) => `f${i}=${v}`).join(',')}`;
    assert.deepEqual(accepted(line), [line]);
    for (const bad of ['1x', 'x1', '1.2.3', '1e', '1e+', '.', '-', '--1', 'a.5', '.5x', '1..', '.e1', '.x']) {
      assert.equal(lineReason(`m f=${bad}`), `invalid number ${bad} of field "f"`);
    }
    assert.equal(lineReason('m f=1e400'), 'invalid float 1e400 of field "f"');
  });

  it('refuses a too-long series key and a field key that makes the key too long, counting bytes', () => {
    const { errors } = toLines(`m,t=${'x'.repeat(70000)} f=1`);
    assert.match(errors[0].reason, /^measurement and tags are 70004 bytes; InfluxDB allows at most 65535/);
    const multiByte = toLines(`${'é'.repeat(20000)} ${'k'.repeat(30000)}=1`);
    assert.deepEqual(multiByte.lines, []);
    assert.match(multiByte.errors[0].reason, /with the measurement and tags it makes a key of 70004 bytes/);
    const fits = `${'é'.repeat(20000)} ${'k'.repeat(25000)}=1`;
    assert.deepEqual(toLines(fits).lines, [fits]);
  });
});

describe('point objects: every rule with its reason', () => {
  it('names one unknown property or up to five of several', () => {
    assert.equal(
      pointReason({ fields: { a: 1 }, foo: 1 }),
      "unknown property 'foo'; a point has measurement, tags, fields and timestamp",
    );
    assert.equal(
      pointReason({ fields: { a: 1 }, foo: 1, bar: 2 }),
      "unknown properties 'foo', 'bar'; a point has measurement, tags, fields and timestamp",
    );
    assert.equal(
      pointReason({ fields: { a: 1 }, a1: 1, a2: 1, a3: 1, a4: 1, a5: 1, a6: 1 }),
      "unknown properties 'a1', 'a2', 'a3', 'a4', 'a5'; a point has measurement, tags, fields and timestamp",
    );
  });

  it('refuses what is not a plain object as a point, tags or fields', () => {
    assert.equal(pointReason(null), 'a point must be an object with fields, not null');
    assert.equal(pointReason([1]), 'a point must be an object with fields, not an array');
    assert.equal(pointReason(new Date(0)), 'a point must be an object with fields, not an object');
    assert.equal(pointReason({ fields: { a: 1 }, tags: ['x'] }), 'tags must be an object of texts, not an array');
    assert.equal(pointReason({ fields: { a: 1 }, tags: 'x' }), "tags must be an object of texts, not the text 'x'");
    assert.equal(
      pointReason({ fields: { a: 1 }, tags: new Date(0) }),
      'tags must be an object of texts, not an object',
    );
    assert.equal(pointReason({ fields: [1] }), 'fields must be an object such as {temperature: 21.5}, not an array');
    assert.equal(
      pointReason({ fields: new Map([['a', 1]]) }),
      'fields must be an object such as {temperature: 21.5}, not an object',
    );
    assert.equal(pointReason({}), 'fields must be an object such as {temperature: 21.5}, not undefined');
    assert.equal(
      toLines(new Date(0)).errors[0].reason,
      'input must be a point object, an array of points or line protocol text, not an object',
    );
  });

  it('takes tags given as null or undefined as no tags', () => {
    assert.equal(pointLine({ fields: { a: 1 }, tags: null }), 'environment a=1');
    assert.equal(pointLine({ fields: { a: 1 }, tags: undefined }), 'environment a=1');
  });

  it('refuses a backslash that would escape a separator, in the measurement, a tag or a field key', () => {
    for (const measurement of ['a\\', 'a\\"b', 'a\\,b', 'a\\=b', 'a\\ b']) {
      assert.equal(pointReason({ measurement, fields: { a: 1 } }), `measurement '${measurement}' ${BACKSLASH}`);
    }
    assert.equal(pointLine({ measurement: 'a\\b', fields: { a: 1 } }), 'a\\b a=1');
    assert.equal(pointReason({ fields: { a: 1 }, tags: { 'a\\': 'x' } }), `tag 'a\\' ${BACKSLASH}`);
    assert.equal(pointReason({ fields: { a: 1 }, tags: { a: 'x\\' } }), `tag 'a' ${BACKSLASH}`);
    assert.equal(pointReason({ fields: { a: 1 }, tags: { a: 'x\\,y' } }), `tag 'a' ${BACKSLASH}`);
    // A tag may hold a backslash before a quote: quotes mean nothing in tags.
    assert.equal(pointLine({ fields: { a: 1 }, tags: { 'a\\"': 'x\\"y' } }), 'environment,a\\"=x\\"y a=1');
    assert.equal(pointReason({ fields: { 'a\\': 1 } }), `field key 'a\\' ${BACKSLASH}`);
    assert.equal(pointReason({ fields: { 'a\\"b': 1 } }), `field key 'a\\"b' ${BACKSLASH}`);
  });

  it('refuses control characters in names and tag values', () => {
    const control = (at: number, code = '000A') =>
      `has a control character (U+${code}) at position ${at}, which line protocol cannot carry`;
    assert.equal(pointReason({ measurement: 'a\nb', fields: { a: 1 } }), `measurement 'a\\u000ab' ${control(1)}`);
    assert.equal(pointReason({ fields: { a: 1 }, tags: { 'a\tb': 'x' } }), `tag key 'a\\u0009b' ${control(1, '0009')}`);
    assert.equal(pointReason({ fields: { a: 1 }, tags: { a: 'x\ny' } }), `tag 'a' value ${control(1)}`);
    assert.equal(pointReason({ fields: { 'a\nb': 1 } }), `field key 'a\\u000ab' ${control(1)}`);
  });

  it('refuses empty and forbidden keys', () => {
    assert.equal(pointReason({ fields: { a: 1 }, tags: { '': 'x' } }), 'a tag key is empty');
    assert.equal(pointReason({ fields: { '': 1 } }), 'a field key is empty');
    assert.equal(
      pointReason({ fields: { a: 1 }, tags: JSON.parse('{"__proto__":"x"}') }),
      `tag key '__proto__' ${FORBIDDEN}`,
    );
    assert.equal(pointReason({ fields: JSON.parse('{"__proto__":1}') }), `field key '__proto__' ${FORBIDDEN}`);
  });

  it('refuses a series key or field key that is too long', () => {
    assert.equal(
      pointReason({ tags: { t: 'x'.repeat(70000) }, fields: { a: 1 } }),
      'measurement and tags are 70014 bytes; InfluxDB allows at most 65535 (max key length exceeded)',
    );
    assert.match(
      pointReason({ measurement: 'é'.repeat(20000), fields: { ['k'.repeat(30000)]: 1 } }),
      /^field key 'k{60}…' with the measurement and tags it makes a key of 70004 bytes/,
    );
  });
});

describe('point objects: field values', () => {
  it('writes a bigint as an integer and booleans as T and F', () => {
    assert.equal(pointLine({ fields: { a: 5n, b: true, c: false } }), 'environment a=5i,b=T,c=F');
    assert.equal(
      pointReason({ fields: { a: 2n ** 63n } }),
      "field 'a' value 9223372036854775808 is out of the int64 range",
    );
  });

  it('refuses values that are not a number, text, boolean or {type, value}', () => {
    const not = (what: string) => `field 'a' must be a number, text, boolean or {type, value}, not ${what}`;
    assert.equal(pointReason({ fields: { a: Symbol('x') } }), not('a symbol'));
    assert.equal(pointReason({ fields: { a: () => 1 } }), not('a function'));
    assert.equal(pointReason({ fields: { a: { value: 1 } } }), not('an object'));
    assert.equal(pointReason({ fields: { a: { type: 'int' } } }), not('an object'));
    assert.equal(pointReason({ fields: { a: { type: 1, value: 1 } } }), not('an object'));
    assert.equal(pointReason({ fields: { a: [1] } }), not('an array'));
    assert.equal(pointReason({ fields: { a: new Date(0) } }), not('an object'));
    assert.equal(pointReason({ fields: { a: new Map() } }), not('an object'));
  });

  it('takes a typed value only of its own type', () => {
    assert.equal(pointLine({ fields: { a: { type: 'float', value: 1.5 } } }), 'environment a=1.5');
    assert.equal(pointLine({ fields: { a: { type: 'bool', value: true } } }), 'environment a=T');
    assert.equal(pointLine({ fields: { a: { type: 'bool', value: false } } }), 'environment a=F');
    assert.equal(pointLine({ fields: { a: { type: 'string', value: 'x"y' } } }), 'environment a="x\\"y"');
    assert.equal(
      pointReason({ fields: { a: { type: 'float', value: '1' } } }),
      "field 'a' of type float needs a number, not the text '1'",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'bool', value: 'true' } } }),
      "field 'a' of type bool needs a boolean, not the text 'true'",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'string', value: 1 } } }),
      "field 'a' of type string needs a text, not number 1",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'float', value: Infinity } } }),
      "field 'a' is Infinity; InfluxDB stores only finite numbers",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'string', value: '\ud800' } } }),
      "field 'a' is not valid UTF-8 (a lone surrogate U+D800 at position 0)",
    );
  });

  it('reads integers from digit texts of any sign, refuses other texts and huge ones without reading them', () => {
    assert.equal(pointLine({ fields: { a: { type: 'int', value: '-12' } } }), 'environment a=-12i');
    assert.equal(
      pointLine({ fields: { a: { type: 'uint', value: '18446744073709551615' } } }),
      'environment a=18446744073709551615u',
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: '1'.repeat(25) } } }),
      `field 'a' value ${'1'.repeat(25)} is out of the int64 range`,
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: '1'.repeat(26) } } }),
      `field 'a' of type int: the text '${'1'.repeat(26)}' is out of range`,
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: '-' + '1'.repeat(26) } } }),
      `field 'a' of type int: the text '-${'1'.repeat(26)}' is out of range`,
    );
    for (const text of ['12x', 'x12', '1 2', '']) {
      assert.equal(
        pointReason({ fields: { a: { type: 'int', value: text } } }),
        `field 'a' of type int: the text '${text}' is not an integer`,
      );
    }
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: 'x'.repeat(30) + '1' } } }),
      `field 'a' of type int: the text '${'x'.repeat(30)}1' is not an integer`,
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: ['12'] } } }),
      "field 'a' of type int: an array is not an integer",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: ['1'.repeat(26)] } } }),
      "field 'a' of type int: an array is not an integer",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'int', value: true } } }),
      "field 'a' of type int: boolean true is not an integer",
    );
    assert.equal(
      pointReason({ fields: { a: { type: 'uint', value: 2n ** 64n } } }),
      "field 'a' value 18446744073709551616 is out of the uint64 range",
    );
  });
});
