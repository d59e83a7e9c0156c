/**
 * The chain pre-scan turns away scripts whose operator or postfix chains are longer than Flux's depth limit before
 * the real parser spends seconds on them, and never turns away a script the parser and `ast::check` accept: its
 * count is checked against the depth of the real syntax tree, for the Flux standard library's testcases and for
 * generated scripts of every expression kind.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { longestChain } from '../../emulator/flux/parser/chain-prescan';
import { fluxWasm, FluxWasmTrap } from '../../emulator/flux/parser/flux-wasm';
import { parseFlux } from '../../emulator/flux/parser/parse';
import { collectSyntaxErrors, MAX_NODE_DEPTH, NESTED_TOO_DEEP } from '../../emulator/flux/parser/syntax-errors';
import vectors from '../fixtures/flux-stdlib-vectors.json';
import { caseQuery, loadStdlibCases } from '../support/stdlib-testcases';

/** The file, a statement and the chain's first link sit above a chain: a chain of k links reaches depth k + 3. */
const ABOVE_A_CHAIN = 3;

/** The depth of the deepest node, counted as `ast::check` counts it (the file is 2). */
function treeDepth(root: unknown): number {
  let deepest = 0;
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 2 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (Array.isArray(value)) for (const item of value) pending.push({ value: item, depth });
    else if (value !== null && typeof value === 'object') {
      deepest = Math.max(deepest, depth);
      for (const [key, child] of Object.entries(value)) {
        if (key !== 'location' && key !== 'errors' && key !== 'comments')
          pending.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return deepest;
}

/** What the real parser and check make of a script, without the pre-scan. */
function realParse(source: string): { ok: boolean; depth: number } {
  let raw: unknown;
  try {
    raw = fluxWasm().parse(source);
  } catch (e) {
    // The parser's own stack overflowed: deeper than anything it accepts.
    if (e instanceof FluxWasmTrap) return { ok: false, depth: Infinity };
    throw e;
  }
  return { ok: collectSyntaxErrors(raw).length === 0, depth: treeDepth(raw) };
}

function assertCountsNoDeeperThanTheTree(source: string): { chain: number; depth: number } {
  const real = realParse(source);
  const chain = longestChain(source);
  assert.ok(chain + ABOVE_A_CHAIN <= real.depth, `a chain of ${chain} in a tree ${real.depth} deep:\n${source}`);
  assert.equal(parseFlux(source).ok, real.ok, `the pre-scan changed the outcome of:\n${source}`);
  return { chain, depth: real.depth };
}

const repeat = (count: number, link: string) => link.repeat(count);

/** Scripts with one chain of `n` links, one per kind the pre-scan counts. */
const CHAINS: Record<string, (n: number) => string> = {
  pipes: (n) => `from(bucket: "b")${repeat(n, ' |> filter(fn: (r) => r._value > 0)')}`,
  or: (n) => `x = true${repeat(n, ' or false')}`,
  'and with not': (n) => `x = true${repeat(n, ' and not false')}`,
  comparisons: (n) => `x = 1${repeat(n, ' == 1')}`,
  'regex matches': (n) => `x = "a"${repeat(n, ' =~ /a\\/b/')}`,
  'sums and differences': (n) => `x = 1${Array.from({ length: n }, (_, i) => (i % 2 ? ' - 1' : ' + 2')).join('')}`,
  'sums of products': (n) => `x = 1 * 2${repeat(n, ' + 3 * 4')}`,
  products: (n) => `x = 2.5${repeat(n, ' * 1.0')}`,
  powers: (n) => `x = 2${repeat(n, ' ^ 1')}`,
  'durations and dates': (n) => `x = 2024-01-01T00:00:00Z${repeat(n, ' + 1h30m')}`,
  members: (n) => `x = r${repeat(n, '.a')}`,
  indexes: (n) => `x = a${repeat(n, '[0]')}`,
  calls: (n) => `x = f${repeat(n, '()')}`,
  'string interpolations': (n) => `x = "v: \${r${repeat(n, '.a')}}"`,
  parentheses: (n) => `x = ${repeat(n, '(')}1${repeat(n, ')')}`,
  arrays: (n) => `x = ${repeat(n, '[')}1${repeat(n, ']')}`,
  records: (n) => `x = ${repeat(n, '{a: ')}1${repeat(n, '}')}`,
  'call arguments': (n) => `x = ${repeat(n, 'f(a: ')}1${repeat(n, ')')}`,
  'nested interpolations': (n) => `x = ${repeat(n, '"${')}1${repeat(n, '}"')}`,
};

describe('Flux chain pre-scan', () => {
  describe('counts', () => {
    for (const [kind, script] of Object.entries(CHAINS)) {
      it(`${kind}: each link, as deep as the real tree or less`, () => {
        for (const n of [1, 2, 7, 60]) {
          const { chain } = assertCountsNoDeeperThanTheTree(script(n));
          assert.ok(chain >= Math.floor(n / 2), `${kind} ${n} counted as ${chain}`);
        }
      });
    }

    it('restarts at whatever may end an expression, so many short chains count as their longest', () => {
      const statements = Array.from({ length: 400 }, (_, i) => `a${i} = from(bucket: "b") |> range(start: -1h)`);
      assert.equal(longestChain(statements.join('\n')), 1);
      assert.equal(longestChain(Array.from({ length: 400 }, () => 'a |> f()').join('\n')), 1);
      assert.equal(longestChain(`f(a: 1 + 1, b: 2 + 2 + 2, c: [3 + 3, 4], d: {x: 5 + 5})`), 2);
      assert.equal(longestChain('x = if a + b then c + d else e + f + g'), 2);
      assert.equal(longestChain('x = (r) => r.a + 1\ny = (r) => {\nz = r.b + r.c + 1\nreturn z\n}'), 2);
    });

    it('counts one precedence at a time: an operator of lower precedence ends the runs above it', () => {
      assert.equal(longestChain('x = a * b + c * d + e * f + g * h'), 3);
      assert.equal(longestChain('x = a * b * c + d * e * f'), 2);
      assert.equal(longestChain('x = a + b == c + d == e + f or g + h'), 2);
      assert.equal(longestChain('x = a |> f() |> g() + b |> h()'), 2);
    });

    it('reads past strings, comments and regular expressions, whatever they hold', () => {
      const hidden = '+ |> . ( [ {';
      assert.equal(longestChain(`x = "${hidden} \\" ${hidden}" + 1 // ${hidden}\ny = /${hidden}\\/x/`), 1);
      assert.equal(longestChain(`x = "\${"\${a + b + c}" + d}" + e`), 2);
    });

    it("reads an unclosed string or regular expression as Flux's scanner does: the rest is code", () => {
      const pipes = ' |> f()'.repeat(1000);
      for (const source of [
        `"\nx = y${pipes}`,
        `x = "\\\ny${pipes}\n"`, // an escape Flux does not know ends the string, even one closed later
        `x = "a \${b${pipes}`,
        `x = /${pipes}`,
      ]) {
        assert.ok(longestChain(source) >= 999, source.slice(0, 20));
      }
      // Escapes Flux knows, and a regular expression across lines, are literals.
      assert.equal(longestChain(`x = "\\n \\" \\\\ \\x41 \\\${ $ |> a |> b"`), 0);
      assert.equal(longestChain('x = /a\n |> b |> c/'), 0);
    });

    it('stops counting once a chain is longer than it needs to know', () => {
      assert.equal(longestChain(CHAINS.pipes(5000), MAX_NODE_DEPTH), MAX_NODE_DEPTH + 1);
    });
  });

  describe('turns away only what Flux rejects', () => {
    it('agrees with the real parser and check at every length around the limit, for each kind', () => {
      for (const [kind, script] of Object.entries(CHAINS)) {
        let first: number | undefined;
        for (let n = MAX_NODE_DEPTH - 8; n <= MAX_NODE_DEPTH + 4; n++) {
          const source = script(n);
          const outcome = parseFlux(source);
          assert.equal(outcome.ok, realParse(source).ok, `${kind} with ${n} links`);
          if (!outcome.ok && first === undefined) first = n;
        }
        assert.ok(first !== undefined && first <= MAX_NODE_DEPTH, `${kind} is rejected by ${MAX_NODE_DEPTH} links`);
      }
    });

    it("answers thousands of links with Flux's message at once, without the parser", () => {
      for (const [kind, script] of Object.entries(CHAINS)) {
        const source = script(20_000);
        assert.ok(longestChain(source, MAX_NODE_DEPTH) > MAX_NODE_DEPTH, kind);
        const outcome = parseFlux(source);
        assert.ok(!outcome.ok, kind);
        assert.deepEqual(
          outcome.errors.map((e) => e.message),
          [NESTED_TOO_DEEP],
          kind,
        );
      }
    });

    it('never rejects a testcase of the Flux standard library, and counts no more than its tree holds', () => {
      const sources = [...loadStdlibCases().map(caseQuery), ...vectors.map((v) => `from(bucket: "b")\n${v.pipeline}`)];
      let longest = 0;
      for (const source of sources) longest = Math.max(longest, assertCountsNoDeeperThanTheTree(source).chain);
      assert.ok(sources.length > 500, `${sources.length} scripts`);
      assert.ok(longest >= 5, `the longest chain in the corpus is ${longest}`);
    });

    it('never counts more than the real tree holds, for generated scripts of every expression kind', () => {
      let valid = 0;
      let longest = 0;
      fc.assert(
        fc.property(program, (source) => {
          if (!realParse(source).ok) return; // the generator's rare slip: nothing to compare with
          valid++;
          longest = Math.max(longest, assertCountsNoDeeperThanTheTree(source).chain);
        }),
        { numRuns: 400 },
      );
      assert.ok(valid > 300, `${valid} of 400 generated scripts parse`);
      assert.ok(longest >= 10, `the longest generated chain is ${longest}`);
    });
  });
});

/** Generated Flux: statements of nested expressions of every kind, with comments and line breaks between. */
const name = fc.constantFrom('a', 'r', 'x1', '_v', 'tableFind', 'sum');
const space = fc.constantFrom(' ', '  ', '\n', ' // note |> + .\n', '\t');
const binaryOperator = fc.constantFrom('or', 'and', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^');
const atom = fc.oneof(
  name,
  fc.constantFrom('1', '2.5', '1h30m', '5µs', '2024-01-01T00:00:00Z', '2024-01-01', 'true', '"s"', '"q \\" |> x"'),
  fc.constantFrom('/a+\\/b/', '"a ${r.b}"', '"esc \\\\ \\" \\n \\x41 $ \\${"', '/x\ny/'),
);
/** A function body that starts with a brace is a block: a record needs parentheses there. */
const functionBody = (e: string) => (e.startsWith('{') ? `(${e})` : e);
const { expression } = fc.letrec<{ expression: string }>((tie) => {
  const sub = () => tie('expression') as fc.Arbitrary<string>;
  return {
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.tuple(sub(), space, binaryOperator, space, sub()).map((p) => p.join('')),
      fc
        .tuple(sub(), binaryOperator, fc.array(sub(), { minLength: 1, maxLength: 12 }))
        .map(([first, op, rest]) => [first, ...rest].join(` ${op} `)),
      fc
        .tuple(sub(), fc.array(fc.tuple(name, sub()), { maxLength: 8 }))
        .map(([base, links]) => base + links.map(([f, arg]) => ` |> ${f}(v: ${arg})`).join('')),
      fc
        .tuple(name, fc.array(fc.constantFrom('.a', '[0]', '["k"]', '()', '(x: 1)'), { maxLength: 12 }))
        .map(([base, steps]) => base + steps.join('')),
      sub().map((e) => `(${e})`),
      sub().map((e) => `-${e}`),
      sub().map((e) => `(not ${e})`),
      fc.constant('(exists r.a)'),
      fc.tuple(sub(), sub()).map(([a, b]) => `{k: ${a}, j: ${b}}`),
      sub().map((e) => `{r with k: ${e}}`),
      fc.tuple(sub(), sub()).map(([a, b]) => `[${a}, ${b}]`),
      sub().map((e) => `"t \${${e}} u"`),
      sub().map((e) => `((r) => ${functionBody(e)})`),
      fc.tuple(sub(), sub()).map(([a, b]) => `((r) => {\n  y = ${a}\n  return ${b}\n})`),
      fc.tuple(sub(), sub(), sub()).map(([c, t, e]) => `(if ${c} then ${t} else ${e})`),
      fc.tuple(sub(), sub()).map(([a, b]) => `(${a})[${b}]`),
    ),
  };
});
// Where a statement starts, `if`, `not` and function literals need no parentheses. (An expression statement
// starting with a bracket would continue the statement before it, as a call or an index.)
const statement = fc.oneof(
  expression.map((e) => `v = ${e}`),
  expression.map((e) => `yield(v: ${e})`),
  expression.map((e) => `option o = ${e}`),
  fc.tuple(expression, expression, expression).map(([c, t, e]) => `v = if ${c} then ${t} else ${e}`),
  expression.map((e) => `f = (r) => ${functionBody(e)}`),
  expression.map((e) => `v = not ${e}`),
);
const program = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(statement, space), { minLength: 1, maxLength: 5 }))
  .map(
    ([imports, parts]) =>
      (imports ? 'import "array"\n' : '') + parts.map(([s, sp]) => s + (sp.includes('\n') ? sp : '\n')).join(''),
  );
