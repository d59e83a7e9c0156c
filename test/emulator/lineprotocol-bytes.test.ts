/**
 * The parser reads the body as bytes, as OSS models/points.go does: the reserved tag key 0xff, key
 * lengths in bytes, invalid UTF-8 decoded only when text leaves the body (WHATWG for stored text, one
 * U+FFFD per byte as Go's encoding/json shows it in messages), Go's %q of bytes, and the fields the
 * storage engine must see in line order.
 */
import assert from 'node:assert/strict';
import { goDecode, goQuote, goQuoteBytes } from '../../emulator/lineprotocol/bytes';
import { parseLineProtocol } from '../../emulator/lineprotocol/parse';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const parse = (body: Buffer) => parseLineProtocol(body, 'ns', 0n);

describe('line protocol: the body as bytes', () => {
  it('refuses the tag key 0xff, quoting it as Go does, wherever it is in the tag set', () => {
    for (const body of [bytes('m,', [0xff], '=v f=1'), bytes('m,a=1,', [0xff], '=v,z=2 f=1')]) {
      const { points, errors } = parse(body);
      assert.deepEqual(points, []);
      assert.match(errors[0] ?? '', /^unable to parse 'm,.*\ufffd=v.*': cannot use reserved tag key "\\xff"$/);
    }
    // Only the whole key: 0xff inside a longer key, or U+00FF (two bytes in UTF-8), is an ordinary key.
    assert.deepEqual(parse(bytes('m,a', [0xff], '=v f=1')).errors, []);
    assert.deepEqual(parse(bytes('m,ÿ=v f=1')).points[0]?.tags, [['ÿ', 'v']]);
  });

  it('stores invalid UTF-8 decoded as a client reads it back, and quotes lines with one U+FFFD per byte', () => {
    const { points } = parse(bytes('m', [0xe2, 0x82], ',t=', [0xc3], ' s="', [0xf0, 0x9f, 0x98], '\\"x"'));
    assert.equal(points[0]?.measurement, 'm\ufffd');
    assert.deepEqual(points[0]?.tags, [['t', '\ufffd']]);
    assert.deepEqual(points[0]?.fields.get('s'), { type: 'string', value: '\ufffd"x' });
    assert.deepEqual(parse(bytes('m', [0xe2, 0x82], ' f=')).errors, [
      "unable to parse 'm\ufffd\ufffd f=': missing field value",
    ]);
  });

  it('keeps valid UTF-8 as it is, on the fast and the slow path alike', () => {
    const { points } = parse(bytes('mé\\ x,tä=ö\\,1 fü="日本\\\\",g=1i 5\nplain f=1 6'));
    assert.equal(points[0]?.measurement, 'mé x');
    assert.deepEqual(points[0]?.tags, [['tä', 'ö,1']]);
    assert.deepEqual(points[0]?.fields.get('fü'), { type: 'string', value: '日本\\' });
    assert.equal(points[1]?.measurement, 'plain');
  });

  it('measures keys in bytes as sent', () => {
    // The series key of a field is measurement+tags, 4 bytes of separator and the field key.
    assert.deepEqual(parse(bytes([...Buffer.alloc(65_530, 0xff)], ' f=1')).errors, []);
    const key = [...Buffer.alloc(65_535, 0xff)];
    assert.match(parse(bytes(key, 'x f=1')).errors[0] ?? '', /max key length exceeded: 65536 > 65535$/);
    assert.match(parse(bytes('é'.repeat(32_766), ' ab=1')).errors[0] ?? '', /max key length exceeded: 65538 > 65535$/);
  });

  it('passes every field in line order to the storage engine only when a key repeats or a string may be too long', () => {
    assert.equal(parse(bytes('m f=1,g=2i')).points[0]?.lineFields, undefined);
    assert.deepEqual(
      parse(bytes('m f=1,g=2i,f=3i')).points[0]?.lineFields?.map((f) => [f.key, f.value.type]),
      [
        ['f', 'double'],
        ['g', 'long'],
        ['f', 'long'],
      ],
    );
    const long = parse(bytes('m s="', [0xff], 'a'.repeat(400_000), '\\""')).points[0];
    assert.deepEqual(
      long?.lineFields?.map((f) => [f.key, f.bytes]),
      [['s', 400_002]],
    );
  });

  it('decodes and quotes bytes as Go does', () => {
    const latin1 = (b: number[]) => Buffer.from(b).toString('latin1');
    assert.equal(
      goDecode(latin1([0x61, 0xe2, 0x82, 0x62, 0xed, 0xa0, 0x80]), 0, 7),
      'a\ufffd\ufffdb\ufffd\ufffd\ufffd',
    );
    assert.equal(goQuoteBytes(latin1([0xff, 0x00, 0x0a, 0x22, 0x5c, 0xc3, 0xa9]), 0, 7), '"\\xff\\x00\\n\\"\\\\é"');
    assert.equal(goQuote('a\u0085\u{1F600}'), '"a\\u0085\u{1F600}"');
  });
});
