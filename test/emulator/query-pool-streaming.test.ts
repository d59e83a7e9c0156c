/**
 * Issue 11 item 5: a raw query streams. Its tables are read from storage one series at a time while the CSV goes
 * out, so the first bytes leave before the last series is read (and memory does not grow with the range, measured
 * in bench/raw-query-memory.ts), and the answer is the one the engine gives when it computes the result whole.
 */
import assert from 'node:assert/strict';
import { rawRequest } from '../support/emulator';
import { type FileEnv, queryRequest, seed, startFileBacked, T0 } from '../support/query-pool';

const SERIES = 10;
const POINTS = 20_000;
/** About 20 MB of CSV: far more than the socket buffers and the chunks a worker may send ahead of the client. */
const RAW = 'from(bucket: "my-bucket") |> range(start: 0)';
/** The same with a fixed stop: two queries then give the same `_stop`. */
const FIXED = 'from(bucket: "my-bucket") |> range(start: 0, stop: 2030-01-01T00:00:00Z)';

/**
 * Steps after the raw read, and how the last result goes: in row blocks, table by table, or (false) computed whole
 * first, as a step that may give two tables one key must (a key column dropped or changed that differs between them).
 */
const SHAPES: { steps: string; streams: 'blocks' | 'tables' | false; imports?: string }[] = [
  { steps: '|> drop(columns: ["_start", "_stop"])', streams: 'blocks' },
  // _measurement and _field, not kept, have one value in every table.
  { steps: '|> keep(columns: ["_time", "_value", "dev"])', streams: 'blocks' },
  { steps: '|> map(fn: (r) => ({r with _value: r._value * 2.0}))', streams: 'blocks' },
  { steps: '|> rename(columns: {_value: "v"})', streams: 'blocks' },
  { steps: '|> rename(columns: {dev: "device"})', streams: 'blocks' },
  {
    // x is null in the first rows: the first blocks wait for a value to type it, as the whole table's first does.
    imports: 'import "internal/debug"\n',
    steps:
      '|> filter(fn: (r) => r.dev == "d4" or r.dev == "d5") |> drop(columns: ["_start", "_stop"]) ' +
      '|> map(fn: (r) => ({r with x: if r._value > 500.0 then r._value else debug.null(type: "float")})) ' +
      '|> rename(fn: (column) => column + "!")',
    streams: 'blocks',
  },
  { steps: '|> filter(fn: (r) => r.dev == "d1") |> keep(columns: ["_time", "_value"])', streams: 'blocks' },
  // A filter that keeps empty tables reads no row blocks: tables go one whole series at a time.
  {
    steps: '|> filter(fn: (r) => r.dev == "d6", onEmpty: "keep") |> drop(columns: ["_start", "_stop"])',
    streams: 'tables',
  },
  {
    steps: '|> filter(fn: (r) => r.dev == "d3" or r.dev == "d7") |> keep(columns: ["_time", "_value"])',
    streams: false,
  },
  { steps: '|> filter(fn: (r) => r.dev == "d3" or r.dev == "d7") |> drop(columns: ["dev"])', streams: false },
  {
    steps: '|> filter(fn: (r) => r.dev == "d3" or r.dev == "d7") |> map(fn: (r) => ({r with dev: "all"}))',
    streams: false,
  },
  {
    steps: '|> filter(fn: (r) => r.dev == "d3" or r.dev == "d7") |> map(fn: (r) => ({_time: r._time, v: r._value}))',
    streams: false,
  },
];

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
      const req = queryRequest(env);
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

  // The same bytes, annotations and all, as the same result computed whole (a result before the last one is).
  for (const { steps, imports = '' } of SHAPES) {
    it(`answers byte for byte as computed whole: ${steps}`, async () => {
      const query = (flux: string) =>
        rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
          method: 'POST',
          headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: flux, dialect: { annotations: ['datatype', 'group', 'default'] } }),
        });
      const streamed = await query(`${imports}${FIXED} ${steps}`);
      const whole = await query(
        `${imports}${FIXED} ${steps} |> yield(name: "_result")\nbuckets() |> yield(name: "after")`,
      );
      assert.equal(streamed.status, 200, streamed.body);
      assert.equal(whole.status, 200, whole.body);
      assert.ok(streamed.body.split('\r\n').length > 100, streamed.body);
      assert.equal(whole.body.slice(0, streamed.body.length), streamed.body);
      assert.match(whole.body.slice(streamed.body.length), /^#datatype,string,long,string,string/);
    });
  }
});

