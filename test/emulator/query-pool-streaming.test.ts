/**
 * Issue 11 item 5: a raw query streams. Its tables are read from storage one series at a time while the CSV goes
 * out, so the first bytes leave before the last series is read (and memory does not grow with the range, measured
 * in bench/raw-query-memory.ts), and the answer is the one the engine gives when it computes the result whole.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { rawRequest } from '../support/emulator';
import { type FileEnv, seed, startFileBacked, T0 } from '../support/query-pool';

const SERIES = 10;
const POINTS = 20_000;
/** About 20 MB of CSV: far more than the socket buffers and the chunks a worker may send ahead of the client. */
const RAW = 'from(bucket: "my-bucket") |> range(start: 0)';

describe('query pool: a raw query streams', () => {
  let env: FileEnv;
  before(async function () {
    this.timeout(120_000);
    env = await startFileBacked({ queryWorkers: 1 });
    await seed(env, SERIES, POINTS);
    // Every seeded point visible to queries first, so the answer's size is known.
    const total = 'from(bucket: "my-bucket") |> range(start: 0) |> count() |> group() |> sum()';
    for (;;) {
      const rows = await env.influx.getQueryApi(env.org).collectRows<{ _value: number }>(total);
      if (rows[0]?._value === SERIES * POINTS) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(() => env.close());

  it('sends its first bytes before the last series is read: a point written meanwhile is in the answer', async () => {
    const late = `${T0 + BigInt(POINTS) * 60_000_000_000n}`;
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        agent: false,
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let paused = false;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          if (paused) return;
          // The client stops reading: the worker soon waits for room, long before the last series (dev=d9).
          paused = true;
          res.pause();
          const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
          writeApi.writeRecord(`m,dev=d${SERIES - 1} v=-7.25 ${late}`);
          writeApi.close().then(() => res.resume(), reject);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      });
      req.end(RAW);
    });
    const rows = body.split('\r\n').filter((l) => /^,[^,]*,\d+,/.test(l));
    assert.equal(rows.length, SERIES * POINTS + 1, body.slice(-300));
    // A long series leaves in several blocks of rows, all under its one table id.
    assert.deepEqual(
      new Set(rows.map((l) => l.split(',')[2])),
      new Set(Array.from({ length: SERIES }, (_, k) => `${k}`)),
    );
    assert.ok(
      rows.some((l) => l.endsWith(`,-7.25,v,m,d${SERIES - 1}`)),
      'the point written after the first bytes arrived is in the last table',
    );
  });

  // A query's results before the last are computed whole, so one answer holds both ways of computing the same steps.
  for (const steps of [
    '|> filter(fn: (r) => r.dev == "d3" or r.dev == "d7")',
    '|> filter(fn: (r) => r._value > 19990.0) |> limit(n: 3)',
    '|> filter(fn: (r) => r.dev == "d1") |> keep(columns: ["_time", "_value", "dev"])',
    '|> filter(fn: (r) => r.dev == "d2") |> tail(n: 2) |> sum()',
    '|> range(start: 2090-01-01T00:00:00Z)',
  ]) {
    it(`answers as the engine computing the result whole does: ${steps}`, async () => {
      const flux = `${RAW} ${steps} |> yield(name: "whole")\n${RAW} ${steps} |> yield(name: "streamed")`;
      const res = await rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: flux, dialect: { header: true, annotations: [] } }),
      });
      assert.equal(res.status, 200, res.body);
      const rowsOf = (name: string) =>
        res.body
          .split('\r\n')
          .filter((l) => l.startsWith(`,${name},`))
          .map((l) => l.slice(name.length + 2));
      assert.deepEqual(rowsOf('streamed'), rowsOf('whole'));
      if (!steps.includes('2090')) assert.ok(rowsOf('whole').length > 0);
    });
  }
});
