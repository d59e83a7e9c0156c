/**
 * What the Flux stdlib testcases of monitor, generate and interpolate (stdlib-conformance.test.ts) do not reach,
 * over HTTP: monitor's writes to `_monitoring` (experimental.to) read back with monitor.from/logs, relative
 * bounds, and the refusals. The packages' answers themselves are checked by those testcases.
 */
import assert from 'node:assert/strict';
import { type Onboarded, startOnboarded } from '../support/emulator';

const NOW = '2030-01-01T00:00:00Z';

const CPU = `import "array"
import "influxdata/influxdb/monitor"
option now = () => ${NOW}
cpu = array.from(rows: [
    {_time: 2029-12-31T23:58:00Z, _measurement: "cpu", host: "a", usage_idle: 3.0},
    {_time: 2029-12-31T23:59:00Z, _measurement: "cpu", host: "a", usage_idle: 50.0},
]) |> group(columns: ["_measurement", "host"])
data = {_check_id: "0000000000000001", _check_name: "idle", _type: "threshold", tags: {team: "ops"}}`;

describe('flux engine: monitor, generate and interpolate', () => {
  let env: Onboarded;
  beforeEach(async () => (env = await startOnboarded()));
  afterEach(() => env.emulator.close());

  const query = async (flux: string) => {
    const res = await fetch(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
      method: 'POST',
      headers: { Authorization: `Token ${env.token}`, 'Content-Type': 'application/vnd.flux' },
      body: flux,
    });
    return { status: res.status, body: await res.text() };
  };
  const rows = (flux: string) => env.influx.getQueryApi(env.org).collectRows<Record<string, unknown>>(flux);

  it('writes monitor.check statuses to _monitoring, where monitor.from reads them', async () => {
    await rows(`${CPU}
cpu |> monitor.check(data: data, messageFn: (r) => "idle \${r.usage_idle}", crit: (r) => r.usage_idle < 5.0)`);
    const statuses = await rows(`import "influxdata/influxdb/monitor"
monitor.from(start: 2029-12-31T00:00:00Z, stop: 2030-01-02T00:00:00Z) |> sort(columns: ["_source_timestamp"])`);
    assert.deepEqual(
      statuses.map((r) => [r._check_name, r._level, r.host, r.team, r._source_measurement, r._message, r.usage_idle]),
      [
        ['idle', 'crit', 'a', 'ops', 'cpu', 'idle 3', 3],
        ['idle', 'ok', 'a', 'ops', 'cpu', 'idle 50', 50],
      ],
    );
    assert.deepEqual(
      statuses.map((r) => [r._time, r._source_timestamp]),
      [
        [NOW, 1893455880000000000],
        [NOW, 1893455940000000000],
      ],
    );
  });

  it('writes monitor.notify notifications to _monitoring, where monitor.logs reads them', async () => {
    await rows(`${CPU}
cpu
    |> monitor.check(data: data, messageFn: (r) => "m", crit: (r) => r.usage_idle > 40.0)
    |> monitor.stateChanges(toLevel: "crit")
    |> monitor.notify(data: {_notification_rule_id: "r1"}, endpoint: (tables=<-) => tables |> map(fn: (r) => ({r with _sent: "true"})))`);
    const logs = await rows(`import "influxdata/influxdb/monitor"
monitor.logs(start: 2029-12-31T00:00:00Z, stop: 2030-01-02T00:00:00Z, fn: (r) => true)`);
    assert.deepEqual(
      logs.map((r) => [r._notification_rule_id, r._sent, r._level, r._status_timestamp]),
      [['r1', 'true', 'crit', 1893456000000000000]], // the status's _time: check stamps now()
    );
  });

  it('refuses experimental.to on data that is not pivoted, as Flux does', async () => {
    const { status, body } = await query(`import "array"
import "experimental"
array.from(rows: [{_time: ${NOW}, _measurement: "m", _field: "f", _value: 1.0}])
    |> group(columns: ["_measurement", "_field"])
    |> experimental.to(bucket: "my-bucket")`);
    assert.equal(status, 400);
    assert.match(body, /found column \\"_field\\" in the group key; experimental.to\(\) expects pivoted data/);
  });

  it('resolves generate.from bounds given as durations against now', async () => {
    const got = await rows(`import "generate"
option now = () => ${NOW}
generate.from(start: -2h, stop: -1h, count: 2, fn: (n) => n)`);
    assert.deepEqual(
      got.map((r) => r._time),
      ['2029-12-31T22:00:00Z', '2029-12-31T22:30:00Z'],
    );
  });

  it('refuses generate.from with a count that is not positive', async () => {
    const { status, body } = await query(`import "generate"
generate.from(start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z, count: 0, fn: (n) => n)`);
    assert.equal(status, 400);
    assert.match(body, /count must be positive, got 0/);
  });

  it('refuses interpolate.linear on values that are not floats, as Flux does', async () => {
    const { status, body } = await query(`import "array"
import "interpolate"
array.from(rows: [{_time: 2021-01-01T00:00:00Z, _value: 1}]) |> interpolate.linear(every: 1m)`);
    assert.equal(status, 400);
    assert.match(body, /cannot interpolate long values; expected float values/);
  });

  it('refuses interpolate.linear when a column other than _time and _value is outside the group key', async () => {
    const { status, body } = await query(`import "array"
import "interpolate"
array.from(rows: [{_time: 2021-01-01T00:00:00Z, _value: 1.0, host: "a"}]) |> interpolate.linear(every: 1m)`);
    assert.equal(status, 400);
    assert.match(body, /interpolate.linear requires column \\"host\\" to be in group key/);
  });
});
