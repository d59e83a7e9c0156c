/**
 * Deeply nested Flux is a 400 `invalid` with Flux's "Program is nested too deep", never a 500, whatever stack the
 * query runs on: in-process (`:memory:`) and in a query worker (a data directory). Flux rejects a script whose
 * syntax tree is deeper than 180 nodes (`ast::check`) or whose expressions nest past its parser's limit; a script
 * that nests only when it runs (functions calling functions, pipelines built on pipelines) fails as deep if it
 * overflows the evaluator's stack. Each shape also runs just under the limit.
 */
import assert from 'node:assert/strict';
import { type Onboarded, startOnboarded } from '../support/emulator';
import { assertErrorShape, assertHealthy, type FuzzResponse, send } from '../support/fuzz';
import { startFileBacked } from '../support/query-pool';

/** Flux lists every error it found; past its parser's limit, the nesting error may follow the ones it caused. */
const NESTED_TOO_DEEP = /^compilation failed: error @\d+:\d+-\d+:\d+: [^]*Program is nested too deep/;
const EVALUATION_TOO_DEEP = /^Program is nested too deep to evaluate/;

const nest = (open: string, inner: string, close: string, depth: number) =>
  open.repeat(depth) + inner + close.repeat(depth);
const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i));

/** A script whose one row has column `y`; `body` binds `y` (and whatever it needs). */
const rowOfY = (body: string) => `import "array"\n${body}\narray.from(rows: [{y: y}])`;

interface Shape {
  name: string;
  /** The script at a nesting depth. */
  script: (depth: number) => string;
  /** Deepest that still runs, and the `y` it computes there. */
  runs: { depth: number; y: string };
  /**
   * Too deep: just past Flux's limit, and thousands deep, where the stack left decided between 200, 400 and 500
   * before the limit was counted (3500 pipes overflowed the in-process evaluator: 500; 3000 ran).
   */
  tooDeep: number[];
}

const STATIC_SHAPES: Shape[] = [
  {
    name: 'a member chain (r.a.a...)',
    // a0 = {a: 1}, a1 = {a: a0}, ...: `a<n>` followed by n+1 `.a` is 1.
    script: (n) =>
      rowOfY(
        [...lines(n + 1, (i) => `a${i} = {a: ${i === 0 ? 1 : `a${i - 1}`}}`), `y = a${n}${'.a'.repeat(n + 1)}`].join(
          '\n',
        ),
      ),
    runs: { depth: 170, y: '1' },
    tooDeep: [200, 5000],
  },
  {
    name: 'nested parentheses',
    script: (n) => rowOfY(`y = ${nest('(', '1', ')', n)}`),
    runs: { depth: 75, y: '1' },
    tooDeep: [100, 5000],
  },
  {
    name: 'nested arrays',
    script: (n) => rowOfY(`y = length(arr: ${nest('[', '1', ']', n)})`),
    runs: { depth: 75, y: '1' },
    tooDeep: [100, 5000],
  },
  {
    name: 'nested records',
    script: (n) => rowOfY(`y = ${nest('{a: ', '1', '}', n)}${'.a'.repeat(n)}`),
    runs: { depth: 55, y: '1' },
    tooDeep: [100, 5000],
  },
  {
    name: 'a long binary chain (1 + 1 + ...)',
    script: (n) => rowOfY(`y = ${Array(n).fill('1').join(' + ')}`),
    runs: { depth: 170, y: '170' },
    tooDeep: [200, 5000],
  },
  {
    name: 'a long logical chain (true and true ...)',
    script: (n) => rowOfY(`y = ${Array(n).fill('true').join(' and ')}`),
    runs: { depth: 170, y: 'true' },
    tooDeep: [200, 5000],
  },
  {
    name: 'a chain of unary minuses',
    script: (n) => rowOfY(`y = ${'-'.repeat(n)}1`),
    runs: { depth: 170, y: '1' },
    tooDeep: [200, 5000],
  },
  {
    name: 'nested function calls (f(x: f(x: ...)))',
    script: (n) => rowOfY(`f = (x) => x + 1\ny = ${nest('f(x: ', '0', ')', n)}`),
    runs: { depth: 55, y: '55' },
    tooDeep: [100, 5000],
  },
  {
    name: 'a deep pipe (|> map() |> map() ...)',
    script: (n) => `import "array"\narray.from(rows: [{y: 0}])${' |> map(fn: (r) => ({y: r.y + 1}))'.repeat(n)}`,
    runs: { depth: 160, y: '160' },
    tooDeep: [200, 3500],
  },
];

