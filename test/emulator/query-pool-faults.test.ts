/**
 * Queries that end badly leave the emulator and the other queries alone: a client that goes away
 * cancels its query (the worker is stopped and replaced, or the query leaves the queue), and a worker
 * that dies is replaced while its query gets InfluxDB's internal error body.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type FileEnv, postQuery, seed, slowQuery, startFileBacked, waitFor } from '../support/query-pool';

/** What OSS `HandleHTTPError` answers for an error it does not know (kit/transport/http/error_handler.go). */
const INTERNAL_ERROR_BODY = '{"code":"internal error","message":"An internal error has occurred - check server logs"}';

describe('query worker faults', () => {
  let env: FileEnv;
  const stats = () => env.emulator.state.queries.stats();
  before(async () => {
    env = await startFileBacked({ queryWorkers: 1 });
    await seed(env, 10, 1000);
  });
  after(() => env.close());

  it('stops the worker of a query whose client disconnects within a second, and replaces it', async () => {
    const query = postQuery(env, slowQuery(400));
    await waitFor('the query to run', () => stats().busy === 1);
    const [thread] = env.emulator.state.queries.threads();
    assert.ok(thread);
    const exited = once(thread, 'exit');
    query.abandon();
    await assert.rejects(query.answer);
    await waitFor('the worker to be freed', () => stats().busy === 0 && stats().running === 0, 1000);
    await exited;
    const rows = await env.influx.getQueryApi(env.org).collectRows('buckets()');
    assert.equal(rows.length, 3);
    assert.equal(stats().workers, 1);
    assert.notEqual(env.emulator.state.queries.threads()[0], thread);
  });

  it('drops a waiting query whose client disconnects', async () => {
    const first = postQuery(env, slowQuery(400));
    await waitFor('the first query to run', () => stats().busy === 1);
    const second = postQuery(env, slowQuery(400));
    await waitFor('the second query to wait', () => stats().running === 2);
    second.abandon();
    await assert.rejects(second.answer);
    await waitFor('the waiting query to leave', () => stats().running === 1);
    assert.equal(stats().busy, 1);
    first.abandon();
    await assert.rejects(first.answer);
    await waitFor('the worker to be freed', () => stats().running === 0 && stats().busy === 0, 1000);
  });

  it('replaces a worker that dies; its query gets the internal error body, the next one is answered', async () => {
    const doomed = postQuery(env, slowQuery(400));
    await waitFor('the query to run', () => stats().busy === 1);
    const waiting = postQuery(env, 'buckets() |> keep(columns: ["name"])');
    await waitFor('a second query to wait for the worker', () => stats().running === 2);
    const [thread] = env.emulator.state.queries.threads();
    assert.ok(thread);
    // Ended from outside, as a crash ends it: the pool did not ask for it.
    await thread.terminate();
    const answer = await doomed.answer;
    assert.equal(answer.status, 500);
    assert.equal(answer.body, INTERNAL_ERROR_BODY);
    const next = await waiting.answer;
    assert.equal(next.status, 200);
    assert.match(next.body, /my-bucket/);
    assert.equal(stats().workers, 1);
  });
});
