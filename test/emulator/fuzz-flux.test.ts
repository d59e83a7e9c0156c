/**
 * Malformed Flux over HTTP: the emulator answers 400 `invalid` (or 200, possibly with an in-band error
 * table) and keeps answering. Plain examples of defects fuzzing found come first.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  deviceListQuery,
  deviceMeasurementsQuery,
  downsampledQuery,
  lastValuesQuery,
  missingMinutesQuery,
} from '../../lib/query/presets';
import { type Onboarded, startOnboarded } from '../support/emulator';
import {
  assertErrorShape,
  assertHealthy,
  FUZZ_SEED,
  type FuzzResponse,
  inPool,
  replayHint,
  send,
} from '../support/fuzz';

const LONG_A = 'a'.repeat(40);

describe('Flux that once broke the emulator', () => {
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded();
    const write = await send(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
      headers: { authorization: `Token ${env.token}` },
      body: `m s="${LONG_A}b"`,
    });
    assert.equal(write.status, 204);
  });
  after(() => env.emulator.close());

  const query = (flux: string) =>
    send(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
      headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
      body: flux,
    });

  it('answers a chain of 5000 unary minuses with 400 "nested too deep", and parses the next query', async () => {
    // The parser's stack in wasm overflowed, and its instance then failed every later query with 500.
    const deep = await query(`x = ${'-'.repeat(5000)}1\nx`);
    assert.equal(deep.status, 400);
    assert.deepEqual(assertErrorShape(deep, 'deep'), {
      code: 'invalid',
      message: 'compilation failed: error @1:1-2:2: Program is nested too deep',
    });
    const next = await query(`from(bucket: "${env.bucket}") |> range(start: -1h)`);
    assert.equal(next.status, 200, next.body);
    assert.match(next.body, new RegExp(`${LONG_A}b`));
  });

  it('answers a chain of 5000 "+" terms with 400 rather than 500', async () => {
    // The JavaScript stack overflowed while the wasm glue built the AST.
    const res = await query(`x = ${Array(5000).fill('1').join(' + ')}\nx`);
    assert.equal(res.status, 400, res.body);
    assert.match(assertErrorShape(res, 'plus').message, /Program is nested too deep/);
    await assertHealthy(env.emulator.url);
  });

  for (const pattern of ['^(a+)+$', '(?i)^(A+)+$', '^(a|aa)*$', '(?s)^(.*a)*$']) {
    it(`matches /${pattern}/ against a long string at once, as RE2 does (no backtracking)`, async () => {
      // Before, the backtracking engine ran for minutes and the whole emulator stood still.
      const res = await query(
        `from(bucket: "${env.bucket}") |> range(start: -1h) |> filter(fn: (r) => r._value =~ /${pattern}/)`,
      );
      assert.equal(res.status, 200, res.body);
      assert.doesNotMatch(res.body, /_result/);
    });
  }

  it('keeps case-insensitive patterns case-insensitive on a long string (RE2 semantics, linear time)', async () => {
    const res = await query(
      `from(bucket: "${env.bucket}") |> range(start: -1h) |> filter(fn: (r) => r._value =~ /(?i)^A+B$/)`,
    );
    assert.equal(res.status, 200, res.body);
    assert.match(res.body, new RegExp(`_result,0,.*,${LONG_A}b,s,m`));
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzz.

const QUERIES = 1200;
const CONCURRENCY = 4;
const BUCKET = 'iot_center';
const SOURCE = `from(bucket: "${BUCKET}") |> range(start: -1h)`;

/** IoT Center's dashboard queries and a few more, all valid against the fuzz bucket. */
const VALID: string[] = [
  deviceMeasurementsQuery({ bucket: BUCKET, deviceId: 'dev1', fields: ['Temperature', 'CO2'] }).toString(),
  lastValuesQuery({ bucket: BUCKET, deviceId: 'dev1' }).toString(),
  // Numeric fields only: max of a string field is an error in InfluxDB too.
  downsampledQuery({
    bucket: BUCKET,
    deviceId: 'dev1',
    range: '-7d',
    fn: 'max',
    fields: ['Temperature', 'CO2'],
  }).toString(),
  deviceListQuery({ bucket: BUCKET }).toString(),
  missingMinutesQuery({ bucket: BUCKET, deviceId: 'dev1', stop: '-1m' }).toString(),
  `${SOURCE} |> filter(fn: (r) => r._field =~ /^(Temp|Hum)/ and r.clientId != "x") |> mean()`,
  `${SOURCE} |> filter(fn: (r) => r._field == "Temperature") |> map(fn: (r) => ({r with v: r._value * 2.0 / 3.0}))`,
  `${SOURCE} |> group(columns: ["_field"]) |> sort(columns: ["_value"], desc: true) |> limit(n: 3)`,
  `${SOURCE} |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`,
  `x = 5\n${SOURCE} |> window(every: 1m) |> count() |> yield(name: "n")`,
];

