import assert from 'node:assert/strict';
import { BucketsAPI } from '@influxdata/influxdb-client-apis';
import { sweepRetention } from '../../emulator';
import { type Onboarded, rawRequest, startOnboarded } from '../support/emulator';

const HOUR_NS = 3_600_000_000_000n;

describe('retention enforcement', () => {
  let env: Onboarded;
  afterEach(() => env.emulator.close());

  /** A bucket keeping one hour, with one point written 30 minutes ago and one just now. */
  async function bucketWithTwoPoints(): Promise<string> {
    const bucket = await new BucketsAPI(env.influx).postBuckets({
      body: { orgID: env.orgID, name: 'hourly', retentionRules: [{ type: 'expire', everySeconds: 3600 }] },
    });
    const now = env.emulator.state.nowNs();
    const res = await rawRequest(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=hourly`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}` },
      body: `m v=1 ${now - HOUR_NS / 2n}\nm v=2 ${now}`,
    });
    assert.equal(res.status, 204);
    return bucket.id as string;
  }

  const valuesIn = (bucketId: string) =>
    env.emulator.state.points.read({ bucketId, start: 0n, stop: 2n ** 62n }).flatMap((s) => s.values);

  /** Moves the emulator's clock forward, as if `ns` had passed. */
  function advanceClock(ns: bigint): void {
    const real = env.emulator.state.nowNs;
    env.emulator.state.nowNs = () => real() + ns;
  }

  it('deletes the points older than the bucket retention and keeps the rest', async () => {
    env = await startOnboarded();
    const bucketId = await bucketWithTwoPoints();
    advanceClock(HOUR_NS / 2n + 1_000_000_000n);
    assert.equal(sweepRetention(env.emulator.state), 1);
    assert.deepEqual(valuesIn(bucketId), [2]);
  });

  it('leaves buckets with infinite retention alone', async () => {
    env = await startOnboarded();
    const now = env.emulator.state.nowNs();
    await rawRequest(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}` },
      body: `m v=1 ${now - 1000n * HOUR_NS}`,
    });
    assert.equal(sweepRetention(env.emulator.state), 0);
    assert.deepEqual(valuesIn(env.bucketID), [1]);
  });

  it('sweeps in the background every retentionCheckIntervalMs', async () => {
    env = await startOnboarded({ retentionCheckIntervalMs: 20 });
    const bucketId = await bucketWithTwoPoints();
    advanceClock(HOUR_NS / 2n + 1_000_000_000n);
    const deadline = Date.now() + 5000;
    while (valuesIn(bucketId).length !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(valuesIn(bucketId), [2]);
  });
});
