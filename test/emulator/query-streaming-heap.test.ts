/**
 * Issue 11 item 5: a streamed raw answer fits a query worker whose heap is several times smaller than the answer,
 * while the same answer computed whole does not: that query fails with a memory-limit error, its worker dies of it,
 * and the emulator goes on with a fresh worker.
 */
import assert from 'node:assert/strict';
import type { Point } from '../../emulator/storage/types';
import { rawRequest } from '../support/emulator';
import { type FileEnv, queryRequest, startFileBacked, T0 } from '../support/query-pool';

const HEAP_MB = 32;
const SERIES = 16;
const POINTS = 50_000;
/** The answer: 800 000 rows, 72 MB of CSV (more than twice the heap), more again as rows in memory. */
const RAW = 'from(bucket: "my-bucket") |> range(start: 0, stop: 2030-01-01T00:00:00Z)';

/** Posts a query and reads its answer as it comes, keeping only the count and sum of the values of its rows. */
function summarize(
  env: FileEnv,
  flux: string,
): Promise<{ status: number; bytes: number; rows: number; sum: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const req = queryRequest(env);
    req.on('error', reject);
    req.on('response', (res) => {
      let bytes = 0;
      let rows = 0;
      let sum = 0;
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        bytes += text.length;
        const lines = (rest + text).split('\r\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          // ,_result,<table>,<start>,<stop>,<time>,<value>,v,m,<dev>
          if (!line.startsWith(',_result,')) continue;
          rows++;
          sum += Number(line.split(',')[6]);
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, rows, sum, tail: rest }));
      res.on('error', reject);
    });
    req.end(flux);
  });
}

describe(`query pool: a worker with a ${HEAP_MB} MB heap`, () => {
  let env: FileEnv;
  before(async function () {
    this.timeout(60_000);
    env = await startFileBacked({ queryWorkers: 1, queryWorkerResourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    const { points, nowNs } = env.emulator.state;
    // Bulk, through the store, series by series: v = i + 0.5 at minute i.
    for (let s = 0; s < SERIES; s++) {
      const series: Point[] = new Array(POINTS);
      for (let i = 0; i < POINTS; i++) {
        series[i] = {
          measurement: 'm',
          tags: [['dev', `d${s}`]],
          fields: new Map([['v', { type: 'double', value: i + 0.5 }]]),
          time: T0 + BigInt(i) * 60_000_000_000n,
        };
      }
      points.write(env.bucketID, series, 0, nowNs());
    }
  });
  after(() => env.close());

  it('streams the whole raw answer', async function () {
    this.timeout(120_000);
    const answer = await summarize(env, RAW);
    assert.equal(answer.status, 200);
    assert.equal(answer.rows, SERIES * POINTS);
    assert.equal(answer.sum, (SERIES * POINTS * POINTS) / 2);
    assert.equal(answer.tail, '');
    assert.ok(answer.bytes > HEAP_MB * 2 ** 20, `${answer.bytes} bytes of CSV`);
  });

  it('fails the same answer computed whole with a memory-limit error, and goes on with a fresh worker', async function () {
    this.timeout(120_000);
    const [before] = env.emulator.state.queries.threads();
    // A result before the last one is computed whole.
    const whole = await rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
      body: `${RAW} |> yield(name: "whole")\nbuckets() |> yield(name: "after")`,
    });
    assert.equal(whole.status, 400, whole.body.slice(0, 300));
    assert.equal(
      whole.body,
      `{"code":"invalid","message":"memory allocation limit reached: the query needed more than ${HEAP_MB} MB of its query worker"}`,
    );
    const health = await rawRequest(`${env.emulator.url}/health`);
    assert.equal(health.status, 200);
    const counted = await env.influx
      .getQueryApi(env.org)
      .collectRows<{ _value: number }>(`${RAW} |> filter(fn: (r) => r.dev == "d3") |> count()`);
    assert.deepEqual(
      counted.map((r) => r._value),
      [POINTS],
    );
    assert.notEqual(env.emulator.state.queries.threads()[0], before, 'a fresh worker answered');
  });
});
