/**
 * What the windows and the batch estimate are for, beyond the points they give (mutation testing,
 * `npm run mutate`, showed these unchecked): no window is larger than asked unless one line needs it,
 * a long line's larger window does not outlast it, and a uniform body's batch is sized from its first
 * lines instead of grown by doubling; and the UTF-8 rules of bytes.ts byte by byte.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Body, goDecode, goQuote, goQuoteBytes } from '../../emulator/lineprotocol/bytes';
import { parseWriteBody } from '../../emulator/lineprotocol/parse';

const NOW = 1_767_225_600_000_000_000n;

/** Lines of a fleet: `devices` series, three compact fields each. */
function fleetLines(count: number, devices: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `environment,clientId=device-${i % devices},TemperatureSensor=virtual_TemperatureSensor ` +
      `Temperature=${(20 + (i % 7) / 10).toFixed(1)},CO2=${400 + i}i,ok=t ${1767225600000 + i}`,
  );
}

/** The windows (byte ranges of the body) parseWriteBody shows to its parsers, in order. */
function windowsShown(body: Buffer, windowBytes?: number): { from: number; to: number }[] {
  const shown: { from: number; to: number }[] = [];
  const show = Body.prototype.show;
  Body.prototype.show = function (this: Body, from: number, to: number): void {
    show.call(this, from, to);
    if (this.bytes === body) shown.push({ from: this.offset, to: this.offset + this.s.length });
  };
  try {
    parseWriteBody(body, 'ms', NOW, windowBytes === undefined ? {} : { windowBytes });
  } finally {
    Body.prototype.show = show;
  }
  return shown;
}

describe('line protocol windows and batch sizing (kills mutants of parse.ts)', () => {
  it('reads a body in windows of 64 KiB by default, each starting where a line does', () => {
    const body = Buffer.from(fleetLines(3000, 10).join('\n'));
    const windows = windowsShown(body);
    assert.ok(body.length > 3 * 65536, `body of only ${body.length} bytes`);
    assert.deepEqual(windows[0], { from: 0, to: 65536 });
    for (const w of windows) assert.ok(w.to - w.from <= 65536, `window ${w.from}-${w.to}`);
    const lineStarts = new Set([0, ...[...body.entries()].filter(([, b]) => b === 10).map(([i]) => i + 1)]);
    for (const w of windows) assert.ok(lineStarts.has(w.from), `window from ${w.from} starts inside a line`);
    assert.equal(windows.at(-1)?.to, body.length);
    // Each window goes on from (at most a line before) where the last one ended.
    for (let k = 1; k < windows.length; k++) {
      const [last, next] = [windows[k - 1], windows[k]];
      assert.ok(next.from > last.from && next.from <= last.to && last.to - next.from < 200, `windows ${k - 1}, ${k}`);
    }
  });

  it('shows windows of the size asked, larger only while one line does not fit', () => {
    const long = `m,host=${'h'.repeat(300)} f=1 1`;
    const body = Buffer.from([...fleetLines(8, 2), long, ...fleetLines(8, 2)].join('\n'));
    const sizes = windowsShown(body, 128).map((w) => w.to - w.from);
    // The long line (320 bytes) needs windows of 256 and 512 bytes; the rest are 128 again (the last may be short).
    assert.deepEqual(
      sizes
        .slice(0, -1)
        .filter((n) => n !== 128)
        .sort(),
      [256, 512],
    );
    assert.ok(sizes.at(-1)! <= 128);
    assert.ok(sizes.indexOf(512) < sizes.length - 2, 'no window of 128 bytes after the long line');
  });

  it('sizes a uniform body’s batch from its first lines, read in windows, without growing it by doubling', () => {
    for (const windowBytes of [1024, 65536]) {
      // One series: the estimate counts compact fields only, and the first line of a series is kept whole.
      // A short first line: an estimate from the first few lines, not the first 64, would be 40% too large.
      const lines = ['m f=1 1', ...fleetLines(6000, 1)];
      const { batch, errors } = parseWriteBody(lines.join('\n'), 'ms', NOW, { windowBytes });
      assert.deepEqual(errors, []);
      assert.equal(batch.fieldCount, 6000 * 3 - 3);
      // Doubling from 1024 fields would end at 32768; the estimate (5% slack) stays near 18000.
      const [points, fields] = [batch.pointSeries.length, batch.fieldTypes.length];
      assert.ok(points >= 6001 && points <= 6000 * 1.1, `room for ${points} points in windows of ${windowBytes} bytes`);
      assert.ok(fields >= 18000 - 3 && fields <= 18000 * 1.1, `room for ${fields} fields in windows of ${windowBytes}`);
    }
  });
});

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Go's utf8.DecodeRune, from WHATWG's strict decoder (which refuses the same overlongs, surrogates and
 * code points above U+10FFFF): the length of the valid sequence at `i`, or 0.
 */