const TOKENS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '|>',
  '=>',
  '<-',
  ',',
  ':',
  '.',
  '=',
  '==',
  '!=',
  '=~',
  '!~',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '<',
  '>=',
  'and',
  'or',
  'not',
  'exists',
  'if',
  'then',
  'else',
  'import',
  'option',
  'return',
  'with',
  'r',
  '_value',
  'from',
  'range',
  'filter',
  'map',
  'fn',
  'tables',
  '"str"',
  '"',
  '1',
  '1.5',
  '-1h',
  '1mo',
  '2020-01-01T00:00:00Z',
  '/re/',
  '/(/',
  'x',
  '\n',
  '\\',
  '//c',
  '@',
  '#',
  '$',
  '${',
  '"${x}"',
  '\u0000',
  '\uFFFD',
  '😀',
];

const ODD_VALUES = [
  '"a"',
  '1',
  '-1',
  '0',
  '1.5',
  'true',
  'null',
  '[]',
  '{}',
  '[1, "a"]',
  '{a: 1}',
  '(r) => r',
  '() => 1',
  '-1h',
  '0s',
  '1mo',
  '2020-01-01T00:00:00Z',
  '/a/',
  'r',
  'x',
  '9223372036854775807',
  '18446744073709551615u',
  '1e308',
  '1.0 / 0.0',
  '"' + 'x'.repeat(2000) + '"',
  'tables',
];
const FUNCTIONS = [
  'range',
  'filter',
  'map',
  'keep',
  'drop',
  'rename',
  'pivot',
  'group',
  'sort',
  'limit',
  'tail',
  'window',
  'mean',
  'quantile',
  'aggregateWindow',
  'yield',
  'fill',
  'difference',
  'derivative',
  'timeShift',
  'set',
  'duplicate',
  'count',
  'first',
  'distinct',
  'unique',
  'elapsed',
  'cumulativeSum',
  'toInt',
  'toString',
  'nope',
  'join',
  'reduce',
];
const ARGS = [
  'start',
  'stop',
  'fn',
  'columns',
  'column',
  'n',
  'offset',
  'every',
  'period',
  'createEmpty',
  'desc',
  'q',
  'rowKey',
  'columnKey',
  'valueColumn',
  'name',
  'usePrevious',
  'value',
  'unit',
  'nonNegative',
  'key',
  'as',
  'mode',
  'zz',
];
const BAD_REGEXES = [
  '/(/',
  '/[/',
  '/a**/',
  '/(?P<x/',
  '/\\/',
  '/(?i/',
  '/a{2,1}/',
  '/\\p{Nope}/',
  '/(?<=a)b/',
  '/(a)\\1/',
  '/[z-a]/',
  '/(?U)a/',
  '/a(?i)b/',
  '/\\Q[/',
];

