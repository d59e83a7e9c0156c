/**
 * Write requests parse into batches from a pool (emulator/lineprotocol/batch-pool.ts) that keep their
 * typed arrays between bodies. A reused batch must hold exactly what a fresh one would, and a batch
 * must belong to one request at a time.
 */
import assert from 'node:assert/strict';
import { PointBatchPool } from '../../emulator/lineprotocol/batch-pool';
import { parseWriteBody } from '../../emulator/lineprotocol/parse';
import type { PointBatch } from '../../emulator/storage/point-batch';
import { openStorage } from '../../emulator/storage/sqlite/open';
import { type Onboarded, rawRequest, startOnboarded } from '../support/emulator';

const NOW = 1_767_225_600_000_000_000n;

/** A fleet body: `devices` series, `lines` lines, values and field names that differ by `seed`. */
function fleetBody(seed: number, lines: number, devices: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const device = `device-${seed}-${i % devices}`;
    const t = BigInt(i) * 1_000_000_000n + BigInt(seed);
    out.push(
      `environment,clientId=${device},site=s${seed} ` +
        `Temperature=${seed + i / 10},CO2=${seed * 1000 + i}i,ok=${i % 2 === 0 ? 't' : 'f'},f${seed}=${i}u ${t}`,
    );
  }
  return out.join('\n');
}

/** Everything a batch holds that a reader can see. */
function contents(batch: PointBatch) {
  return {
    length: batch.length,
    fieldCount: batch.fieldCount,
    series: batch.series,
    keys: batch.keys,
    whole: batch.whole,
    points: batch.points(),
  };
}

describe('line protocol batches reused between writes (PointBatchPool)', () => {
  it('gives a reused batch only the points of its new body', () => {
    const pool = new PointBatchPool();
    // The first body is larger, with other series, field keys and whole (string) points.
    const first = `${fleetBody(1, 300, 7)}\nm,host=x s="text",n=1 5\nother v=2 6`;
    const second = fleetBody(2, 40, 3);
    const batch = pool.acquire();
    parseWriteBody(first, 'ns', NOW, { into: batch });
    assert.equal(batch.length, 302);
    pool.release(batch);

    const reused = pool.acquire();
    assert.equal(reused, batch, 'the pool handed out a new batch: nothing was reused');
    const { errors } = parseWriteBody(second, 'ns', NOW, { into: reused });
    assert.deepEqual(errors, []);
    assert.deepStrictEqual(contents(reused), contents(parseWriteBody(second, 'ns', NOW).batch));
  });

  it('empties a released batch, so that it keeps nothing of its body', () => {
    const pool = new PointBatchPool();
    const batch = pool.acquire();
    parseWriteBody('m,host=a s="text" 1\nm,host=a f=1 2', 'ns', NOW, { into: batch });
    pool.release(batch);
    assert.deepStrictEqual(
      {
        length: batch.length,
        fieldCount: batch.fieldCount,
        series: batch.series,
        keys: batch.keys,
        whole: batch.whole,
      },
      { length: 0, fieldCount: 0, series: [], keys: [], whole: [] },
    );
  });

  it('hands a batch to one holder at a time, with arrays of its own', () => {
    const pool = new PointBatchPool();
    const a = pool.acquire();
    const b = pool.acquire();
    assert.notEqual(a, b);
    parseWriteBody(fleetBody(3, 100, 4), 'ns', NOW, { into: a });
    parseWriteBody(fleetBody(4, 100, 4), 'ns', NOW, { into: b });
    assert.notEqual(a.fieldValues.buffer, b.fieldValues.buffer);
    assert.notEqual(a.times.buffer, b.times.buffer);
    assert.deepStrictEqual(contents(a), contents(parseWriteBody(fleetBody(3, 100, 4), 'ns', NOW).batch));
    assert.deepStrictEqual(contents(b), contents(parseWriteBody(fleetBody(4, 100, 4), 'ns', NOW).batch));
  });

  it('keeps no batch that a huge body grew, so that one such body does not hold its memory for good', () => {
    const pool = new PointBatchPool();
    const huge = pool.acquire();
    // As parsing a body of over a million lines would grow it.
    huge.reserve(2 ** 20 + 1, 0);
    pool.release(huge);
    assert.notEqual(pool.acquire(), huge);
    const usual = pool.acquire();
    parseWriteBody(fleetBody(5, 200, 4), 'ns', NOW, { into: usual });
    pool.release(usual);
    assert.equal(pool.acquire(), usual);
  });

  it('keeps two batches at most (one write parses while another is stored), and one grown to exactly 2^20', () => {
    const pool = new PointBatchPool();
    const batches = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const batch of batches) pool.release(batch);
    // The first two released are kept (handed out last in, first out); the third is dropped.
    assert.equal(pool.acquire(), batches[1]);
    assert.equal(pool.acquire(), batches[0]);
    assert.ok(!batches.includes(pool.acquire()));
    const large = pool.acquire();
    large.reserve(2 ** 20, 2 ** 20);
    pool.release(large);
    assert.equal(pool.acquire(), large);
  });

  it('refuses a batch released twice, and parsing into a batch that is not empty', () => {
    const pool = new PointBatchPool();
    const batch = pool.acquire();
    pool.release(batch);
    assert.throws(() => pool.release(batch), /released twice/);
    const held = pool.acquire();
    parseWriteBody('m f=1 1', 'ns', NOW, { into: held });
    assert.throws(() => parseWriteBody('m f=2 2', 'ns', NOW, { into: held }), /not empty/);
  });

  describe('over /api/v2/write', () => {
    let env: Onboarded;
    before(async () => {
      env = await startOnboarded();
    });
    after(() => env.emulator.close());

    it('stores each of many concurrent writes as its own body, as fresh batches would', async () => {
      // Bodies of different sizes and series, sent at once and then once more, so that pooled batches
      // go from a larger body to a smaller one.
      const bodies = Array.from({ length: 12 }, (_, k) => fleetBody(k + 1, 50 + ((k * 397) % 900), 1 + (k % 5)));
      const post = (body: string) =>
        rawRequest(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}&precision=ns`, {
          method: 'POST',
          headers: { authorization: `Token ${env.token}` },
          body,
        });
      for (const round of [bodies, [...bodies].reverse()]) {
        const answers = await Promise.all(round.map(post));
        assert.deepEqual(
          answers.map((a) => a.status),
          round.map(() => 204),
        );
      }

      const expected = openStorage(':memory:');
      try {
        for (const body of bodies) expected.points.write('b', parseWriteBody(body, 'ns', NOW).batch, 0, NOW);
        const everything = { start: -(2n ** 62n), stop: 2n ** 62n };
        const strip = (
          series: { measurement: string; tags: unknown; field: string; times: unknown; values: unknown }[],
        ) => series.map((s) => [s.measurement, s.tags, s.field, s.times, s.values]);
        const stored = strip(env.emulator.state.points.read({ bucketId: env.bucketID, ...everything }));
        assert.ok(stored.length > 100, `only ${stored.length} series stored`);
        assert.deepStrictEqual(stored, strip(expected.points.read({ bucketId: 'b', ...everything })));
      } finally {
        expected.close();
      }
    });
  });
});