function validLength(bytes: Uint8Array, i: number): number {
  for (let n = 1; n <= 4 && i + n <= bytes.length; n++) {
    try {
      if ([...strictUtf8.decode(bytes.subarray(i, i + n))].length === 1) return n;
    } catch {
      // not a whole sequence of n bytes
    }
  }
  return 0;
}

/** Runes of the bytes as Go ranges over them: a valid sequence as its rune, else each byte as U+FFFD. */
function goRunes(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = validLength(bytes, i);
    out.push(n ? strictUtf8.decode(bytes.subarray(i, i + n)) : '\ufffd');
    i += n || 1;
  }
  return out;
}

/** Bytes that decide UTF-8 validity: ends of each lead and continuation range, ASCII, 0xff. */
const edgeByte = fc.constantFrom(
  0x00,
  0x41,
  0x7f,
  0x80,
  0x8f,
  0x90,
  0x9f,
  0xa0,
  0xbf,
  0xc0,
  0xc1,
  0xc2,
  0xc3,
  0xdf,
  0xe0,
  0xe1,
  0xec,
  0xed,
  0xee,
  0xef,
  0xf0,
  0xf1,
  0xf3,
  0xf4,
  0xf5,
  0xff,
);

describe('line protocol bytes as Go decodes and quotes them (kills mutants of bytes.ts)', () => {
  it('decodes each valid UTF-8 sequence as its rune and each other byte as one U+FFFD', () => {
    fc.assert(
      fc.property(fc.array(edgeByte, { maxLength: 12 }), fc.nat(3), (picked, from) => {
        const bytes = Uint8Array.from(picked);
        const latin1 = Buffer.from(bytes).toString('latin1');
        const a = Math.min(from, bytes.length);
        assert.equal(goDecode(latin1, a, bytes.length), goRunes(bytes.subarray(a)).join(''));
      }),
      { seed: 20261207, numRuns: 5000 },
    );
  });

  it('quotes each invalid byte as \\x.. and each valid sequence as its rune alone would be', () => {
    // goDecode hands valid stretches to WHATWG's decoder, which hides a wrong sequence length there; %q does not.
    const quoteRune = (rune: string) => goQuote(rune).slice(1, -1);
    const hex = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`;
    fc.assert(
      fc.property(fc.array(edgeByte, { maxLength: 12 }), (picked) => {
        const bytes = Uint8Array.from(picked);
        const expected: string[] = [];
        for (let i = 0; i < bytes.length;) {
          const n = validLength(bytes, i);
          expected.push(n ? quoteRune(strictUtf8.decode(bytes.subarray(i, i + n))) : hex(bytes[i]));
          i += n || 1;
        }
        const latin1 = Buffer.from(bytes).toString('latin1');
        assert.equal(goQuoteBytes(latin1, 0, bytes.length), `"${expected.join('')}"`);
      }),
      { seed: 20261207, numRuns: 5000 },
    );
    // A valid rune of each length is quoted as itself, not byte by byte.
    for (const rune of ['\u0080', '\u00e9', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\u{10000}', '\u{10ffff}']) {
      assert.doesNotMatch(goQuote(rune), /\\x/, `U+${rune.codePointAt(0)?.toString(16)}`);
    }
  });

  it('tells valid sequences from invalid ones at each edge of the UTF-8 ranges', () => {
    const cases: [number[], string][] = [
      [[0x7f], '\x7f'],
      [[0x80], '\ufffd'],
      [[0xc1, 0xbf], '\ufffd\ufffd'],
      [[0xc2, 0x80], '\u0080'],
      [[0xdf, 0xbf], '\u07ff'],
      [[0xc2, 0xc0], '\ufffd\ufffd'],
      [[0xe0, 0x9f, 0xbf], '\ufffd\ufffd\ufffd'],
      [[0xe0, 0xa0, 0x80], '\u0800'],
      [[0xed, 0x9f, 0xbf], '\ud7ff'],
      [[0xed, 0xa0, 0x80], '\ufffd\ufffd\ufffd'],
      [[0xef, 0xbf, 0xbf], '\uffff'],
      [[0xf0, 0x8f, 0xbf, 0xbf], '\ufffd\ufffd\ufffd\ufffd'],
      [[0xf0, 0x90, 0x80, 0x80], '\u{10000}'],
      [[0xf4, 0x8f, 0xbf, 0xbf], '\u{10ffff}'],
      [[0xf4, 0x90, 0x80, 0x80], '\ufffd\ufffd\ufffd\ufffd'],
      [[0xf5, 0x80, 0x80, 0x80], '\ufffd\ufffd\ufffd\ufffd'],
      [[0xe2, 0x82], '\ufffd\ufffd'],
      [[0xf0, 0x9f, 0x98], '\ufffd\ufffd\ufffd'],
      [[0xc3, 0xa9, 0xff, 0xc3, 0xa9], 'é\ufffdé'],
    ];
    for (const [bytes, text] of cases) {
      const latin1 = Buffer.from(bytes).toString('latin1');
      assert.equal(goDecode(latin1, 0, bytes.length), text, Buffer.from(bytes).toString('hex'));
    }
    // A sequence cut by the end of the range given is invalid even if the bytes go on after it.
    assert.equal(goDecode(Buffer.from([0x41, 0xc3, 0xa9]).toString('latin1'), 0, 2), 'A\ufffd');
    assert.equal(goQuoteBytes(Buffer.from([0x41, 0xc3, 0xa9]).toString('latin1'), 0, 2), '"A\\xc3"');
    // goDecode hands valid-looking stretches to WHATWG, which hides an overlong taken as valid; %q shows it.
    assert.equal(
      goQuoteBytes(Buffer.from([0xf0, 0x8f, 0xbf, 0xbf]).toString('latin1'), 0, 4),
      '"\\xf0\\x8f\\xbf\\xbf"',
    );
  });

  it('quotes as Go’s %q: control escapes, \\x below 0x80, \\u and \\U above, invalid bytes as \\x', () => {
    assert.equal(goQuote('\x07\b\f\n\r\t\v'), '"\\a\\b\\f\\n\\r\\t\\v"');
    assert.equal(goQuote('\x00\x1f\x7f'), '"\\x00\\x1f\\x7f"');
    assert.equal(goQuote('\u0080\u00ad'), '"\\u0080\\u00ad"');
    assert.equal(goQuote('\u{e0001}'), '"\\U000e0001"');
    assert.equal(goQuote('aé€\u{10000}"\\'), '"aé€\u{10000}\\"\\\\"');
    const bytes = Buffer.from([0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x82]).toString('latin1');
    assert.equal(goQuoteBytes(bytes, 0, 6), '"a\\xffé\\xe2\\x82"');
  });
});
