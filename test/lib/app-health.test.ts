/**
 * App health: the `iot_center_app` points of a connection's pipelines and queries, sampled on a controlled
 * clock and written through the connection's own pipeline to the emulator over HTTP.
 */
import assert from 'node:assert/strict';
import { BucketsAPI } from '@influxdata/influxdb-client-apis';
import { appHealthPoints } from '../../lib/connection/app-health';
import { InfluxConnection } from '../../lib/connection/influx-connection';
import { median, QueryStats } from '../../lib/connection/query-stats';
import type { Clock } from '../../lib/write/options';
import type { WriteStats } from '../../lib/write/pipeline';
import { type Onboarded, quietClientLogs, startOnboarded } from '../support/emulator';
import { eventually } from '../support/scripted-influx';

const T0 = Date.parse('2024-03-01T12:00:00Z');

/** Time that moves only when the test says; due timers run in order. */
class ManualClock implements Clock {
  private t = T0;
  private timers: Array<{ at: number; fn: () => void }> = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = until;
  }
  get pending(): number {
    return this.timers.length;
  }
}

const STATS: WriteStats = {
  buffered: 5,
  written: 120,
  failed: 2,
  invalid: 1,
  dropped: 0,
  retrying: true,
  circuit: 'open',
  attempts: 3,
  durable: false,
};

describe('app health', () => {
  describe('points', () => {
    it('writes one point per pipeline and one for the queries, tagged with the config node', () => {
      const points = appHealthPoints({
        time: new Date(T0),
        configId: 'cfg1',
        configName: 'Local',
        pipelines: [{ bucket: 'iot_center', precision: 'ms', stats: STATS, retries: 4 }],
        queries: { queries: 3, errors: 1, p50Ms: 12.5, maxMs: 40 },
      });
      assert.deepEqual(points, [
        {
          measurement: 'iot_center_app',
          tags: { config: 'cfg1', config_name: 'Local', bucket: 'iot_center', precision: 'ms' },
          fields: {
            buffered: { type: 'int', value: 5 },
            written: { type: 'int', value: 120 },
            failed: { type: 'int', value: 2 },
            dropped: { type: 'int', value: 0 },
            invalid: { type: 'int', value: 1 },
            retries: { type: 'int', value: 4 },
            attempts: { type: 'int', value: 3 },
            circuit_open: { type: 'int', value: 1 },
          },
          timestamp: new Date(T0),
        },
        {
          measurement: 'iot_center_app',
          tags: { config: 'cfg1', config_name: 'Local' },
          fields: {
            queries: { type: 'int', value: 3 },
            query_errors: { type: 'int', value: 1 },
            query_p50_ms: 12.5,
            query_max_ms: 40,
          },
          timestamp: new Date(T0),
        },
      ]);
    });

    it('leaves out an empty config name and writes a closed circuit as 0', () => {
      const [write, query] = appHealthPoints({
        time: new Date(T0),
        configId: 'cfg1',
        configName: ' ',
        pipelines: [{ bucket: 'b', precision: 's', stats: { ...STATS, circuit: 'closed' }, retries: 0 }],
        queries: { queries: 0, errors: 0, p50Ms: 0, maxMs: 0 },
      });
      assert.deepEqual(write.tags, { config: 'cfg1', bucket: 'b', precision: 's' });
      assert.deepEqual(write.fields.circuit_open, { type: 'int', value: 0 });
      assert.deepEqual(query.tags, { config: 'cfg1' });
    });
  });

  describe('query stats', () => {
    it('gives count, errors, median and longest of the period, then starts a new one', () => {
      const stats = new QueryStats();
      for (const [ms, ok] of [
        [30, true],
        [10, true],
        [200, false],
        [20, true],
      ] as const)
        stats.record(ms, ok);
      assert.deepEqual(stats.take(), { queries: 4, errors: 1, p50Ms: 25, maxMs: 200 });
      assert.deepEqual(stats.take(), { queries: 0, errors: 0, p50Ms: 0, maxMs: 0 });
    });

    it('takes the middle value of an odd count', () => {
      assert.equal(median([5, 1, 3]), 3);
      assert.equal(median([]), 0);
    });
  });

  describe('on a connection', () => {
    quietClientLogs();
    let influx: Onboarded;
    let connection: InfluxConnection | undefined;
    beforeEach(async () => {
      influx = await startOnboarded();
    });
    afterEach(async () => {
      await connection?.close();
      connection = undefined;
      await influx.emulator.close();
    });

    const connect = (clock: Clock, intervalMs = 60_000, bucket?: string): InfluxConnection =>
      (connection = new InfluxConnection({
        id: 'cfg1',
        url: influx.emulator.url,
        org: influx.org,
        bucket: influx.bucket,
        token: influx.token,
        healthIntervalMs: 0,
        pipelineDefaults: { flushInterval: 10, minRetryDelay: 20, maxRetryDelay: 100 },
        appHealth: { intervalMs, name: 'Local', clock, ...(bucket ? { bucket } : {}) },
      }));

    const appRows = async (bucket = influx.bucket) =>
      influx.influx
        .getQueryApi(influx.org)
        .collectRows<{ _field: string; _value: number; config: string; bucket?: string; _time: string }>(
          `from(bucket: "${bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "iot_center_app")`,
        );

    it('writes nothing before the first period ends, then a sample each period', async () => {
      const clock = new ManualClock();
      const c = connect(clock);
      c.recordQuery(12, true);
      c.recordQuery(40, false);
      clock.advance(59_999);
      await c.pipeline().flush();
      assert.equal((await appRows()).length, 0);
      clock.advance(1);
      await c.pipeline().flush();
      const first = await appRows();
      const value = (field: string) => first.find((r) => r._field === field)?._value;
      assert.deepEqual([value('queries'), value('query_errors'), value('query_max_ms')], [2, 1, 40]);
      assert.equal(Date.parse(first[0]._time), T0 + 60_000);
      clock.advance(60_000);
      await c.pipeline().flush();
      assert.equal((await appRows()).filter((r) => r._field === 'queries').length, 2);
    });

    it('counts the retries of a write that failed, and the points arrive once InfluxDB takes them', async () => {
      const clock = new ManualClock();
      const c = connect(clock);
      const pipeline = c.pipeline();
      influx.emulator.faults.set([{ status: 503, count: 3 }]);
      pipeline.write({ measurement: 'environment', tags: { clientId: 'd1' }, fields: { Temperature: 21 } });
      await eventually(() => pipeline.stats.written === 1, 'the point written after three 503s');
      clock.advance(60_000);
      await pipeline.flush();
      const rows = await appRows();
      const field = (name: string) => rows.find((r) => r._field === name && r.bucket === influx.bucket)?._value;
      assert.equal(field('retries'), 3);
      assert.equal(field('written'), 1);
      assert.equal(field('buffered'), 0);
      assert.equal(field('circuit_open'), 0);
    });

    it('writes to the bucket the setting names', async () => {
      await new BucketsAPI(influx.influx).postBuckets({ body: { orgID: influx.orgID, name: 'app_health' } });
      const clock = new ManualClock();
      const c = connect(clock, 1000, 'app_health');
      clock.advance(1000);
      await c.pipeline({ bucket: 'app_health' }).flush();
      assert.equal((await appRows('app_health')).length > 0, true);
      assert.equal((await appRows()).length, 0);
    });

    it('stops sampling when the connection closes', async () => {
      const clock = new ManualClock();
      const c = connect(clock);
      assert.equal(clock.pending, 1);
      await c.close();
      assert.equal(clock.pending, 0);
    });
  });
});
