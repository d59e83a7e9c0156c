/**
 * Malformed Flux over HTTP: the emulator answers 400 `invalid` (or 200, possibly with an in-band error
 * table) and keeps answering. Plain examples of defects fuzzing found come first.
 */
import assert from 'node:assert/strict';
import { type Onboarded, startOnboarded } from '../support/emulator';
import { assertErrorShape, assertHealthy, send } from '../support/fuzz';

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

  it('keeps case-insensitive patterns case-insensitive on the linear engine', async () => {
    const res = await query(
      `from(bucket: "${env.bucket}") |> range(start: -1h) |> filter(fn: (r) => r._value =~ /(?i)^A+B$/)`,
    );
    assert.equal(res.status, 200, res.body);
    assert.match(res.body, new RegExp(`_result,0,.*,${LONG_A}b,s,m`));
  });
});