/** Nested only when evaluated: each line is shallow, so only the evaluator's stack can refuse them. */
const RUNTIME_SHAPES: Shape[] = [
  {
    name: 'functions calling functions through variables',
    script: (n) =>
      rowOfY([`f0 = (x) => x`, ...lines(n, (i) => `f${i + 1} = (x) => f${i}(x: x + 1)`), `y = f${n}(x: 0)`].join('\n')),
    runs: { depth: 1000, y: '1000' },
    tooDeep: [20_000],
  },
  {
    name: 'pipelines built on pipelines through variables',
    script: (n) =>
      [
        'import "array"',
        'p0 = array.from(rows: [{y: 0}])',
        ...lines(n, (i) => `p${i + 1} = p${i} |> map(fn: (r) => ({y: r.y + 1}))`),
        `p${n}`,
      ].join('\n'),
    runs: { depth: 1000, y: '1000' },
    tooDeep: [20_000],
  },
];

/** The value of `column` in the only row of a plain CSV answer. */
function onlyValue(csv: string, column: string): string | undefined {
  const rows = csv
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => line.split(','));
  const header = rows[0] ?? [];
  assert.equal(rows.length, 2, `one row expected:\n${csv.slice(0, 500)}`);
  return rows[1]?.[header.indexOf(column)];
}

const paths: Array<{ name: string; start: () => Promise<Onboarded & { close(): Promise<void> }> }> = [
  {
    name: 'in-process (--data-dir :memory:)',
    start: async () => {
      const env = await startOnboarded();
      return { ...env, close: () => env.emulator.close() };
    },
  },
  { name: 'in a query worker (a data directory)', start: () => startFileBacked({ queryWorkers: 1 }) },
];

for (const path of paths) {
  describe(`deeply nested Flux, ${path.name}`, function () {
    this.timeout(60_000);
    let env: Onboarded & { close(): Promise<void> };
    before(async () => {
      env = await path.start();
    });
    after(() => env.close());

    const query = (flux: string): Promise<FuzzResponse> =>
      send(
        `${env.emulator.url}/api/v2/query?org=${env.org}`,
        { headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' }, body: flux },
        30_000,
      );

    const specify = (shapes: Shape[], message: RegExp) => {
      for (const shape of shapes) {
        it(`runs ${shape.name} ${shape.runs.depth} deep`, async () => {
          const res = await query(shape.script(shape.runs.depth));
          assert.equal(res.status, 200, res.body.slice(0, 500));
          assert.equal(onlyValue(res.body, 'y'), shape.runs.y);
        });
        for (const depth of shape.tooDeep) {
          it(`answers ${shape.name} ${depth} deep with 400 "nested too deep"`, async () => {
            const res = await query(shape.script(depth));
            assert.equal(res.status, 400, res.body.slice(0, 500));
            const error = assertErrorShape(res, shape.name);
            assert.equal(error.code, 'invalid');
            assert.match(error.message, message);
          });
        }
      }
    };

    specify(STATIC_SHAPES, NESTED_TOO_DEEP);
    specify(RUNTIME_SHAPES, EVALUATION_TOO_DEEP);

    it('still answers after every too-deep query', async () => {
      await assertHealthy(env.emulator.url);
      const res = await query(rowOfY('y = 1 + 1'));
      assert.equal(res.status, 200, res.body);
      assert.equal(onlyValue(res.body, 'y'), '2');
    });
  });
}