/** A small edit of a valid query: the shapes a typo, a paste gone wrong or a hostile user produce. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), code: fc.integer({ min: 0, max: 0x2ff }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(q: string, e: Edit): string {
  const at = q.length === 0 ? 0 : e.at % (q.length + 1);
  switch (e.kind) {
    case 'delete':
      return q.slice(0, at) + q.slice(at + e.length);
    case 'insert':
      return `${q.slice(0, at)} ${e.token} ${q.slice(at)}`;
    case 'truncate':
      return q.slice(0, at);
    case 'duplicate':
      return q.slice(0, at) + q.slice(at, at + e.length) + q.slice(at);
    case 'char':
      return q.slice(0, at) + String.fromCharCode(e.code) + q.slice(at + 1);
  }
}

const nest = (open: string, inner: string, close: string, depth: number) =>
  open.repeat(depth) + inner + close.repeat(depth);

const malformedQuery: fc.Arbitrary<{ kind: string; flux: string }> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...VALID), fc.array(edit, { minLength: 1, maxLength: 4 }))
      .map(([q, edits]) => ({ kind: 'mutated preset', flux: edits.reduce(applyEdit, q) })),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 30 })
      .map((t) => ({ kind: 'token soup', flux: t.join(' ') })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...FUNCTIONS),
        fc.array(fc.tuple(fc.constantFrom(...ARGS), fc.constantFrom(...ODD_VALUES)), { maxLength: 3 }),
      )
      .map(([fn, args]) => ({
        kind: 'wrong arguments',
        flux: `${SOURCE} |> ${fn}(${args.map(([k, v]) => `${k}: ${v}`).join(', ')})`,
      })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...BAD_REGEXES).map((re) => ({
      kind: 'bad regex',
      flux: `${SOURCE} |> filter(fn: (r) => r._field =~ ${re})`,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          '1 / 0',
          '1 % 0',
          '1.0 / 0.0',
          'r._value / 0.0',
          '-9223372036854775807 - 2',
          '9223372036854775807 + 1',
          '18446744073709551615u + 1u',
          '0u - 1u',
          'int(v: 1e300)',
          'int(v: "x")',
          'float(v: "1e999")',
          'string(v: r)',
          'r._value ^ 1000.0',
          'r.nope.deeper',
          'r["_value"]',
          'r.__proto__',
          'r["constructor"]',
          'length(arr: r)',
        ),
      )
      .map(([expr]) => ({ kind: 'runtime value', flux: `${SOURCE} |> map(fn: (r) => ({r with v: ${expr}}))` })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('digits', 'string', 'duration', 'time', 'regex', 'array', 'record'),
        fc.integer({ min: 20, max: 50_000 }),
      )
      .map(([what, n]) => {
        const literal = {
          digits: '9'.repeat(n),
          string: `"${'s'.repeat(n)}"`,
          duration: `${'9'.repeat(Math.min(n, 400))}h`,
          time: `${'9'.repeat(Math.min(n, 40))}-01-01T00:00:00Z`,
          regex: `/${'a|'.repeat(Math.min(n, 5000))}b/`,
          array: `[${Array(Math.min(n, 5000)).fill('1').join(',')}]`,
          record: `{${Array.from({ length: Math.min(n, 2000) }, (_, i) => `k${i}: ${i}`).join(', ')}}`,
        }[what];
        return { kind: `huge ${what}`, flux: `x = ${literal}\n${SOURCE} |> map(fn: (r) => ({r with x: x}))` };
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('parens', 'brackets', 'records', 'calls', 'unary', 'not', 'pipes', 'members', 'functions'),
        fc.integer({ min: 10, max: 3000 }),
      )
      .map(([what, depth]) => {
        const expression = {
          parens: nest('(', '1', ')', depth),
          brackets: nest('[', '1', ']', depth),
          records: nest('{a: ', '1', '}', depth),
          calls: nest('f(x: ', '1', ')', depth),
          unary: `${'-'.repeat(depth)}1`,
          not: `${'not '.repeat(depth)}true`,
          pipes: `${SOURCE}${' |> limit(n: 1)'.repeat(depth)}`,
          members: `r${'.a'.repeat(depth)}`,
          functions: `${'(x) => '.repeat(depth)}1`,
        }[what];
        return { kind: `deep ${what}`, flux: `y = ${expression}\n${SOURCE}` };
      }),
  },
);

describe('fuzz: malformed Flux over /api/v2/query', function () {
  this.timeout(120_000);
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded();
    const bucket = await send(`${env.emulator.url}/api/v2/buckets`, {
      headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: BUCKET, orgID: env.orgID, retentionRules: [] }),
    });
    assert.equal(bucket.status, 201, bucket.body);
    const nowS = Math.floor(Date.now() / 1000);
    const lines = Array.from(
      { length: 60 },
      (_, i) =>
        `environment,clientId=dev${i % 3},TemperatureSensor=virtual_TemperatureSensor Temperature=${20 + (i % 7)},Humidity=${40 + i},CO2=${400 + i}i,note="${LONG_A}b" ${nowS - i * 30}`,
    );
    const write = await send(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${BUCKET}&precision=s`, {
      headers: { authorization: `Token ${env.token}` },
      body: lines.join('\n'),
    });
    assert.equal(write.status, 204, write.body);
  });
  after(() => env.emulator.close());

  function post(flux: string, asJson: boolean): Promise<FuzzResponse> {
    const headers = { authorization: `Token ${env.token}` };
    if (!asJson)
      return send(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
        headers: { ...headers, 'content-type': 'application/vnd.flux' },
        body: flux,
      });
    return send(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: flux, type: 'flux', dialect: { annotations: ['datatype', 'group', 'default'] } }),
    });
  }

  it(`answers ${QUERIES} malformed and mutated queries with 200 or a 4xx error body, and stays up`, async () => {
    const cases = fc.sample(fc.tuple(malformedQuery, fc.boolean()), { seed: FUZZ_SEED, numRuns: QUERIES });
    const statuses = new Map<string, number>();
    await inPool(cases, CONCURRENCY, async ([c, asJson], index) => {
      const hint = () => `${c.kind} (${asJson ? 'JSON' : 'vnd.flux'}), ${replayHint(index, c.flux)}`;
      const res = await post(c.flux, asJson).catch((err: unknown) => assert.fail(`${String(err)} — ${hint()}`));
      const key = `${res.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (res.status === 200) {
        assert.match(res.contentType, /^text\/csv/, hint());
        return;
      }
      assert.ok([400, 404].includes(res.status), `status ${res.status} ${res.body} — ${hint()}`);
      const error = assertErrorShape(res, hint());
      assert.equal(error.code, res.status === 400 ? 'invalid' : 'not found', `${res.body} — ${hint()}`);
      assert.ok(error.message.length > 0, hint());
    });
    assert.ok((statuses.get('400') ?? 0) > QUERIES / 2, JSON.stringify([...statuses]));
    assert.ok((statuses.get('200') ?? 0) > QUERIES / 20, JSON.stringify([...statuses]));

    await assertHealthy(env.emulator.url);
    for (const flux of VALID) {
      const res = await post(flux, true);
      assert.equal(res.status, 200, `${res.body} — ${flux}`);
      assert.doesNotMatch(res.body, /,error,/, flux);
    }
  });
});
