/**
 * What the windows and the batch estimate are for, beyond the points they give (mutation testing,
 * `npm run mutate`, showed these unchecked): no window is larger than asked unless one line needs it,
 * a long line's larger window does not outlast it, and a uniform body's batch is sized from its first
 * lines instead of grown by doubling.
 */
import assert from 'node:assert/strict';
import { Body } from '../../emulator/lineprotocol/bytes';
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
      const lines = fleetLines(6000, 1);
      const { batch, errors } = parseWriteBody(lines.join('\n'), 'ms', NOW, { windowBytes });
      assert.deepEqual(errors, []);
      assert.equal(batch.fieldCount, 6000 * 3 - 3);
      // Doubling from 1024 fields would end at 32768; the estimate (5% slack) stays near 18000.
      assert.ok(batch.capacity >= batch.fieldCount, `capacity ${batch.capacity}`);
      assert.ok(batch.capacity <= 18000 * 1.1, `capacity ${batch.capacity} in windows of ${windowBytes} bytes`);
    }
  });
});
