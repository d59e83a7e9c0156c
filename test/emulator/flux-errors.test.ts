import assert from 'node:assert/strict';
import { ApiError } from '../../emulator/errors';
import { fluxSyntaxErrors, runFlux } from '../../emulator/flux/engine';
import { FluxFixture, point, t } from './flux-harness';

async function rejection(fixture: FluxFixture, query: string): Promise<ApiError> {
  try {
    await fixture.run(query);
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('the query was expected to fail');
}

describe('flux engine: errors', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
    fixture.write([point('m', { host: 'a' }, { v: 1 }, t('2029-12-31T23:00:00Z'))]);
  });
  afterEach(() => fixture.close());

  it('reports a parse error with its location, as InfluxDB does', async () => {
    const e = await rejection(fixture, 'from(bucket: "test") |> range(start: -1h');
    assert.equal(e.code, 'invalid');
    assert.equal(e.status, 400);
    assert.equal(e.message, 'compilation failed: error @1:25-1:41: expected RPAREN, got EOF');
  });

  it('reports every syntax error of a script', async () => {
    const e = await rejection(fixture, 'x = 1 +\ny = "abc');
    assert.equal(
      e.message,
      'compilation failed: error @2:3-2:4: invalid statement: =\n\n' +
        'error @2:5-2:9: got unexpected token in string expression @2:9-2:9: EOF',
    );
  });

  it('names an undefined identifier with its location', async () => {
    const e = await rejection(fixture, 'frm(bucket: "test")');
    assert.equal(e.code, 'invalid');
    assert.equal(e.message, 'error @1:1-1:4: undefined identifier frm');
  });

  it('names a real Flux function the emulator does not implement', async () => {
    const e = await rejection(fixture, 'from(bucket: "test") |> range(start: -1h) |> sleep(duration: 1s)');
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /unsupported function "sleep"/);
  });

  it('refuses a package option the emulator does not declare', async () => {
    const e = await rejection(
      fixture,
      'import "influxdata/influxdb/schema"\noption schema.nothing = 1\nfrom(bucket: "test") |> range(start: -1h)',
    );
    assert.match(e.message, /unsupported option "schema.nothing"/);
  });

  it('names an unsupported member of a supported package', async () => {
    const e = await rejection(fixture, 'import "influxdata/influxdb/v1"\nv1.databases()');
    assert.match(e.message, /unsupported function "v1.databases"/);
  });

  it('names an unsupported package', async () => {
    const e = await rejection(fixture, 'import "experimental/geo"\nfrom(bucket: "test") |> range(start: -1h)');
    assert.match(e.message, /unsupported package "experimental\/geo"/);
  });

  it('refuses a package option the emulator does not declare', async () => {
    const e = await rejection(
      fixture,
      'import "influxdata/influxdb/schema"\noption schema.nothing = 1\nfrom(bucket: "test") |> range(start: -1h)',
    );
    assert.match(e.message, /unsupported option "schema.nothing"/);
  });

  it('names an unsupported member of a supported package', async () => {
    const e = await rejection(
      fixture,
      'import "experimental"\nx = experimental.catch(fn: () => 1)\nfrom(bucket: "test") |> range(start: -1h)',
    );
    assert.match(e.message, /unsupported function "experimental.catch"/);
  });

  it('rejects an import path that is not Flux', async () => {
    const e = await rejection(fixture, 'import "no/such/pkg"\nfrom(bucket: "test") |> range(start: -1h)');
    assert.match(e.message, /unknown import path "no\/such\/pkg"/);
  });

  it('finds static errors before reading anything', async () => {
    await rejection(
      fixture,
      'from(bucket: "test") |> range(start: -1h) |> yield(name: "a")\nfrom(bucket: "test") |> range(start: -1h) |> nope()',
    );
    assert.equal(fixture.reads.length, 0);
  });

  it('answers a missing bucket with not found, in InfluxDB words', async () => {
    const e = await rejection(fixture, 'from(bucket: "nope") |> range(start: -1h)');
    assert.equal(e.code, 'not found');
    assert.equal(e.status, 404);
    assert.equal(e.message, 'could not find bucket "nope"');
  });

  it('treats a bucket the caller cannot read like a missing one', async () => {
    const ctx = fixture.context();
    await assert.rejects(
      runFlux('from(bucket: "test") |> range(start: -1h)', { ...ctx, findBucket: () => undefined }),
      (e: unknown) => e instanceof ApiError && e.code === 'not found' && e.message === 'could not find bucket "test"',
    );
  });

  it('refuses a read without range', async () => {
    const e = await rejection(fixture, 'from(bucket: "test") |> filter(fn: (r) => true)');
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /cannot submit unbounded read to "test"; try bounding 'from' with a call to 'range'/);
  });

  it('reports a type error found while processing rows, with the expression location', async () => {
    const e = await rejection(
      fixture,
      'from(bucket: "test") |> range(start: -1d) |> map(fn: (r) => ({r with _value: r._value * 2}))',
    );
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /^error @1:78-1:90: unsupported binary expression float \* int$/);
  });

  it('reports a missing required argument at the call, before running', async () => {
    const e = await rejection(fixture, 'from(bucket: "test") |> range()');
    assert.equal(e.message, 'error @1:25-1:32: missing required argument start');
  });

  it('reports an argument of the wrong type', async () => {
    const e = await rejection(fixture, 'from(bucket: "test") |> range(start: -1h) |> limit(n: "2")');
    assert.equal(e.message, 'error @1:55-1:58: expected int but found string (argument n)');
  });

  it('reports an unknown argument', async () => {
    const e = await rejection(fixture, 'from(bucket: "test") |> range(start: -1h) |> limit(n: 2, count: 3)');
    assert.equal(e.message, 'error @1:65-1:66: found unexpected argument count (Expected `offset`)');
  });

  it('rejects two results with the same name', async () => {
    const e = await rejection(
      fixture,
      'from(bucket: "test") |> range(start: -1h) |> yield()\nfrom(bucket: "test") |> range(start: -2h) |> yield()',
    );
    assert.match(e.message, /duplicate yield name "_result"/);
  });

  it('returns the earlier results and the error when a later yield fails', async () => {
    const { results, error } = await fixture.run(
      'from(bucket: "test") |> range(start: -1d) |> yield(name: "ok")\n' +
        'from(bucket: "test") |> range(start: -1d) |> map(fn: (r) => ({r with _value: r._value + 1})) |> yield(name: "bad")',
    );
    assert.deepEqual(
      results.map((r) => r.name),
      ['ok'],
    );
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 'invalid');
    assert.match(error.message, /unsupported binary expression float \+ int/);
  });

  it('stops the script with die()', async () => {
    const e = await rejection(fixture, 'die(msg: "stop here")');
    assert.match(e.message, /stop here/);
  });
});

describe('flux engine: fluxSyntaxErrors', () => {
  it('is empty for a script that parses', () => {
    assert.deepEqual(fluxSyntaxErrors('from(bucket: "b") |> range(start: -1h)'), []);
  });

  it('gives each error its message, line and column', () => {
    assert.deepEqual(fluxSyntaxErrors('x = 1\nfrom(bucket: "b") |> range(start: -1h'), [
      { message: 'expected RPAREN, got EOF', line: 2, column: 22 },
    ]);
  });

  it('does not report semantic problems (they need the stdlib)', () => {
    assert.deepEqual(fluxSyntaxErrors('frm(bucket: "b")'), []);
  });
});
