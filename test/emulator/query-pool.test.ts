/**
 * Queries run off the thread that accepts writes (issue 16): with a database file, Flux is evaluated
 * in worker threads with their own read-only connections, so a write and /health answer while slow
 * queries run. Results, to(), buckets() and task runs behave as they do in-process.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { TasksAPI } from '@influxdata/influxdb-client-apis';
import { rawRequest } from '../support/emulator';
import {
  type FileEnv,
  postQuery,
  seed,
  settleOrder,
  slowQuery,
  startFileBacked,
  T0,
  waitFor,
} from '../support/query-pool';

describe('query worker pool (file-backed emulator)', () => {
  let env: FileEnv;
  before(async () => {
    env = await startFileBacked({ queryWorkers: 2 });
    await seed(env, 20, 1000);
  });
  after(() => env.close());

  it('answers queries from worker threads with the same CSV as in-process', async () => {
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<{ dev: string; _value: number }>(
        `from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r.dev == "d3") |> last()`,
      );
    assert.deepEqual(
      rows.map((r) => [r.dev, r._value]),
      [['d3', 999.5]],
    );
    const stats = env.emulator.state.queries.stats();
    assert.ok(stats.workers >= 1 && stats.workers <= 2, `workers: ${stats.workers}`);
  });

  it('answers a write and /health while slow queries run', async () => {
    const queries = [0, 1, 2].map(() => postQuery(env, slowQuery(15)));
    // Wait until both workers are evaluating, so the write really competes with them.
    await waitFor('two busy workers', () => env.emulator.state.queries.stats().busy === 2);
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
    writeApi.writeRecord(`probe,dev=p v=1 ${T0}`);
    const { order, all } = settleOrder({
      write: writeApi.close(),
      health: rawRequest(`${env.emulator.url}/health`).then((r) => assert.equal(r.status, 200)),
      ...Object.fromEntries(queries.map((q, i) => [`query${i}`, q.answer])),
    });
    await all;
    assert.deepEqual(order.slice(0, 2).sort(), ['health', 'write'], `settled in order ${order.join(', ')}`);
    for (const q of queries) assert.equal((await q.answer).status, 200);
  });

  it('routes to() through the main thread’s writer, with the caller’s permissions', async () => {
    const queryApi = env.influx.getQueryApi(env.org);
    await queryApi.collectRows(
      `from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r.dev == "d1") |> set(key: "_measurement", value: "copied") |> to(bucket: "my-bucket")`,
    );
    const copied = await queryApi.collectRows(
      `from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r._measurement == "copied") |> count()`,
    );
    assert.deepEqual(
      copied.map((r) => (r as { _value: number })._value),
      [1000],
    );
    const res = await postQuery(
      env,
      `from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r.dev == "d1") |> map(fn: (r) => ({r with _value: "text"})) |> to(bucket: "my-bucket")`,
    ).answer;
    assert.equal(res.status, 400);
    assert.match(res.body, /field type conflict/);
  });

  it('lists the caller’s buckets with buckets()', async () => {
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<{ name: string }>(`buckets() |> keep(columns: ["name"])`);
    assert.deepEqual(rows.map((r) => r.name).sort(), ['_monitoring', '_tasks', 'my-bucket']);
  });

  it('runs a task’s script in a worker, its to() writing through the main thread', async () => {
    const tasks = new TasksAPI(env.influx);
    const task = await tasks.postTasks({
      body: {
        orgID: env.orgID,
        flux: `option task = {name: "copy", every: 1h}\nfrom(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r.dev == "d2") |> set(key: "_measurement", value: "task_copy") |> to(bucket: "my-bucket")`,
      },
    });
    const taskID = task.id as string;
    const run = await tasks.postTasksIDRuns({ taskID, body: { scheduledFor: '2024-01-01T11:00:00Z' } });
    let status = run.status;
    const deadline = Date.now() + 10_000;
    while (status !== 'success' && status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await tasks.getTasksIDRunsID({ taskID, runID: run.id as string })).status;
    }
    assert.equal(status, 'success');
    const copied = await env.influx
      .getQueryApi(env.org)
      .collectRows<{ _value: number }>(
        `from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r._measurement == "task_copy") |> count()`,
      );
    assert.deepEqual(
      copied.map((r) => r._value),
      [1000],
    );
  });

  it('streams a large answer in chunks, gzipped when asked', async () => {
    const res = await rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
      method: 'POST',
      headers: {
        authorization: `Token ${env.token}`,
        'content-type': 'application/vnd.flux',
        'accept-encoding': 'gzip',
      },
      body: `from(bucket: "my-bucket") |> range(start: 0)`,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
  });

  it('sends the first bytes of a large answer while its worker still evaluates it, no faster than the client reads', async () => {
    const stats = () => env.emulator.state.queries.stats();
    // 20,000 rows of about 450 bytes: far more than socket buffers and the worker's window hold.
    const flux = `from(bucket: "my-bucket") |> range(start: 0) |> filter(fn: (r) => r._measurement == "m" and r._field == "v") |> map(fn: (r) => ({r with note: "${'x'.repeat(400)}"}))`;
    const req = http.request(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
    });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.end(flux);
    });
    assert.equal(res.statusCode, 200);
    const first = await new Promise<Buffer>((resolve) => res.once('data', resolve));
    // The client reads nothing more: the worker fills its window and waits (8 MB of CSV cannot all be in flight).
    res.pause();
    assert.ok(first.length > 0);
    assert.equal(stats().busy, 1, 'the query is still being evaluated when its first bytes arrive');
    const chunks: Buffer[] = [first];
    res.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => res.on('end', resolve));
    res.resume();
    await ended;
    const rows = Buffer.concat(chunks)
      .toString('utf8')
      .split('\r\n')
      .filter((l) => l.startsWith(',_result,'));
    assert.equal(rows.length, 20_000, 'every row arrives once the client reads');
    await waitFor('the worker to be free', () => stats().busy === 0);
  });
});
