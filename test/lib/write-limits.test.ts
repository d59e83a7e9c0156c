/**
 * What InfluxDB cannot store is refused at the edge, point by point, with a reason that names it and
 * stays short, while the good points of the same input still go: sizes, UTF-8, control characters,
 * `__proto__`, huge numbers in texts.
 */
import assert from 'node:assert/strict';
import { parseLineProtocol } from '../../emulator/lineprotocol/parse';
import { toLines } from '../../lib/write/point';

const reasonOf = (input: unknown): string => {
  const { lines, errors } = toLines(input);
  assert.deepEqual(lines, [], 'nothing is accepted');
  assert.equal(errors.length, 1);
  return errors[0].reason;
};
const MIB = 1024 * 1024;

describe('write: limits of what InfluxDB stores', () => {
  describe('point objects', () => {
    it('refuses a string field over 1 MiB, which InfluxDB 2.7 drops, and takes one of exactly 1 MiB', () => {
      assert.match(
        reasonOf({ fields: { note: 'é'.repeat(MIB / 2 + 1) } }),
        /^field 'note' is a text of 1048578 bytes; InfluxDB stores at most 1048576/,
      );
      assert.equal(toLines({ fields: { note: 'x'.repeat(MIB) } }).lines.length, 1);
    });

    it('refuses measurement and tags over 64 KiB (max key length), counting escaped bytes', () => {
      const reason = reasonOf({ measurement: 'm', tags: { t: ','.repeat(32767) }, fields: { v: 1 } });
      assert.equal(
        reason,
        'measurement and tags are 65538 bytes; InfluxDB allows at most 65535 (max key length exceeded)',
      );
    });

    it('refuses a field key that makes the key of its field too long, naming the key clipped', () => {
      const reason = reasonOf({ measurement: 'm', fields: { ['k'.repeat(65535)]: 1 } });
      assert.match(reason, /^field key 'k{60}…' with the measurement and tags it makes a key of 65540 bytes/);
      assert.ok(reason.length < 200, 'the reason stays short');
    });

    it('refuses a line break or tab in a measurement, tag or field key instead of storing "\\n"', () => {
      assert.match(
        reasonOf({ measurement: 'a\nb', fields: { v: 1 } }),
        /^measurement 'a\\u000ab' has a control character \(U\+000A\) at position 1/,
      );
      assert.match(
        reasonOf({ tags: { room: 'a\tb' }, fields: { v: 1 } }),
        /^tag 'room' value has a control character \(U\+0009\)/,
      );
      assert.match(
        reasonOf({ tags: { 'a\rb': 'x' }, fields: { v: 1 } }),
        /^tag key 'a\\u000db' has a control character/,
      );
      assert.match(reasonOf({ fields: { 'a\nb': 1 } }), /^field key 'a\\u000ab' has a control character/);
    });

    it('keeps a line break inside a string field value, which line protocol carries', () => {
      const { lines } = toLines({ measurement: 'm', fields: { s: 'one\ntwo' } });
      assert.deepEqual(parseLineProtocol(lines.join('\n'), 'ms', 0n).points[0]?.fields.get('s')?.value, 'one\ntwo');
    });

    it('refuses a lone surrogate, which would reach InfluxDB as U+FFFD', () => {
      assert.match(
        reasonOf({ tags: { t: 'a\ud800' }, fields: { v: 1 } }),
        /^tag 't' value is not valid UTF-8 \(a lone surrogate U\+D800 at position 1\)/,
      );
      assert.match(reasonOf({ fields: { s: '\udc00' } }), /^field 's' is not valid UTF-8/);
      assert.equal(toLines({ fields: { s: '😀' } }).lines.length, 1, 'a surrogate pair is fine');
    });

    it('refuses __proto__ as a tag or field key, and never changes a prototype', () => {
      const point = JSON.parse('{"tags":{"__proto__":"x"},"fields":{"v":1}}') as unknown;
      assert.match(reasonOf(point), /^tag key '__proto__' is not allowed/);
      assert.match(reasonOf(JSON.parse('{"fields":{"__proto__":1}}')), /^field key '__proto__' is not allowed/);
      assert.match(reasonOf(JSON.parse('{"tags":{"__proto__":{"polluted":"yes"}},"fields":{"v":1}}')), /__proto__/);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });

    it('writes constructor and prototype as plain names', () => {
      const { lines } = toLines({ measurement: 'm', tags: { constructor: 'c' }, fields: { prototype: 1 } });
      assert.deepEqual(lines, ['m,constructor=c prototype=1']);
    });

    it('refuses tags or fields given as a Map, which would silently be empty', () => {
      assert.match(reasonOf({ tags: new Map([['a', 'b']]), fields: { v: 1 } }), /^tags must be an object of texts/);
      assert.match(reasonOf({ fields: new Map([['v', 1]]) }), /^fields must be an object/);
    });

    it('reports a hole of a sparse array as a missing point', () => {
      const sparse: unknown[] = [{ measurement: 'm', fields: { v: 1 } }];
      sparse[2] = { measurement: 'm', fields: { v: 3 } };
      const { lines, errors } = toLines(sparse);
      assert.deepEqual(lines, ['m v=1', 'm v=3']);
      assert.deepEqual(errors, [{ index: 1, reason: 'a point must be an object with fields, not undefined' }]);
    });

    it('refuses a huge digit text as out of range quickly and with a short reason', () => {
      const digits = '9'.repeat(1_000_000);
      const started = Date.now();
      const time = reasonOf({ fields: { v: 1 }, timestamp: digits });
      const int = reasonOf({ fields: { v: { type: 'int', value: digits } } });
      assert.ok(Date.now() - started < 50, 'no huge number is read');
      assert.match(time, /^timestamp 9{60}… ms is outside InfluxDB's range/);
      assert.match(int, /^field 'v' of type int: the text '9{40}…' is out of range$/);
    });

    it('keeps the good points of an array while each bad one is named', () => {
      const { lines, errors } = toLines([
        { measurement: 'm', fields: { v: 1 } },
        { measurement: 'm', fields: { v: Infinity } },
        { measurement: 'm', tags: { t: 'a\nb' }, fields: { v: 2 } },
        { measurement: 'm', fields: { v: 3 } },
      ]);
      assert.deepEqual(lines, ['m v=1', 'm v=3']);
      assert.deepEqual(
        errors.map((e) => [e.index, e.reason.split(' ').slice(0, 2).join(' ')]),
        [
          [1, "field 'v'"],
          [2, "tag 't'"],
        ],
      );
    });
  });

  describe('line protocol text', () => {
    it('refuses a string field over 1 MiB', () => {
      assert.match(reasonOf(`m s="${'x'.repeat(MIB + 1)}"`), /^field "s" is a text of 1048577 bytes/);
    });

    it('refuses a series key over 64 KiB as InfluxDB does', () => {
      assert.match(reasonOf(`m,t=${'x'.repeat(65535)} v=1`), /^measurement and tags are 65539 bytes/);
    });

    it('refuses a lone surrogate anywhere in the line', () => {
      assert.match(reasonOf('m v="\ud800"'), /^line is not valid UTF-8 \(a lone surrogate U\+D800 at position 5\)/);
    });

    it('refuses __proto__ as a tag or field key, as for point objects', () => {
      assert.match(reasonOf('m,__proto__=x v=1'), /^tag key "__proto__" is not allowed/);
      assert.match(reasonOf('m __proto__=1'), /^field key "__proto__" is not allowed/);
    });

    it('refuses a huge integer quickly, with the value clipped in the reason', () => {
      const reason = reasonOf(`m v=${'9'.repeat(1_000_000)}i`);
      assert.match(reason, /^integer 9{60}… of field "v" is out of range/);
      assert.ok(reason.length < 300);
    });
  });
});
