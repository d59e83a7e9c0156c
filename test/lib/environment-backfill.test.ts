import assert from 'node:assert/strict';
import { backfillChunks, backfillMinutes, missingMinutes, progressOf } from '../../lib/environment/backfill';

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = Date.parse('2024-03-10T12:34:56.789Z');
const NOW_MINUTE = Date.parse('2024-03-10T12:34:00Z');

describe('backfill minutes', () => {
  it('covers the whole 7 days when the device has no last entry', () => {
    const minutes = backfillMinutes(NOW);
    assert.equal(minutes.length, 7 * 1440);
    assert.equal(minutes[0], NOW_MINUTE - 7 * DAY + MINUTE);
    assert.equal(minutes[minutes.length - 1], NOW_MINUTE);
    assert.ok(minutes.every((m, i) => i === 0 || m - minutes[i - 1] === MINUTE));
  });

  it('writes the three minutes after a last entry three minutes ago', () => {
    const minutes = backfillMinutes(NOW, NOW - 3 * MINUTE);
    assert.deepEqual(
      minutes.map((m) => new Date(m).toISOString()),
      ['2024-03-10T12:32:00.000Z', '2024-03-10T12:33:00.000Z', '2024-03-10T12:34:00.000Z'],
    );
  });

  it('clamps a last entry 30 days ago to 7 days back', () => {
    assert.deepEqual(backfillMinutes(NOW, NOW - 30 * DAY), backfillMinutes(NOW));
  });

  it('writes nothing when the last entry is in the current minute', () => {
    assert.deepEqual(backfillMinutes(NOW, NOW_MINUTE + 1000), []);
  });
});

describe('missing minutes from per-minute counts', () => {
  const start = '2024-03-10T12:00:30Z';
  const row = (stop: string, count: number) => ({ _start: start, _time: stop, _value: count });

  it('gives the start of each window whose count is 0', () => {
    const minutes = missingMinutes([
      row('2024-03-10T12:02:00Z', 1),
      row('2024-03-10T12:03:00Z', 0),
      row('2024-03-10T12:04:00Z', 1),
      row('2024-03-10T12:05:00Z', 0),
    ]);
    assert.deepEqual(
      minutes.map((m) => new Date(m).toISOString()),
      ['2024-03-10T12:02:00.000Z', '2024-03-10T12:04:00.000Z'],
    );
  });

  it('drops the first window when it begins before the range start', () => {
    // The window 12:00–12:01 is cut to 12:00:30–12:01 by the range; its minute is outside the range.
    assert.deepEqual(missingMinutes([row('2024-03-10T12:01:00Z', 0)]), []);
  });

  it('takes the minute of a last window cut short by the range stop', () => {
    const minutes = missingMinutes([row('2024-03-10T12:34:56.789Z', 0)]);
    assert.deepEqual(minutes, [NOW_MINUTE]);
  });

  it('counts a minute as missing only when every table is empty there', () => {
    const minutes = missingMinutes([
      row('2024-03-10T12:03:00Z', 0),
      row('2024-03-10T12:04:00Z', 0),
      row('2024-03-10T12:03:00Z', 2),
    ]);
    assert.deepEqual(minutes, [Date.parse('2024-03-10T12:03:00Z')]);
  });

  it('accepts times in ms and counts without a range start', () => {
    assert.deepEqual(missingMinutes([{ _time: NOW_MINUTE, _value: 0 }]), [NOW_MINUTE - MINUTE]);
  });

  it('rejects a row without a time', () => {
    assert.throws(() => missingMinutes([{ _time: 'soon', _value: 0 }]), /no valid _time/);
  });
});

describe('backfill chunks', () => {
  it('splits into chunks of 2000 with the progress after each', () => {
    const items = Array.from({ length: 4500 }, (_, i) => i);
    const chunks = [...backfillChunks(items)];
    assert.deepEqual(
      chunks.map((c) => c.items.length),
      [2000, 2000, 500],
    );
    assert.deepEqual(
      chunks.map((c) => c.progress),
      [
        { written: 2000, total: 4500, percent: 44 },
        { written: 4000, total: 4500, percent: 88 },
        { written: 4500, total: 4500, percent: 100 },
      ],
    );
    assert.deepEqual(
      chunks.flatMap((c) => c.items),
      items,
    );
  });

  it('takes another chunk size', () => {
    assert.deepEqual(
      [...backfillChunks([1, 2, 3], 2)].map((c) => c.items),
      [[1, 2], [3]],
    );
  });

  it('yields nothing for nothing to write', () => {
    assert.deepEqual([...backfillChunks([])], []);
  });

  it('reports 100 percent only when everything is written', () => {
    assert.equal(progressOf(9999, 10000).percent, 99);
    assert.equal(progressOf(10000, 10000).percent, 100);
    assert.equal(progressOf(0, 0).percent, 100);
  });

  it('rejects a chunk size that is not a positive integer', () => {
    assert.throws(() => [...backfillChunks([1], 0)], RangeError);
  });
});
