/**
 * What the Flux stdlib testcases of monitor, generate and interpolate (stdlib-conformance.test.ts) do not reach:
 * the refusals, and relative bounds. The packages' answers themselves are checked by those testcases.
 */
import assert from 'node:assert/strict';
import { ApiError } from '../../emulator/errors';
import { column, FluxFixture, t } from './flux-harness';

async function refusal(fixture: FluxFixture, query: string): Promise<ApiError> {
  try {
    await fixture.tables(query);
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('the query was expected to be refused');
}

const STATUSES = `import "array"
import "influxdata/influxdb/monitor"
data = array.from(rows: [{_time: 2029-12-31T23:59:00Z, _measurement: "cpu", _field: "idle", _value: 3.0}])`;

describe('flux engine: monitor, generate and interpolate', () => {
  let fixture: FluxFixture;
  beforeEach(() => (fixture = new FluxFixture()));
  afterEach(() => fixture.close());

  it('refuses monitor.check that would write to _monitoring, naming experimental.to', async () => {
    const e = await refusal(
      fixture,
      `${STATUSES}
data |> monitor.check(data: {_check_id: "a", _check_name: "c", _type: "custom", tags: {}}, messageFn: (r) => "m")`,
    );
    assert.equal(e.status, 400);
    assert.match(e.message, /unsupported function "experimental.to": monitor.write writes to the _monitoring bucket/);
  });

  it('refuses monitor.notify that would log to _monitoring, naming experimental.to', async () => {
    const e = await refusal(
      fixture,
      `${STATUSES}
data |> monitor.notify(data: {_notification_rule_id: "r"}, endpoint: (tables=<-) => tables)`,
    );
    assert.equal(e.status, 400);
    assert.match(e.message, /unsupported function "experimental.to": monitor.log writes to the _monitoring bucket/);
  });

  it('runs monitor.check when the script sets option monitor.write', async () => {
    const tables = await fixture.tables(`${STATUSES}
option monitor.write = (tables=<-) => tables
data
    |> monitor.check(
        data: {_check_id: "a", _check_name: "c", _type: "custom", tags: {}},
        messageFn: (r) => "idle is \${r._value}",
        crit: (r) => r._value < 5.0,
    )`);
    assert.deepEqual(column(tables[0], '_level'), ['crit']);
    assert.deepEqual(column(tables[0], '_message'), ['idle is 3']);
  });

  it('resolves generate.from bounds given as durations against now', async () => {
    const tables = await fixture.tables(`import "generate"
generate.from(start: -2h, stop: -1h, count: 2, fn: (n) => n)`);
    assert.deepEqual(column(tables[0], '_time'), [t('2029-12-31T22:00:00Z'), t('2029-12-31T22:30:00Z')]);
  });

  it('refuses generate.from with a count that is not positive', async () => {
    const e = await refusal(
      fixture,
      `import "generate"
generate.from(start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z, count: 0, fn: (n) => n)`,
    );
    assert.match(e.message, /count must be positive, got 0/);
  });

  it('refuses interpolate.linear on values that are not floats, as Flux does', async () => {
    const e = await refusal(
      fixture,
      `import "array"
import "interpolate"
array.from(rows: [{_time: 2021-01-01T00:00:00Z, _value: 1}]) |> interpolate.linear(every: 1m)`,
    );
    assert.match(e.message, /cannot interpolate long values; expected float values/);
  });

  it('refuses interpolate.linear when a column other than _time and _value is outside the group key', async () => {
    const e = await refusal(
      fixture,
      `import "array"
import "interpolate"
array.from(rows: [{_time: 2021-01-01T00:00:00Z, _value: 1.0, host: "a"}]) |> interpolate.linear(every: 1m)`,
    );
    assert.match(e.message, /interpolate.linear requires column "host" to be in group key/);
  });
});
