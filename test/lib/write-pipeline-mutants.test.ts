/**
 * Rules of the write pipeline that mutation testing found unpinned (see TESTING.md): how writeGrouped() counts
 * and tells what waits for its group, a batch written while the send loop is ending, and close() giving up on a
 * server that cannot take the lines. Against a scripted server, as the behaviour tests.
 */
import assert from 'node:assert/strict';
import type { WritePipelineConfig } from '../../lib/write/options';
import type { WritePipeline, WriteStats } from '../../lib/write/pipeline';
import type { ScriptedInflux } from '../support/scripted-influx';
import { eventually, scriptedPipeline, linesOf, ok, points, startScriptedInflux } from '../support/scripted-influx';

const unavailable = { status: 503, code: 'unavailable', message: 'busy' };

describe('write pipeline: rules found by mutation testing', () => {
  let server: ScriptedInflux;
  let pipelines: WritePipeline[];

  const pipeline = (extra: Partial<WritePipelineConfig> = {}): WritePipeline => {
    const p = scriptedPipeline(server.url, { flushInterval: 0, ...extra });
    pipelines.push(p);
    return p;
  };
  const statsOf = (p: WritePipeline): WriteStats[] => {
    const seen: WriteStats[] = [];
    p.on('stats', (s: WriteStats) => seen.push(s));
    return seen;
  };

  beforeEach(async () => {
    server = await startScriptedInflux(() => ok);
    pipelines = [];
  });
  afterEach(async () => {
    for (const p of pipelines) await p.close();
    await server.close();
  });

  describe('writeGrouped', () => {
    it('counts the lines waiting for their group as buffered, beside those in the spool', async () => {
      const p = pipeline({ batchSize: 100 });
      p.write(points(1, 2));
      p.writeGrouped(points(3, 5));
      assert.equal(p.stats.buffered, 5);
      await p.flush();
      assert.equal(p.stats.buffered, 0);
      assert.deepEqual(
        server.received.flatMap((r) => r.lines),
        linesOf(1, 5),
      );
    });

    it('counts refused points as invalid and tells its stats at once, only when a point was refused', () => {
      const p = pipeline();
      const stats = statsOf(p);
      p.writeGrouped(points(1, 1));
      assert.equal(stats.length, 0, 'a group that waits tells nothing yet');
      const result = p.writeGrouped([{ fields: {} }, ...points(2, 2)]);
      assert.equal(result.accepted, 1);
      assert.equal(result.errors.length, 1);
      assert.equal(stats.length, 1);
      assert.equal(stats[0]?.invalid, 1);
      assert.equal(stats[0]?.buffered, 2);
      assert.equal(p.stats.invalid, 1);
    });

    it('gives a call that accepted nothing the persisted of the group still waiting', async () => {
      const p = pipeline();
      const waiting = p.writeGrouped(points(1, 1));
      const refused = p.writeGrouped({ fields: {} });
      assert.equal(refused.persisted, waiting.persisted);
      const later = p.writeGrouped(points(2, 2));
      assert.equal(later.persisted, waiting.persisted, 'one group per turn');
      await waiting.persisted;
      assert.equal(p.stats.buffered, 2);
      const next = p.writeGrouped(points(3, 3));
      assert.notEqual(next.persisted, waiting.persisted, 'a new turn starts a new group');
      await next.persisted;
    });

    it('resolves persisted for a call that accepted nothing while no group waits', async () => {
      const p = pipeline();
      const refused = p.writeGrouped({ fields: {} });
      assert.equal(refused.accepted, 0);
      await refused.persisted;
      assert.equal(p.stats.invalid, 1);
    });

    it('puts the group in the spool by itself, without flush(), write() or close()', async () => {
      const p = pipeline({ batchSize: 2 });
      await p.writeGrouped(points(1, 2)).persisted;
      await eventually(() => p.stats.written === 2, 'the full batch is written');
      assert.deepEqual(
        server.received.map((r) => r.lines),
        [linesOf(1, 2)],
      );
    });
  });

  it('sends a full batch written the moment a flush() resolved, while its send loop was ending', async () => {
    // No flush interval: only the loop's end can notice the batch, as append() found the loop still running.
    const p = pipeline({ batchSize: 3 });
    p.write(points(1, 1));
    await p.flush().then(() => void p.write(points(2, 4)));
    await eventually(() => p.stats.written === 4, 'the batch written at the end of the loop is sent');
    assert.deepEqual(
      server.received.map((r) => r.lines),
      [linesOf(1, 1), linesOf(2, 4)],
    );
  });

  it('waits for a full batch again when less than a batch comes as its send loop ends', async () => {
    const p = pipeline({ batchSize: 3 });
    p.write(points(1, 1));
    await p.flush().then(() => void p.write(points(2, 3)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.received.length, 1, 'two lines are not a batch');
    assert.equal(p.stats.buffered, 2);
  });

  it('makes one attempt when closed while the server cannot take the lines, and tells the server’s reason', async () => {
    server.script = () => unavailable;
    const p = pipeline({ closeTimeout: 500 });
    p.write(points(1, 2));
    await p.close();
    assert.equal(server.received.length, 1, 'close() does not retry');
    assert.equal(p.stats.buffered, 2);
    assert.equal(p.stats.lastError?.code, 'unavailable');
  });

  it('resolves flush() after close() sent everything', async () => {
    const p = pipeline({ closeTimeout: 500 });
    p.write(points(1, 2));
    await p.close();
    assert.equal(p.stats.written, 2);
    await p.flush();
    assert.equal(server.received.length, 1);
  });

  it('tells no failed lines for a 422 that does not say how many points it dropped', async () => {
    server.script = () => ({ status: 422, code: 'unprocessable entity', message: 'some points were not kept' });
    const p = pipeline({ batchSize: 2 });
    const failed: unknown[] = [];
    p.on('failed', (f) => failed.push(f));
    p.write(points(1, 2));
    await eventually(() => p.stats.written === 2, 'the batch counts as written');
    assert.deepEqual(failed, []);
    assert.equal(p.stats.failed, 0);
    assert.equal(p.stats.lastError?.code, 'partial-write');
  });

  it('keeps the server’s error as the last problem while it retries, through every spool write', async () => {
    let refuse = true;
    server.script = () => (refuse ? unavailable : ok);
    const p = pipeline({ batchSize: 1, maxRetryDelay: 20, minRetryDelay: 5 });
    p.write(points(1, 1));
    await eventually(() => server.received.length >= 2, 'a retry');
    p.write(points(2, 2));
    assert.equal(p.stats.lastError?.code, 'unavailable');
    refuse = false;
    await eventually(() => p.stats.written === 2, 'both points are written');
    assert.equal(p.stats.lastError?.code, 'unavailable', 'the last problem stays after recovery');
  });
});
