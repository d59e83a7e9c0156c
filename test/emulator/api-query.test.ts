import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { assertHttpError, type Onboarded, rawRequest, startOnboarded } from '../support/emulator';

const T0 = 1_700_000_000_000_000_000n;
const T0_ISO = '2023-11-14T22:13:20Z';

describe('query (/api/v2/query)', () => {
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded();
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
    writeApi.writeRecords([
      `environment,clientId=dev1 Temperature=21.5,CO2=400i ${T0}`,
      `environment,clientId=dev1 Temperature=22.5,CO2=410i ${T0 + 60_000_000_000n}`,
      `environment,clientId=dev2 Temperature=19 ${T0}`,
    ]);
    await writeApi.close();
  });
  after(() => env.emulator.close());

  const temperatures = `from(bucket: "my-bucket") |> range(start: ${T0_ISO}, stop: 2023-11-14T23:00:00Z) |> filter(fn: (r) => r._field == "Temperature")`;

  const post = (body: string, headers: Record<string, string> = {}, query = `org=${env.org}`) =>
    rawRequest(`${env.emulator.url}/api/v2/query?${query}`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json', ...headers },
      body,
    });

  const errorOf = async (body: string, headers: Record<string, string> = {}, query?: string) => {
    const res = await post(body, headers, query);
    return { status: res.status, ...(JSON.parse(res.body) as { code: string; message: string }) };
  };

  it('returns rows to the client’s collectRows', async () => {
    const rows = await env.influx.getQueryApi(env.org).collectRows<Record<string, unknown>>(temperatures);
    const values = rows.map((r) => [r['clientId'], r['_value'], r['_time']]);
    assert.deepEqual(values, [
      ['dev1', 21.5, T0_ISO],
      ['dev1', 22.5, '2023-11-14T22:14:20Z'],
      ['dev2', 19, T0_ISO],
    ]);
    assert.equal(rows[0]?.['result'], '_result');
    assert.equal(rows[0]?.['table'], 0);
    assert.equal(rows[2]?.['table'], 1);
  });

  it('answers text/csv in UTF-8, chunked', async () => {
    const res = await post(JSON.stringify({ query: temperatures }));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
  });

  it('runs a raw Flux body (application/vnd.flux) as plain CSV without annotations', async () => {
    const res = await post(`${temperatures} |> filter(fn: (r) => r.clientId == "dev2")`, {
      'content-type': 'application/vnd.flux',
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.body,
      ',result,table,_start,_stop,_time,_value,_field,_measurement,clientId\r\n' +
        `,_result,0,${T0_ISO},2023-11-14T23:00:00Z,${T0_ISO},19,Temperature,environment,dev2\r\n\r\n`,
    );
  });

  it('writes the annotations the dialect asks for, in its order, and no header when asked', async () => {
    const res = await post(
      JSON.stringify({
        query: `${temperatures} |> filter(fn: (r) => r.clientId == "dev2")`,
        dialect: { header: false, annotations: ['group', 'datatype'] },
      }),
    );
    const lines = res.body.split('\r\n');
    assert.ok(lines[0]?.startsWith('#group,false,false,true,true,false,false,true,true,true'));
    assert.ok(lines[1]?.startsWith('#datatype,string,long,dateTime:RFC3339'));
    assert.ok(lines[2]?.startsWith(',_result,0,'));
  });

  it('evaluates relative ranges against the request’s now', async () => {
    const res = await post(
      JSON.stringify({
        query: 'from(bucket: "my-bucket") |> range(start: -30s) |> filter(fn: (r) => r._field == "CO2")',
        now: '2023-11-14T22:14:30Z',
      }),
    );
    assert.match(res.body, /,410,CO2,/);
    assert.doesNotMatch(res.body, /,400,CO2,/);
  });

  it('sends a response under 1400 bytes uncompressed even when gzip is accepted, as gziphandler does', async () => {
    const res = await post(JSON.stringify({ query: temperatures }), { 'accept-encoding': 'gzip' });
    assert.ok(res.raw.length < 1400);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.ok(res.body.startsWith(',result,table,'));
  });

  it('gzips responses of at least 1400 bytes and the client reads them (gzip option)', async () => {
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
    writeApi.writeRecords(Array.from({ length: 100 }, (_, i) => `bulk,n=x v=${i} ${T0 + BigInt(i)}`));
    await writeApi.close();
    const bulk = `from(bucket: "my-bucket") |> range(start: ${T0_ISO}, stop: 2023-11-14T23:00:00Z) |> filter(fn: (r) => r._measurement == "bulk")`;
    const res = await post(JSON.stringify({ query: bulk }), { 'accept-encoding': 'gzip' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['vary'], 'Accept-Encoding');
    assert.ok(zlib.gunzipSync(res.raw).toString('utf8').includes(',99,v,bulk,x'));
    const rows = await env.influx.getQueryApi({ org: env.org, gzip: true }).collectRows(bulk);
    assert.equal(rows.length, 100);
  });

  it('does not gzip when the client does not ask', async () => {
    const res = await post(JSON.stringify({ query: temperatures }));
    assert.equal(res.headers['content-encoding'], undefined);
  });

  describe('request errors (400 failed to decode request body)', () => {
    const prefix = 'failed to decode request body: ';

    it('needs a query', async () => {
      assert.deepEqual(await errorOf('{}'), {
        status: 400,
        code: 'invalid',
        message: `${prefix}request body requires either query or AST`,
      });
    });

    it('knows only flux', async () => {
      assert.equal(
        (await errorOf(JSON.stringify({ query: 'x', type: 'sql' }))).message,
        `${prefix}unknown query type: sql`,
      );
    });

    it('refuses a delimiter that is not one byte', async () => {
      const error = await errorOf(JSON.stringify({ query: 'x', dialect: { delimiter: ';;' } }));
      assert.equal(error.message, `${prefix}invalid dialect delimeter: must be length 1`);
    });

    it('refuses a comment prefix longer than one byte', async () => {
      const error = await errorOf(JSON.stringify({ query: 'x', dialect: { commentPrefix: '//' } }));
      assert.equal(error.message, `${prefix}invalid dialect comment prefix: must be length 0 or 1`);
    });

    it('refuses an unknown annotation', async () => {
      const error = await errorOf(JSON.stringify({ query: 'x', dialect: { annotations: ['datatype', 'nope'] } }));
      assert.equal(error.message, `${prefix}unknown dialect annotation type: nope`);
    });

    it('refuses an unknown date time format', async () => {
      const error = await errorOf(JSON.stringify({ query: 'x', dialect: { dateTimeFormat: 'Unix' } }));
      assert.equal(error.message, `${prefix}unknown dialect date time format: Unix`);
    });

    it('explains a body that is not JSON', async () => {
      const error = await errorOf('from(bucket: "x")');
      assert.equal(error.status, 400);
      assert.ok(
        error.message.startsWith(
          `${prefix}failed parsing request body as JSON; if sending a raw Flux script, set 'Content-Type: application/vnd.flux' in your request headers: `,
        ),
      );
    });

    it('needs an org', async () => {
      const error = await errorOf(JSON.stringify({ query: 'x' }), {}, '');
      assert.equal(error.message, `${prefix}Please provide either orgID or org`);
    });

    it('names an unknown org', async () => {
      const error = await errorOf(JSON.stringify({ query: 'x' }), {}, 'org=nope');
      assert.equal(error.message, `${prefix}organization name "nope" not found`);
    });
  });

  it('appends an in-band error table when a later result fails, keeping status 200', async () => {
    const query =
      `${temperatures} |> filter(fn: (r) => r.clientId == "dev2") |> yield(name: "ok")\n` +
      `${temperatures} |> map(fn: (r) => ({r with x: int(v: "abc")})) |> yield(name: "broken")`;
    const res = await post(JSON.stringify({ query, dialect: { annotations: ['datatype', 'group', 'default'] } }));
    assert.equal(res.status, 200);
    assert.match(
      res.body,
      /,,0,.*,19,Temperature,environment,dev2\r\n\r\n#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n,"[^\r]*abc[^\r]*",\r\n$/,
    );
    const rows = await env.influx.getQueryApi(env.org).collectRows<Record<string, unknown>>(query);
    assert.match(String(rows.at(-1)?.['error']), /abc/);
  });

  it('answers a failure of the only result as an HTTP error, since nothing was written yet', async () => {
    const query = `${temperatures} |> map(fn: (r) => ({r with x: int(v: "abc")}))`;
    const error = await errorOf(JSON.stringify({ query }));
    assert.equal(error.status, 400);
    assert.match(error.message, /abc/);
  });

  it('answers a Flux compile error with 400 before any output', async () => {
    await assertHttpError(env.influx.getQueryApi(env.org).collectRows('frm(bucket: "x")'), 400, 'invalid');
  });

  it('answers an unknown bucket with 404', async () => {
    await assertHttpError(
      env.influx.getQueryApi(env.org).collectRows('from(bucket: "nope") |> range(start: 0)'),
      404,
      'not found',
      /could not find bucket "nope"/,
    );
  });

  it('answers a missing token with 401', async () => {
    const res = await rawRequest(`${env.emulator.url}/api/v2/query?org=${env.org}`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
  });

  it('answers Prefer: return-no-content with 204', async () => {
    const res = await post(JSON.stringify({ query: temperatures }), { prefer: 'return-no-content' });
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
  });
});
