/**
 * The write circuit: an outage is news twice (when it opens, when it closes), never once per request.
 * The pipeline part runs against the emulator with its fault injection, over real HTTP.
 */
import assert from 'node:assert/strict';
import { Circuit } from '../../lib/write/circuit';
import type { Clock } from '../../lib/write/options';
import type { CircuitNotice } from '../../lib/write/pipeline';
import { WritePipeline } from '../../lib/write/pipeline';
import { type Onboarded, startOnboarded } from '../support/emulator';

describe('write circuit', () => {
  it('opens after the threshold of failures in a row, once, and closes on the first success', () => {
    const circuit = new Circuit(3);
    assert.equal(circuit.failure(0), undefined);
    assert.equal(circuit.failure(10), undefined);
    assert.equal(circuit.state, 'closed');
    assert.deepEqual(circuit.failure(20), { state: 'open', failures: 3 });
    assert.equal(circuit.failure(30), undefined, 'already open: no news');
    assert.equal(circuit.state, 'open');
    assert.deepEqual(circuit.success(1020), { state: 'closed', openMs: 1000, failures: 4 });
    assert.equal(circuit.state, 'closed');
    assert.equal(circuit.success(1030), undefined, 'already closed: no news');
  });

  it('forgets failures that a success ended before the threshold', () => {
    const circuit = new Circuit(2);
    circuit.failure(0);
    assert.equal(circuit.success(1), undefined);
    assert.equal(circuit.failure(2), undefined, 'the count started again');
    assert.deepEqual(circuit.failure(3), { state: 'open', failures: 2 });
  });

  it('opens at the first refusal of the request itself (token, bucket): retrying alone will not help', () => {
    const circuit = new Circuit(3);
    assert.deepEqual(circuit.failure(5, true), { state: 'open', failures: 1 });
  });

  it('refuses a threshold below one', () => {
    assert.throws(() => new Circuit(0), /threshold must be 1 or more/);
    assert.throws(() => new Circuit(1.5), /threshold must be 1 or more/);
  });
});

describe('write pipeline circuit (emulator with faults)', () => {
  let influx: Onboarded;
  let pipeline: WritePipeline | undefined;
  /** Retry waits pass in a millisecond. */
  const hurried: Clock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, Math.min(ms, 5)),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };

  beforeEach(async () => {
    influx = await startOnboarded();
  });
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
    await influx.emulator.close();
  });

  const start = (token = influx.token): { p: WritePipeline; changes: CircuitNotice[] } => {
    const p = new WritePipeline({
      url: influx.emulator.url,
      token,
      org: influx.org,
      bucket: influx.bucket,
      flushInterval: 1,
      clock: hurried,
    });
    pipeline = p;
    const changes: CircuitNotice[] = [];
    p.on('circuit', (change: CircuitNotice) => changes.push(change));
    return { p, changes };
  };

  it('tells of an outage of six failed requests once when it opens and once when it ends', async () => {
    influx.emulator.faults.set([{ status: 503, count: 6 }]);
    const { p, changes } = start();
    p.write([{ measurement: 'm', fields: { v: 1 }, timestamp: 1 }]);
    await p.flush().catch(() => undefined);
    while (p.stats.buffered > 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(
      changes.map((c) => c.state),
      ['open', 'closed'],
    );
    const [opened, closed] = changes;
    assert.equal(opened.state === 'open' && opened.failures, 3);
    assert.match(opened.error?.message ?? '', /503/);
    assert.equal(closed.state === 'closed' && closed.failures, 6);
    assert.equal(p.stats.circuit, 'closed');
    assert.equal(p.stats.written, 1);
  });

  it('shows the circuit open in its stats while the token is refused', async () => {
    const { p, changes } = start('not-a-token');
    p.write([{ measurement: 'm', fields: { v: 1 }, timestamp: 1 }]);
    await p.flush().catch(() => undefined);
    while (changes.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(changes[0].state, 'open');
    assert.equal(p.stats.circuit, 'open');
    assert.equal(p.stats.buffered, 1, 'the point stays buffered');
  });
});
