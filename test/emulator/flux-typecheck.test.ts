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
      // Two hours before the other points, out of the range the other tests read.
      `environment,clientId=dev1 state="ok" ${T0 - 7_200_000_000_000n}`,
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

  describe('infers the evident types of expressions, as Flux does before running', () => {
    // Without the check, this first statement would read a bucket that does not exist and fail with that.
    const reading =
      'first = from(bucket: "no-such-bucket") |> range(start: -1h) |> findRecord(fn: (key) => true, idx: 0)\n';

    it('operands of an arithmetic operator must be of one type: a name bound to a literal', () =>
      refusal(`${reading}v = 1\nv + "a"`, 'error @3:5-3:8: expected int but found string'));

    it('operands need the kind the operator asks for, after being of one type', () =>
      refusal(
        `${reading}x = 1 + 2.0\ny = "a" - "b"\nz = true + 1`,
        'error @2:9-2:12: expected int but found float\n\n' +
          'error @3:5-3:14: string is not Subtractable\n\n' +
          'error @4:12-4:13: expected bool but found int\n\n' +
          'error @4:5-4:13: bool is not Addable',
      ));

    it('logical operators, not and if/then/else need bool, and the branches one type', () =>
      refusal(
        `${reading}a = 1 and true\nb = not 1\nc = if 1 then 2 else "a"`,
        'error @2:5-2:6: expected bool but found int\n\n' +
          'error @3:9-3:10: expected bool but found int\n\n' +
          'error @4:8-4:9: expected bool but found int\n\n' +
          'error @4:22-4:25: expected int but found string',
      ));

    it('a regexp match needs a string on the left, and an interpolated value must be Stringable', () =>
      refusal(
        `${reading}a = 1 =~ /x/\nb = "\${/x/}"`,
        'error @2:5-2:6: expected string but found int\n\nerror @3:8-3:11: regexp is not Stringable',
      ));

    it('a function where a string is expected, written as Flux writes its type', () =>
      refusal(
        `${reading}f = (r) => r\ng = (x, y) => x + 1\nfrom(bucket: f) |> range(start: -1h)\nfrom(bucket: g)`,
        'error @4:14-4:15: expected string but found (r: A) => A (function) (argument bucket)\n\n' +
          'error @5:14-5:15: expected string but found (x: int, y: A) => int (function) (argument bucket)',
      ));

    it("the script's own function called with an argument its body cannot take", () =>
      refusal(
        `${reading}f = (x) => x + 1\nf(x: "a")\ntwice = (x) => x + x\ntwice(x: true)\ng = f\ng(x: 1.5)`,
        'error @3:6-3:9: expected int but found string (argument x)\n\n' +
          'error @5:10-5:14: bool is not Addable (argument x)\n\n' +
          'error @7:6-7:9: expected int but found float (argument x)',
      ));

    it("two parameters made one type by the body, and the type of the function's result", () =>
      refusal(
        `${reading}add = (a, b) => a + b\nadd(a: 1, b: "s")\nn = add(a: 1, b: 2)\nn + 0.5`,
        'error @3:14-3:17: expected int but found string (argument b)\n\nerror @5:5-5:8: expected int but found float',
      ));

    it("a function argument whose evident return type is not the declared one (filter's fn returns bool)", () =>
      refusal(
        `${reading}${temperatures} |> filter(fn: (r) => 1)`,
        // Flux v0.196.1's message for a return type really starts with "123".
        'error @2:107-2:115: 123expected bool but found int for return type caused by expected bool but found int' +
          ' (argument fn)',
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

    it('record members are of unknown type: a string field plus a string', async () => {
      const got = await rows(
        'from(bucket: "my-bucket") |> range(start: 2023-11-14T20:00:00Z, stop: 2023-11-14T21:00:00Z)' +
          ' |> filter(fn: (r) => r._field == "state") |> map(fn: (r) => ({r with _value: r._value + "!"}))',
      );
      assert.deepEqual(
        got.map((r) => r['_value']),
        ['ok!'],
      );
    });

    it("the script's own polymorphic function called with strings and with ints", async () => {
      const got = await rows(
        'twice = (x) => x + x\n' +
          `${temperatures} |> filter(fn: (r) => r.clientId == "dev2")` +
          ' |> map(fn: (r) => ({r with label: twice(x: "ab"), n: twice(x: 2)}))',
      );
      assert.deepEqual(
        got.map((r) => [r['label'], r['n']]),
        [['abab', 4]],
      );
    });

    it('if/then/else over record members, and ints made floats with float()', async () => {
      const got = await rows(
        'offset = float(v: 1) + 0.5\n' +
          `${temperatures} |> filter(fn: (r) => r.clientId == "dev1")` +
          ' |> map(fn: (r) => ({r with level: if r._value > 22.0 then r.clientId else "cool",' +
          ' _value: r._value + float(v: 1) + offset}))',
      );
      assert.deepEqual(
        got.map((r) => [r['level'], r['_value']]),
        [
          ['cool', 24],
          ['dev1', 25],
        ],
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
