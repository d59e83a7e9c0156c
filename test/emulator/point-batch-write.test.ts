/**
 * The write side reads a parsed body's compact batch (emulator/storage/point-batch.ts) directly. Each
 * body here is written twice into fresh stores, once as its batch and once as the `Point` objects the
 * batch materialises: the outcomes (drops, rejections, type conflicts) and everything stored must agree.
 */
import assert from 'node:assert/strict';
import { parseWriteBody } from '../../emulator/lineprotocol/parse';
import { openStorage } from '../../emulator/storage/sqlite/open';
import type { WriteOutcome } from '../../emulator/storage/types';

const NOW = 1_700_000_000_000_000_000n;
const HOUR = 3_600_000_000_000n;

function writeBoth(body: string, retentionSeconds = 0, earlier?: string) {
  const results: { outcome: WriteOutcome; stored: unknown }[] = [];
  for (const asBatch of [true, false]) {
    const storage = openStorage(':memory:');
    try {
      if (earlier !== undefined) storage.points.write('b', parseWriteBody(earlier, 'ns', NOW).batch, 0, NOW);
      const { batch, errors } = parseWriteBody(body, 'ns', NOW);
      assert.deepEqual(errors, []);
      // The batch must hold compact points (read by the fast path), or this compares objects with objects.
      assert.ok(batch.whole.length < batch.length, 'no line took the fast path');
      const outcome = storage.points.write('b', asBatch ? batch : batch.points(), retentionSeconds, NOW);
      const stored = storage.points
        .read({ bucketId: 'b', start: -(2n ** 62n), stop: 2n ** 62n })
        .map((s) => [s.measurement, s.tags, s.field, s.type, s.times, s.values]);
      results.push({ outcome, stored });
    } finally {
      storage.close();
    }
  }
  assert.deepStrictEqual(results[0], results[1]);
  return results[0];
}

describe('writing a parsed body as its compact batch', () => {
  it('stores every type the fast path reads as the objects would', () => {
    const { outcome, stored } = writeBoth(
      [
        'm,host=a f=1.5,i=-42i,u=7u,b=t,g=12.345678901234567 1',
        'm,host=a f=-0.25,i=9007199254740i,u=0u,b=FALSE,g=1e3 2',
        'm,host=b f=3 3',
        'm,host=a s="text",f=4 4',
        'm,host=a f=5 5',
      ].join('\n'),
    );
    assert.deepEqual(outcome.rejectedPoints, 0);
    assert.deepEqual(stored, [
      ['m', [['host', 'a']], 'b', 'boolean', [1n, 2n], [true, false]],
      ['m', [['host', 'a']], 'f', 'double', [1n, 2n, 4n, 5n], [1.5, -0.25, 4, 5]],
      ['m', [['host', 'a']], 'g', 'double', [1n, 2n], [12.345678901234567, 1000]],
      ['m', [['host', 'a']], 'i', 'long', [1n, 2n], [-42n, 9007199254740n]],
      ['m', [['host', 'a']], 's', 'string', [4n], ['text']],
      ['m', [['host', 'a']], 'u', 'unsignedLong', [1n, 2n], [7n, 0n]],
      ['m', [['host', 'b']], 'f', 'double', [3n], [3]],
    ]);
  });

  it('refuses a later point of the batch whose field changed type, and counts each conflict', () => {
    const { outcome } = writeBoth(
      ['m,t=a v=1 1', 'm,t=a v=2 2', 'm,t=a v=3i 3', 'm,t=b v=4i 4', 'm,t=a v=5 5'].join('\n'),
    );
    assert.equal(outcome.rejectedPoints, 2);
    assert.deepEqual(outcome.firstRejection, {
      kind: 'type conflict',
      measurement: 'm',
      field: 'v',
      type: 'long',
      existing: 'double',
    });
    assert.deepEqual(outcome.typeConflicts, [
      { measurement: 'm', field: 'v', type: 'long', existing: 'double', dropped: 2 },
    ]);
  });

  it('checks types stored by an earlier write', () => {
    const { outcome } = writeBoth('m v=1i 1\nm v=2i 2\nm v=3 3', 0, 'm v=0 0');
    assert.equal(outcome.rejectedPoints, 2);
  });

  it('skips a field named time, and refuses a point with no other field', () => {
    const { outcome, stored } = writeBoth('m a=1 1\nm time=2,a=2 2\nm time=3 3\nm a=4,time=4i 4');
    assert.deepEqual(outcome.firstRejection, { kind: 'time field', measurement: 'm' });
    assert.equal(outcome.rejectedPoints, 1);
    assert.deepEqual(stored, [['m', [], 'a', 'double', [1n, 2n, 4n], [1, 2, 4]]]);
  });

  it('drops points outside retention and reports the oldest and newest of them', () => {
    const old = NOW - 5n * HOUR;
    const body = [`m v=1 ${old}`, `m v=2 ${old + 1n}`, `m v=3 ${NOW}`, `m v=4 ${old - 1n}`].join('\n');
    const { outcome, stored } = writeBoth(body, 3600);
    assert.equal(outcome.droppedOutsideRetention, 3);
    assert.equal(outcome.oldestDropped, old - 1n);
    assert.equal(outcome.newestDropped, old + 1n);
    assert.deepEqual(stored, [['m', [], 'v', 'double', [NOW], [3]]]);
  });

  it('keeps the last value of a point written twice in one batch', () => {
    const { stored } = writeBoth('m v=1 1\nm v=2 1\nm v=3 1');
    assert.deepEqual(stored, [['m', [], 'v', 'double', [1n], [3]]]);
  });
});
