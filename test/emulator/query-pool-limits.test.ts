/**
 * InfluxDB's query controller limits on the emulator (influxd 2.7 flags and defaults): a query beyond
 * a full queue is refused as OSS refuses it, a query over its memory limit fails with Flux's error
 * while the emulator stays up, and settings OSS rejects refuse the start with its message.
 */
import assert from 'node:assert/strict';
import { parseCommand } from '../../bin/cli/parse-command';
import { EMULATOR_COMMAND } from '../../bin/emulator-options';
import { queryOptionsFrom } from '../../bin/query-flags';
import { DEFAULT_OPTIONS, startEmulator } from '../../emulator';
import { assertHttpError, rawRequest } from '../support/emulator';
import { type FileEnv, postQuery, seed, slowQuery, startFileBacked, waitFor } from '../support/query-pool';

describe('query controller limits', () => {
  it('has influxd 2.7’s defaults', () => {
    assert.deepEqual(
      [
        DEFAULT_OPTIONS.queryConcurrency,
        DEFAULT_OPTIONS.queryQueueSize,
        DEFAULT_OPTIONS.queryInitialMemoryBytes,
        DEFAULT_OPTIONS.queryMemoryBytes,
        DEFAULT_OPTIONS.queryMaxMemoryBytes,
      ],
      [1024, 1024, 0, 0, 0],
    );
  });

  describe('a full queue', () => {
    let env: FileEnv;
    before(async () => {
      env = await startFileBacked({ queryConcurrency: 1, queryQueueSize: 1, queryWorkers: 1 });
      await seed(env, 10, 1000);
    });
    after(() => env.close());

    it('refuses one more query with 400 {"code":"invalid","message":"queue length exceeded"}', async () => {
      const stats = () => env.emulator.state.queries.stats();
      const running = postQuery(env, slowQuery(200));
      await waitFor('the first query to run', () => stats().running === 1 && stats().busy === 1);
      const queued = postQuery(env, slowQuery(200));
      await waitFor('the second query to queue', () => stats().queued === 1);
      const refused = await rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
        body: 'buckets()',
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.headers['x-platform-error-code'], 'invalid');
      assert.equal(refused.body, '{"code":"invalid","message":"queue length exceeded"}');
      await assertHttpError(
        env.influx.getQueryApi(env.org).collectRows('buckets()'),
        400,
        'invalid',
        'queue length exceeded',
      );
      running.abandon();
      queued.abandon();
      await Promise.allSettled([running.answer, queued.answer]);
      await waitFor('the controller to empty', () => stats().running === 0 && stats().queued === 0);
      const rows = await env.influx.getQueryApi(env.org).collectRows('buckets()');
      assert.equal(rows.length, 3);
    });
  });

  describe('the per-query memory limit', () => {
    let env: FileEnv;
    before(async () => {
      env = await startFileBacked({ queryMemoryBytes: 20_000, queryWorkers: 1 });
      // A raw answer streams and is charged one row block at a time: series long enough for a block to pass it.
      await seed(env, 10, 2000);
    });
    after(() => env.close());

    it('fails a query whose tables pass it with Flux’s error, and the emulator stays up', async () => {
      const queryApi = env.influx.getQueryApi(env.org);
      await assertHttpError(
        queryApi.collectRows('from(bucket: "my-bucket") |> range(start: 0)'),
        400,
        'invalid',
        /^memory allocation limit reached: limit 20000 bytes, allocated: \d+, wanted: \d+$/,
      );
      const health = await rawRequest(`${env.emulator.url}/health`);
      assert.equal(health.status, 200);
      const counts = await queryApi.collectRows('from(bucket: "my-bucket") |> range(start: 0) |> count()');
      assert.equal(counts.length, 10);
    });

    it('reports it in-band when earlier results were already sent', async () => {
      const res = await postQuery(
        env,
        `from(bucket: "my-bucket") |> range(start: 0) |> count() |> yield(name: "small")
         from(bucket: "my-bucket") |> range(start: 0) |> yield(name: "big")`,
      ).answer;
      assert.equal(res.status, 200);
      assert.match(res.body, /small/);
      assert.match(
        res.body,
        /,error,reference\r\n,"memory allocation limit reached: limit 20000 bytes, allocated: \d+, wanted: \d+",\r\n$/,
      );
    });
  });

  describe('with Prefer: return-no-content', () => {
    let env: FileEnv;
    before(async () => {
      env = await startFileBacked({ queryMemoryBytes: 20_000, queryWorkers: 1 });
      // A raw answer streams and is charged one row block at a time: series long enough for a block to pass it.
      await seed(env, 10, 2000);
    });
    after(() => env.close());
    const twoYields = `from(bucket: "my-bucket") |> range(start: 0) |> count() |> yield(name: "small")
      from(bucket: "my-bucket") |> range(start: 0) |> yield(name: "big")`;
    const post = (flux: string, prefer: string) =>
      rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux', prefer },
        body: flux,
      });

    it('answers an error before the first result as an error, and drops a later one', async () => {
      const early = await post('from(bucket: "nope") |> range(start: 0)', 'return-no-content');
      assert.equal(early.status, 404);
      const late = await post(twoYields, 'return-no-content');
      assert.equal(late.status, 204);
    });

    it('answers a later error too with return-no-content-with-error', async () => {
      const late = await post(twoYields, 'return-no-content-with-error');
      assert.equal(late.status, 400);
      assert.match(late.body, /memory allocation limit reached/);
    });
  });

  describe('settings', () => {
    it('refuses combinations influxd refuses, with its message', async () => {
      await assert.rejects(
        startEmulator({ port: 0, queryConcurrency: 0, queryMaxMemoryBytes: 1000 }),
        /^Error: invalid controller config: cannot limit max memory when ConcurrencyQuota is unlimited$/,
      );
      await assert.rejects(
        startEmulator({ port: 0, queryConcurrency: 2, queryQueueSize: 0 }),
        /QueueSize must be positive when ConcurrencyQuota is limited/,
      );
      await assert.rejects(
        startEmulator({ port: 0, queryConcurrency: 4, queryInitialMemoryBytes: 100, queryMaxMemoryBytes: 300 }),
        /MaxMemoryBytes must be greater than or equal to the ConcurrencyQuota \* InitialMemoryBytesQuotaPerQuery: 300 < 400 \(4 \* 100\)/,
      );
    });

    it('reads the influxd flag names on the command line', () => {
      const parse = (args: string[]) => {
        const parsed = parseCommand(EMULATOR_COMMAND, args, {});
        assert.ok(!parsed.help);
        return queryOptionsFrom(parsed.values);
      };
      const args = ['--query-concurrency', '8', '--query-queue-size', '16', '--query-initial-memory-bytes', '1024'];
      args.push('--query-memory-bytes', '4096', '--query-max-memory-bytes', '65536', '--query-workers', '2');
      assert.deepEqual(parse(args), {
        queryConcurrency: 8,
        queryQueueSize: 16,
        queryInitialMemoryBytes: 1024,
        queryMemoryBytes: 4096,
        queryMaxMemoryBytes: 65536,
        queryWorkers: 2,
      });
      assert.deepEqual(parse(['--query-worker-heap-mb', '64']), {
        queryWorkerResourceLimits: { maxOldGenerationSizeMb: 64 },
      });
      assert.deepEqual(parse(['--query-worker-heap-mb', '0']), {});
      assert.throws(() => parse(['--query-queue-size=-1']), /--query-queue-size must be a whole number/);
    });
  });
});
