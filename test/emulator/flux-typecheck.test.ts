import assert from 'node:assert/strict';
import { BucketsAPI } from '@influxdata/influxdb-client-apis';
import { assertHttpError, type Onboarded, startOnboarded } from '../support/emulator';
import { type FileEnv, startFileBacked } from '../support/query-pool';

const T0 = 1_700_000_000_000_000_000n;
const START = '2023-11-14T22:00:00Z';
const STOP = '2023-11-14T23:00:00Z';

describe('flux type check before running (/api/v2/query)', () => {
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded();
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
    writeApi.writeRecords([
      `environment,clientId=dev1 Temperature=21.5 ${T0}`,
      `environment,clientId=dev1 Temperature=22.5 ${T0 + 60_000_000_000n}`,
      `environment,clientId=dev2 Temperature=19 ${T0}`,
    ]);
    await writeApi.close();
  });
  after(() => env.emulator.close());

  const rows = (query: string) => env.influx.getQueryApi(env.org).collectRows<Record<string, unknown>>(query);
  const refusal = (query: string, message: string) => assertHttpError(rows(query), 400, 'invalid', message);
  const temperatures = `from(bucket: "my-bucket") |> range(start: ${START}, stop: ${STOP})`;

  describe('refuses what Flux refuses, in its words', () => {
    it('a missing required argument, at the call', () =>
      refusal(
        `from(bucket: "my-bucket")\n  |> range(start: ${START})\n  |> filter()`,
        'error @3:6-3:14: missing required argument fn',
      ));

    it('a required argument of a Flux-defined function (aggregateWindow has no default fn)', () =>
      refusal(`${temperatures} |> aggregateWindow(every: 1m)`, 'error @1:96-1:122: missing required argument fn'));

    it('the piped input of a function called without a pipe', () =>
      refusal('sum(column: "_value")', 'error @1:1-1:22: missing required argument tables'));

    it('an unexpected argument, naming the ones still expected', () =>
      refusal(
        `${temperatures} |> keep(colum: ["_value"])`,
        'error @1:108-1:118: found unexpected argument colum (Expected one of `columns` or `fn`)',
      ));

    it('an argument of the wrong basic type', () =>
      refusal(`${temperatures} |> limit(n: "5")`, 'error @1:105-1:108: expected int but found string (argument n)'));

    it('a wrong type through a name bound to a literal', () =>
      refusal(
        `rows = "5"\n${temperatures} |> limit(n: rows)`,
        'error @2:105-2:109: expected int but found string (argument n)',
      ));

    it('a string where an array of strings is expected, and an array of the wrong element type', () =>
      refusal(
        `${temperatures} |> keep(columns: "_value") |> drop(columns: [1])`,
        'error @1:110-1:118: expected [string] (array) but found string (argument columns)\n\n' +
          'error @1:137-1:140: expected string but found int (argument columns)',
      ));

    it('a value without the kind a type variable asks for', () =>
      refusal(
        'import "date"\ndate._hour(t: "noon", location: {zone: "UTC", offset: 0h})',
        'error @2:15-2:21: string is not Timeable (argument t)',
      ));

    it('a piped call to a function that takes no piped data', () =>
      refusal('import "strings"\n"abc" |> strings.toUpper(v: "abc")', 'error @2:10-2:35: missing pipe argument'));

    it("the script's own functions: unknown and missing arguments", () =>
      refusal(
        'scale = (v, factor=2.0) => v * factor\nscale(value: 1.0)',
        'error @2:14-2:17: found unexpected argument value (Expected one of `v` or `factor`)\n\n' +
          'error @2:1-2:18: missing required argument v',
      ));

    it('every error of the script, in the order Flux finds them (inner call first)', () =>
      refusal(
        `from(bucket: 1) |> range(start: -1h) |> limit(n: 2.5)`,
        'error @1:14-1:15: expected string but found int (argument bucket)\n\n' +
          'error @1:50-1:53: expected int but found float (argument n)',
      ));
  });

  describe('checks before any table is read', () => {
    it('writes nothing when a later statement of the script has a type error', async () => {
      await new BucketsAPI(env.influx).postBuckets({ body: { orgID: env.orgID, name: 'copy' } });
      // findRecord reads its input while the script is evaluated, so without the check the copy would be written
      // before the bad call is reached.
      await refusal(
        `first = ${temperatures} |> to(bucket: "copy") |> findRecord(fn: (key) => true, idx: 0)\n` +
          `${temperatures} |> limit(n: "1")`,
        'error @2:105-2:108: expected int but found string (argument n)',
      );
      const copied = await rows(`from(bucket: "copy") |> range(start: ${START}, stop: ${STOP})`);
      assert.deepEqual(copied, []);
    });

    it('reports the type error, not the missing bucket that a statement before it would read', () =>
      refusal(
        'first = from(bucket: "no-such-bucket") |> range(start: -1h) |> findRecord(fn: (key) => true, idx: 0)\n' +
          `${temperatures} |> tail(n: "1")`,
        'error @2:104-2:107: expected int but found string (argument n)',
      ));
  });

  describe('still runs what Flux accepts', () => {
    it('piped calls, defaults left out and optional arguments given', async () => {
      const got = await rows(
        `${temperatures} |> filter(fn: (r) => r.clientId == "dev1") |> aggregateWindow(every: 1m, fn: mean, createEmpty: false)`,
      );
      assert.deepEqual(
        got.map((r) => r['_value']),
        [21.5, 22.5],
      );
    });

    it("the script's own functions, including one that shadows a stdlib name with other parameters", async () => {
      const got = await rows(
        'double = (v) => v * 2.0\n' +
          'keep = (tables=<-, rows) => tables |> limit(n: rows)\n' +
          `${temperatures} |> filter(fn: (r) => r.clientId == "dev1") |> keep(rows: 1)` +
          ' |> map(fn: (r) => ({r with _value: double(v: r._value)}))',
      );
      assert.deepEqual(
        got.map((r) => r['_value']),
        [43],
      );
    });

    it('polymorphic parameters take any type, and names bound to literals of the right type', async () => {
      const n = 'rows = 1\nlabel = "none"\n';
      const got = await rows(
        `${n}${temperatures} |> filter(fn: (r) => contains(value: r.clientId, set: ["dev2"]))` +
          ' |> fill(value: 0.0) |> limit(n: rows) |> map(fn: (r) => ({r with note: label}))',
      );
      assert.deepEqual(
        got.map((r) => [r['_value'], r['note']]),
        [[19, 'none']],
      );
    });

    it('a call through an alias of a stdlib function, and a package member', async () => {
      const got = await rows(
        'import "strings"\nupper = strings.toUpper\n' +
          `${temperatures} |> filter(fn: (r) => r.clientId == "dev2") |> map(fn: (r) => ({r with id: upper(v: r.clientId)}))`,
      );
      assert.deepEqual(
        got.map((r) => r['id']),
        ['DEV2'],
      );
    });
  });
});

describe('flux type check in a query worker', () => {
  let env: FileEnv;
  before(async () => {
    env = await startFileBacked({ queryWorkers: 1 });
  });
  after(() => env.close());

  it('refuses the same way when the query runs off the main thread', () =>
    assertHttpError(
      env.influx.getQueryApi(env.org).collectRows('from(bucket: "my-bucket") |> range(start: -1h) |> limit(n: "5")'),
      400,
      'invalid',
      'error @1:60-1:63: expected int but found string (argument n)',
    ));
});
