import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage, Storage } from '../../emulator/storage/sqlite/open';
import type { FieldValue, Point } from '../../emulator/storage/types';

function point(
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, FieldValue>,
  time: bigint,
): Point {
  return {
    measurement,
    tags: Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)),
    fields: new Map(Object.entries(fields)),
    time,
  };
}
const dbl = (value: number): FieldValue => ({ type: 'double', value });
const NOW = 1_700_000_000_000_000_000n;

describe('point storage (SQLite)', () => {
  let storage: Storage;
  beforeEach(() => {
    storage = openStorage(':memory:');
  });
  afterEach(() => storage.close());

  it('reads back every field type exactly', () => {
    storage.points.write(
      'b1',
      [
        point(
          'm',
          { host: 'a' },
          {
            f: dbl(1.5),
            i: { type: 'long', value: -9007199254740993n },
            u: { type: 'unsignedLong', value: 18446744073709551615n },
            b: { type: 'boolean', value: false },
            s: { type: 'string', value: 'hé "x"' },
            n: { type: 'string', value: '0123' },
          },
          10n,
        ),
      ],
      0,
      NOW,
    );
    const series = storage.points.read({ bucketId: 'b1', start: 0n, stop: 100n });
    const byField = Object.fromEntries(series.map((s) => [s.field, [s.type, s.values[0]]]));
    assert.deepEqual(byField, {
      b: ['boolean', false],
      f: ['double', 1.5],
      i: ['long', -9007199254740993n],
      n: ['string', '0123'],
      s: ['string', 'hé "x"'],
      u: ['unsignedLong', 18446744073709551615n],
    });
    assert.deepEqual(series[0].times, [10n]);
    assert.deepEqual(series[0].tags, [['host', 'a']]);
  });

  it('keeps the last value written for the same series, field and time, and merges field sets', () => {
    storage.points.write('b1', [point('m', {}, { a: dbl(1), b: dbl(2) }, 5n)], 0, NOW);
    storage.points.write('b1', [point('m', {}, { a: dbl(3) }, 5n)], 0, NOW);
    const values = storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n }).map((s) => [s.field, s.values]);
    assert.deepEqual(values, [
      ['a', [3]],
      ['b', [2]],
    ]);
  });

  it('drops the whole point when a field already exists with another type, and reports the conflict', () => {
    storage.points.write('b1', [point('m', {}, { a: dbl(1) }, 1n)], 0, NOW);
    const outcome = storage.points.write(
      'b1',
      [point('m', {}, { a: { type: 'string', value: 'x' }, b: dbl(2) }, 2n), point('m', {}, { b: dbl(3) }, 3n)],
      0,
      NOW,
    );
    assert.deepEqual(outcome.typeConflicts, [
      { measurement: 'm', field: 'a', type: 'string', existing: 'double', dropped: 1 },
    ]);
    assert.equal(outcome.rejectedPoints, 1);
    assert.deepEqual(outcome.firstRejection, {
      kind: 'type conflict',
      measurement: 'm',
      field: 'a',
      type: 'string',
      existing: 'double',
    });
    // As InfluxDB 2.7 (tsdb/field_validator.go): the point goes, b included; the next point is written.
    const fields = storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n }).map((s) => [s.field, s.times]);
    assert.deepEqual(fields, [
      ['a', [1n]],
      ['b', [3n]],
    ]);
  });

  it('never stores a field named time, and refuses a point that has no other field', () => {
    const outcome = storage.points.write(
      'b1',
      [point('m', {}, { time: dbl(1) }, 1n), point('m', {}, { time: dbl(1), f: dbl(2) }, 2n)],
      0,
      NOW,
    );
    assert.equal(outcome.rejectedPoints, 1);
    assert.deepEqual(outcome.firstRejection, { kind: 'time field', measurement: 'm' });
    const fields = storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n }).map((s) => [s.field, s.times]);
    assert.deepEqual(fields, [['f', [2n]]]);
  });

  it('refuses a point with a string value over 1 MiB (UTF-8 bytes)', () => {
    const long = 'é'.repeat(524_289); // 1,048,578 bytes in 524,289 characters
    const outcome = storage.points.write(
      'b1',
      [
        point('m', {}, { s: { type: 'string', value: long } }, 1n),
        point('m', {}, { s: { type: 'string', value: 'ok' } }, 2n),
      ],
      0,
      NOW,
    );
    assert.deepEqual(outcome.firstRejection, { kind: 'too long', measurement: 'm', field: 's', bytes: 1_048_578 });
    assert.deepEqual(
      storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n }).map((s) => s.values),
      [['ok']],
    );
  });

  it('drops points older than the retention period', () => {
    const hour = 3_600_000_000_000n;
    const outcome = storage.points.write(
      'b1',
      [point('m', {}, { a: dbl(1) }, NOW - 2n * hour), point('m', {}, { a: dbl(2) }, NOW)],
      3600,
      NOW,
    );
    assert.equal(outcome.droppedOutsideRetention, 1);
    assert.equal(outcome.oldestDropped, NOW - 2n * hour);
    assert.equal(storage.points.read({ bucketId: 'b1', start: 0n, stop: NOW + 1n })[0].values.length, 1);
  });

  it('narrows a read by measurement, field, tag values and time range', () => {
    const pts: Point[] = [];
    for (const dev of ['d1', 'd2', 'd3']) {
      for (let t = 0n; t < 10n; t++) pts.push(point('env', { clientId: dev }, { T: dbl(Number(t)), H: dbl(1) }, t));
      pts.push(point('other', { clientId: dev }, { T: dbl(0) }, 1n));
    }
    storage.points.write('b1', pts, 0, NOW);
    const got = storage.points.read({
      bucketId: 'b1',
      start: 2n,
      stop: 5n,
      measurements: ['env'],
      fields: ['T'],
      tags: { clientId: ['d1', 'd3'] },
    });
    assert.deepEqual(
      got.map((s) => [s.measurement, s.tags[0][1], s.field, s.times]),
      [
        ['env', 'd1', 'T', [2n, 3n, 4n]],
        ['env', 'd3', 'T', [2n, 3n, 4n]],
      ],
    );
    assert.deepEqual(storage.points.read({ bucketId: 'other-bucket', start: 0n, stop: 100n }), []);
  });

  it('cuts a read into grid windows: counts per window and values in time order, by seeks or row by row', () => {
    // Times on both sides of the epoch, a gap of empty windows, and an int64 beyond 2^53.
    const times = [-25n, -20n, -7n, -1n, 0n, 3n, 4n, 9n, 40n, 41n, 59n];
    storage.points.write(
      'b1',
      times.flatMap((t, i) => [
        point('m', { host: 'a' }, { f: dbl(i / 3 - 1), i: { type: 'long', value: 2n ** 60n + BigInt(i) } }, t),
        point('m', { host: 'b' }, { s: { type: 'string', value: `s${i}` } }, t),
      ]),
      0,
      NOW,
    );
    const read = (every: bigint, stop: bigint, keep = (s: { tags: [string, string][] }) => s.tags[0][1] === 'a') =>
      storage.points.readWindows(
        { bucketId: 'b1', start: -22n, stop, origin: -30n, every, values: true, keep },
        (values) => values,
      );
    const expected = (every: bigint, stop: bigint) =>
      storage.points.read({ bucketId: 'b1', start: -22n, stop, tags: { host: ['a'] } }).map((s) => {
        const byWindow = new Map<number, unknown[]>();
        s.times.forEach((t, i) => {
          const k = Number((t + 30n) / every);
          byWindow.set(k, [...(byWindow.get(k) ?? []), s.values[i]]);
        });
        return { field: s.field, windows: [...byWindow.keys()], results: [...byWindow.values()] };
      });
    // 10ns windows up to 50: a few, found by seeks; 1ns windows up to 10,000: many, grouped row by row.
    for (const [every, stop] of [
      [10n, 50n],
      [1n, 10_000n],
    ])
      assert.deepEqual(
        read(every, stop).map((s) => ({ field: s.field, windows: s.windows, results: s.results })),
        expected(every, stop),
      );
    assert.deepEqual(
      read(10n, 50n, () => false).map((s) => s.field),
      [],
    );
    const counted = storage.points.readWindows(
      { bucketId: 'b1', start: -22n, stop: 50n, origin: -30n, every: 10n, values: false, keep: () => true },
      (values) => values.length,
    );
    assert.deepEqual(
      counted.map((s) => [s.field, s.windows, s.results]),
      ['f', 'i', 's'].map((field) => [field, [1, 2, 3, 7], [1, 2, 4, 2]]),
    );
  });

  it('reads times as offsets from the start, with exact values', () => {
    storage.points.write(
      'b1',
      [
        point('m', {}, { i: { type: 'long', value: -(2n ** 62n) - 1n } }, NOW + 5n),
        point('m', {}, { i: { type: 'long', value: 7n } }, NOW + 17n),
      ],
      0,
      NOW,
    );
    const [series] = storage.points.readOffsets({ bucketId: 'b1', start: NOW, stop: NOW + 100n });
    assert.deepEqual(
      [series.offsets, series.values],
      [
        [5, 17],
        [-(2n ** 62n) - 1n, 7n],
      ],
    );
  });

  it('deletes points before a time and whole buckets', () => {
    storage.points.write('b1', [point('m', {}, { a: dbl(1) }, 1n), point('m', {}, { a: dbl(2) }, 5n)], 0, NOW);
    assert.equal(storage.points.deleteBefore('b1', 3n), 1);
    assert.deepEqual(storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n })[0].times, [5n]);
    storage.points.deleteBucket('b1');
    assert.deepEqual(storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n }), []);
    storage.points.write('b1', [point('m', {}, { a: { type: 'string', value: 'now a string' } }, 1n)], 0, NOW);
    assert.equal(storage.points.read({ bucketId: 'b1', start: 0n, stop: 10n })[0].type, 'string');
  });
});

describe('storage files', () => {
  it('keeps points and documents after the database is closed and opened again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-storage-'));
    try {
      const first = openStorage(dir);
      first.points.write('b1', [point('m', { t: 'v' }, { a: dbl(7) }, 3n)], 0, NOW);
      first.meta.orgs.put({ id: '0000000000000001', name: 'o', description: '', createdAt: 'c', updatedAt: 'u' });
      first.meta.orgs.put({ id: '0000000000000002', name: 'p', description: '', createdAt: 'c', updatedAt: 'u' });
      first.meta.orgs.put({ id: '0000000000000001', name: 'o2', description: '', createdAt: 'c', updatedAt: 'u' });
      first.close();
      const second = openStorage(dir);
      assert.deepEqual(second.points.read({ bucketId: 'b1', start: 0n, stop: 10n })[0].values, [7]);
      assert.deepEqual(
        second.meta.orgs.list().map((o) => o.name),
        ['o2', 'p'],
      );
      second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