describe('query pool: a streamed step that fails', () => {
  let env: FileEnv;
  before(async () => {
    env = await startFileBacked({ queryWorkers: 1 });
    await seed(env, 3, 100);
  });
  after(() => env.close());

  it('fails with the error, located, that the result computed whole gives', async () => {
    const steps = '|> drop(columns: ["_start", "_stop"]) |> rename(columns: {nothere: "x"})';
    const query = (flux: string) =>
      rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
        body: flux,
      });
    const streamed = await query(`${RAW} ${steps}`);
    const whole = await query(`${RAW} ${steps} |> yield(name: "whole")\nbuckets() |> yield(name: "after")`);
    assert.equal(streamed.status, 400);
    assert.match(streamed.body, /runtime error @1:\d+-1:\d+: rename: rename error: column \\"nothere\\" doesn't exist/);
    assert.deepEqual([streamed.status, streamed.body], [whole.status, whole.body]);
  });

  it('after an earlier result, ends the answer with the same in-band error as the result computed whole', async () => {
    const ok = `${FIXED} |> filter(fn: (r) => r.dev == "d1") |> yield(name: "ok")`;
    const broken = `${RAW} |> drop(columns: ["_start", "_stop"]) |> rename(columns: {nothere: "x"})`;
    const query = (flux: string) =>
      rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: flux, dialect: { annotations: ['datatype', 'group', 'default'] } }),
      });
    const streamed = await query(`${ok}\n${broken}`);
    const whole = await query(`${ok}\n${broken} |> yield(name: "broken")\nbuckets() |> yield(name: "after")`);
    assert.equal(streamed.status, 200);
    assert.match(
      streamed.body,
      /,d1\r\n\r\n#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n/,
    );
    assert.equal(streamed.body, whole.body);
  });
});

describe('query pool: the memory limit counts what a streamed answer holds at once', () => {
  // One row block of these steps holds at most about 4096 rows of up to 56 bytes: under the limit, unlike any answer.
  const LIMIT = 250_000;
  let env: FileEnv;
  before(async () => {
    env = await startFileBacked({ queryWorkers: 1, queryMemoryBytes: LIMIT });
    // Bulk, through the store: the same points seed() writes through the client.
    const points = Array.from({ length: SERIES }, (_, s) =>
      Array.from({ length: POINTS }, (_, i) => ({
        measurement: 'm',
        tags: [['dev', `d${s}`]] as [string, string][],
        fields: new Map([['v', { type: 'double' as const, value: i + 0.5 }]]),
        time: T0 + BigInt(i) * 60_000_000_000n,
      })),
    ).flat();
    env.emulator.state.points.write(env.bucketID, points, 0, env.emulator.state.nowNs());
  });
  after(() => env.close());

  for (const { steps, streams, imports = '' } of SHAPES.filter((shape) => shape.streams !== 'tables')) {
    it(`${streams ? 'answers' : 'refuses'} ${steps}`, async () => {
      const res = await rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        method: 'POST',
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
        body: `${imports}${RAW} ${steps}`,
      });
      if (streams) {
        assert.equal(res.status, 200, res.body.slice(0, 300));
        assert.ok(res.body.length > 2 * LIMIT, `${res.body.length} characters`);
        assert.doesNotMatch(res.body.slice(-300), /error/);
      } else {
        assert.equal(res.status, 400, res.body.slice(0, 300));
        assert.match(res.body, new RegExp(`"memory allocation limit reached: limit ${LIMIT} bytes, allocated: 0`));
      }
    });
  }
});
