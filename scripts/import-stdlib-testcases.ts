/**
 * Converts the Flux standard library's own testcases (the `testcase` blocks of `stdlib/<package>/*_test.flux` in
 * influxdata/flux v0.196.1) into test/fixtures/flux-stdlib-testcases/<package>.json, the fixtures that
 * test/emulator/stdlib-conformance.test.ts runs end to end. It reads a bare git mirror of influxdata/flux and parses
 * each file with the real Flux parser, so statements are cut from the source exactly as written upstream.
 *
 *   npx tsx scripts/import-stdlib-testcases.ts [--git-dir <dir>] [--check] <package>...
 *
 * `--check` writes nothing and reports, per package, whether the fixture on disk holds the same cases.
 * The git dir defaults to $FLUX_GIT_DIR, else /work/.mirror/influxdata+flux/repo.
 *
 * The fixtures made before this script (by a one-off converter) come out the same but for imports and one comment:
 * it kept internal/debug where `debug.` was left only in a comment (map, join_fill_panic), dropped testing where
 * only the preamble uses it (math; the suite imports testing for those cases anyway), and cut `|> debug.slurp()`
 * out of a comment (join_fill_panic). None changes what a case runs, so those fixtures are left as they were.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fluxWasm } from '../emulator/flux/parser/flux-wasm';
import type { StdlibCase } from '../test/support/stdlib-testcases';

const TAG = 'v0.196.1';
const COMMIT = 'ba61b9b27df5368b0fbf05df5bbbfcfb60c96dd7';
const REPOSITORY = 'https://github.com/influxdata/flux';
export const FIXTURE_DIR = path.join(__dirname, '..', 'test', 'fixtures', 'flux-stdlib-testcases');

const NOTE =
  'Generated data, not code: the testcase blocks of the Flux standard library tests (*_test.flux) of this package, ' +
  `converted by scripts/import-stdlib-testcases.ts. Source: ${REPOSITORY} ${TAG} (commit ${COMMIT}), ` +
  `Copyright (c) 2018 InfluxData Inc., MIT licence (${REPOSITORY}/blob/${TAG}/LICENSE). ` +
  'Test-harness parts are normalised: |> testing.load(), |> debug.pass(), |> debug.slurp() and |> debug.opaque() ' +
  '(identities) are removed, and so are expect.planner(...) assertions and planner options (they check the plan, ' +
  'not the answer); cases that carry option testing.tags = ["skip"] upstream are kept with upstreamSkip: true. ' +
  'Each case: the file top level (preamble, minus testing.load), the testcase statements before its assertion ' +
  '(body), and the assertion: diff (got/want expressions; wantCsv when want is csv.from of a literal), error ' +
  '(testing.shouldError), other.';

/** Piped calls that only matter to Flux's own test harness or planner: identities on the data. */
const IDENTITY_CALLS = new Set(['testing.load', 'debug.pass', 'debug.slurp', 'debug.opaque']);
/** Imports that serve the plan checks, which are dropped. */
const PLAN_IMPORTS = new Set(['testing/expect', 'planner']);
/** The harness's own packages: kept only where a case still uses them (the normalisation removes most uses). */
const HARNESS_IMPORTS = new Set(['testing', 'internal/debug']);

/** The parser's JSON AST, as far as this script reads it. */
interface Node {
  type?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number }; source: string };
  [field: string]: unknown;
}

export interface Fixture {
  note: string;
  source: { repository: string; tag: string; commit: string; license: string };
  package: string;
  cases: FixtureCase[];
}

/** One case as the conformance suite reads it. */
export type FixtureCase = StdlibCase;

/** Reads upstream files from the bare mirror. */
class Mirror {
  constructor(private readonly gitDir: string) {}

  testFiles(pkg: string): string[] {
    return this.git('ls-tree', '--name-only', `${TAG}:stdlib/${pkg}/`)
      .split('\n')
      .filter((name) => name.endsWith('_test.flux'))
      .sort()
      .map((name) => `stdlib/${pkg}/${name}`);
  }

  read(file: string): string {
    return this.git('show', `${TAG}:${file}`);
  }

  private git(...args: string[]): string {
    return execFileSync('git', [`--git-dir=${this.gitDir}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  }
}

/** Line/column positions of the parser (columns count UTF-8 bytes) mapped to slices of the source. */
class SourceText {
  private readonly bytes: Buffer;
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 0x0a) this.lineStarts.push(i + 1);
  }

  offset(p: { line: number; column: number }): number {
    return this.lineStarts[p.line - 1] + p.column - 1;
  }

  /** Where a pipe's `|>` line starts (its newline), or where its argument ends when `|>` follows on that line. */
  pipeLineStart(pipe: Node): number {
    const argumentEnd = this.offset((pipe.argument as Node).location.end);
    const operator = this.bytes.lastIndexOf('|>', this.offset((pipe.call as Node).location.start));
    const lineStart = this.bytes.lastIndexOf(0x0a, operator);
    const indent = this.bytes.subarray(lineStart + 1, operator).toString('utf8');
    return lineStart >= argumentEnd && indent.trim() === '' ? lineStart : argumentEnd;
  }

  /** The node's text with the byte ranges in `cut` (absolute offsets) left out. */
  text(node: Node, cut: [number, number][] = []): string {
    const start = this.offset(node.location.start);
    const end = this.offset(node.location.end);
    let out = '';
    let at = start;
    for (const [from, to] of [...cut].sort((a, b) => a[0] - b[0])) {
      out += this.bytes.subarray(at, from).toString('utf8');
      at = to;
    }
    return out + this.bytes.subarray(at, end).toString('utf8');
  }
}

function children(node: unknown): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') out.push(v as Node);
  };
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) if (key !== 'location') visit(value);
  return out;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of children(node)) walk(child, visit);
}

/** `pkg.name` of a callee or member expression, else undefined. */
function dotted(node: Node | undefined): string | undefined {
  if (!node || node.type !== 'MemberExpression') return undefined;
  const object = node.object as Node;
  const property = node.property as Node & { name?: string; value?: string };
  if (object.type !== 'Identifier') return undefined;
  return `${object.name as string}.${property.name ?? property.value ?? ''}`;
}

function callName(call: Node | undefined): string | undefined {
  if (!call?.callee) return undefined;
  const callee = call.callee as Node;
  return callee.type === 'Identifier' ? (callee.name as string) : dotted(callee);
}

/**
 * Byte ranges of `|> testing.load()` and the other identity pipes inside a node: the `|>` line when the pipe
 * starts a line of its own (so comments above it stay), else from the end of what is piped in.
 */
function identityPipes(node: Node, src: SourceText): [number, number][] {
  const cuts: [number, number][] = [];
  walk(node, (n) => {
    if (n.type !== 'PipeExpression') return;
    const name = callName(n.call as Node);
    if (name && IDENTITY_CALLS.has(name)) cuts.push([src.pipeLineStart(n), src.offset(n.location.end)]);
  });
  // A pipe inside a removed pipe goes with it.
  return cuts.filter(([from, to]) => !cuts.some(([f, t]) => (f < from && to <= t) || (f <= from && to < t)));
}

/** Whether `name.member` occurs in the nodes, outside the identity pipes that the conversion removes. */
function usesPackage(nodes: Node[], name: string): boolean {
  let used = false;
  const visit = (n: Node) => {
    if (n.type === 'PipeExpression' && IDENTITY_CALLS.has(callName(n.call as Node) ?? '')) {
      visit(n.argument as Node);
      return;
    }
    if (n.type === 'MemberExpression' && (n.object as Node).type === 'Identifier' && (n.object as Node).name === name)
      used = true;
    for (const child of children(n)) visit(child);
  };
  nodes.forEach(visit);
  return used;
}

/** The statements kept for the conformance run: plan checks, planner options and test tags are dropped. */
function isHarnessStatement(stmt: Node): boolean {
  if (stmt.type === 'ExpressionStatement') return callName(stmt.expression as Node) === 'expect.planner';
  if (stmt.type === 'OptionStatement') {
    const assignment = stmt.assignment as Node;
    if (assignment.type !== 'MemberAssignment') return false;
    const member = assignment.member as Node;
    const target = `${(member.object as Node).name as string}.${(member.property as Node).name as string}`;
    return target.startsWith('planner.') || target === 'testing.tags';
  }
  return false;
}

function isSkipTag(stmt: Node): boolean {
  if (stmt.type !== 'OptionStatement') return false;
  const assignment = stmt.assignment as Node;
  if (assignment.type !== 'MemberAssignment') return false;
  const member = assignment.member as Node;
  if ((member.object as Node).name !== 'testing' || (member.property as Node).name !== 'tags') return false;
  return ((assignment.init as Node).elements as Node[]).some((e) => e.value === 'skip');
}

/** The testcase's last statement, when it is an assertion of the `testing` package. */
function isAssertion(stmt: Node | undefined): boolean {
  return stmt?.type === 'ExpressionStatement' && usesPackage([stmt], 'testing');
}

/** `testing.diff(...)`, possibly piped on (`|> yield()`), or `got |> testing.diff(want: ...)`. */
function findCall(expr: Node, name: string): { call: Node; piped?: Node } | undefined {
  if (expr.type === 'CallExpression' && callName(expr) === name) return { call: expr };
  if (expr.type === 'PipeExpression') {
    if (callName(expr.call as Node) === name) return { call: expr.call as Node, piped: expr.argument as Node };
    return findCall(expr.argument as Node, name);
  }
  return undefined;
}

function properties(call: Node): Node[] {
  const args = call.arguments as Node[] | undefined;
  return args && args.length > 0 ? (args[0].properties as Node[]) : [];
}

function propertyName(p: Node): string {
  const key = p.key as Node;
  return (key.name ?? key.value) as string;
}

/** A property's value as source text; `{got, want}` shorthand means `got: got`. */
function propertyValue(p: Node, src: SourceText): string {
  const value = p.value as Node | null;
  return value ? src.text(value, identityPipes(value, src)) : propertyName(p);
}

/** The string a node denotes when it is a string literal, or a name bound to one in `scopes` (innermost first). */
function literalString(node: Node, scopes: Node[][]): string | undefined {
  if (node.type === 'StringLiteral') return node.value as string;
  if (node.type !== 'Identifier') return undefined;
  const binding = lastAssignment(node.name as string, scopes);
  return binding && binding !== node ? literalString(binding, scopes) : undefined;
}

function lastAssignment(name: string, scopes: Node[][]): Node | undefined {
  for (const statements of scopes) {
    const found = [...statements]
      .reverse()
      .find((s) => s.type === 'VariableAssignment' && (s.id as Node).name === name);
    if (found) return found.init as Node;
  }
  return undefined;
}

/** The `want` property as annotated CSV, when it is (or names a value bound to) `csv.from(csv: <string literal>)`. */
function wantCsv(want: Node, body: Node[], top: Node[]): string | undefined {
  const value = want.value as Node | null;
  const name = value ? (value.type === 'Identifier' ? (value.name as string) : undefined) : propertyName(want);
  const expression = name === undefined ? value : lastAssignment(name, [body]);
  if (!expression || expression.type !== 'CallExpression' || callName(expression) !== 'csv.from') return undefined;
  const props = properties(expression);
  if (props.length !== 1 || propertyName(props[0]) !== 'csv' || !props[0].value) return undefined;
  return literalString(props[0].value as Node, [body, top]);
}

export function convertFile(pkg: string, file: string, text: string): FixtureCase[] {
  const raw = fluxWasm().parse(text) as Node & { imports: Node[]; body: Node[] };
  const src = new SourceText(text);
  const fileImports = raw.imports
    .map((imp) => {
      const importPath = (imp.path as Node).value as string;
      const alias = (imp.as as Node | null)?.name as string | undefined;
      return { path: importPath, name: alias ?? importPath.split('/').pop() ?? importPath };
    })
    .filter((imp) => !PLAN_IMPORTS.has(imp.path));
  const top = raw.body.filter((s) => s.type !== 'TestCaseStatement' && !isHarnessStatement(s));
  const preamble = top.map((s) => src.text(s, identityPipes(s, src))).join('\n');
  const base = path.basename(file).replace(/_test\.flux$/, '');
  const cases: FixtureCase[] = [];
  for (const tc of raw.body.filter((s) => s.type === 'TestCaseStatement')) {
    const name = (tc.id as Node).name as string;
    if (tc.extends) throw new Error(`${file}: testcase ${name} extends another; not supported`);
    const statements = (tc.block as Node).body as Node[];
    const upstreamSkip = statements.some(isSkipTag);
    const kept = statements.filter((s) => !isHarnessStatement(s));
    const last = kept[kept.length - 1];
    const assertion = isAssertion(last) ? last : undefined;
    const bodyNodes = assertion ? kept.slice(0, -1) : kept;
    const c: FixtureCase = {
      id: `${pkg}/${base}:${name}`,
      file,
      testcase: name,
      ...(upstreamSkip ? { upstreamSkip } : {}),
      imports: [],
      preamble,
      body: bodyNodes.map((s) => src.text(s, identityPipes(s, src))),
      kind: 'other',
    };
    const expression = assertion?.expression as Node | undefined;
    const diff = expression && findCall(expression, 'testing.diff');
    const shouldError = expression && findCall(expression, 'testing.shouldError');
    if (diff) {
      const props = properties(diff.call);
      const got = props.find((p) => propertyName(p) === 'got');
      const want = props.find((p) => propertyName(p) === 'want');
      if (!want || (!got && !diff.piped)) throw new Error(`${file}: ${name}: testing.diff without got/want`);
      c.kind = 'diff';
      c.got = got ? propertyValue(got, src) : src.text(diff.piped as Node, identityPipes(diff.piped as Node, src));
      c.want = propertyValue(want, src);
      const csv = wantCsv(want, bodyNodes, top);
      if (csv !== undefined) c.wantCsv = csv;
      const options = props.filter((p) => !['got', 'want'].includes(propertyName(p)));
      if (options.length > 0) c.options = options.map((p) => src.text(p));
    } else if (shouldError) {
      const props = properties(shouldError.call);
      const fn = props.find((p) => propertyName(p) === 'fn');
      const want = props.find((p) => propertyName(p) === 'want');
      if (!fn || !want) throw new Error(`${file}: ${name}: testing.shouldError without fn/want`);
      c.kind = 'error';
      c.fn = propertyValue(fn, src);
      c.message = propertyValue(want, src);
    } else {
      c.source = assertion ? src.text(assertion, identityPipes(assertion, src)) : '';
    }
    // The suite brings its own harness: testing and internal/debug stay only where the case still uses them
    // once the identities and its diff or shouldError assertion are gone.
    const used = [...top, ...bodyNodes, ...(c.kind === 'other' && assertion ? [assertion] : [])];
    c.imports = fileImports
      .filter((imp) => !HARNESS_IMPORTS.has(imp.path) || usesPackage(used, imp.name))
      .map((imp) => imp.path);
    cases.push(orderKeys(c));
  }
  return cases;
}

/** The fixtures' key order (JSON files are compared as text in review). */
function orderKeys(c: FixtureCase): FixtureCase {
  const order: (keyof FixtureCase)[] = [
    'id',
    'file',
    'testcase',
    'upstreamSkip',
    'imports',
    'preamble',
    'body',
    'kind',
    'got',
    'want',
    'wantCsv',
    'options',
    'fn',
    'message',
    'source',
  ];
  const out: Record<string, unknown> = {};
  for (const key of order) if (c[key] !== undefined) out[key] = c[key];
  return out as unknown as FixtureCase;
}

export function convertPackage(mirror: Mirror, pkg: string): Fixture {
  const files = mirror.testFiles(pkg);
  if (files.length === 0) throw new Error(`stdlib/${pkg} has no *_test.flux at ${TAG}`);
  return {
    note: NOTE,
    source: { repository: REPOSITORY, tag: TAG, commit: COMMIT, license: 'MIT' },
    package: pkg,
    cases: files.flatMap((file) => convertFile(pkg, file, mirror.read(file))),
  };
}

export function fixturePath(pkg: string): string {
  return path.join(FIXTURE_DIR, `${pkg.replace(/\//g, '-')}.json`);
}

function main(argv: string[]): void {
  let gitDir = process.env.FLUX_GIT_DIR ?? '/work/.mirror/influxdata+flux/repo';
  let check = false;
  const packages: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--git-dir') gitDir = argv[++i];
    else if (argv[i] === '--check') check = true;
    else packages.push(argv[i]);
  }
  if (packages.length === 0) {
    console.error('usage: tsx scripts/import-stdlib-testcases.ts [--git-dir <dir>] [--check] <package>...');
    process.exitCode = 2;
    return;
  }
  const mirror = new Mirror(gitDir);
  for (const pkg of packages) {
    const fixture = convertPackage(mirror, pkg);
    const target = fixturePath(pkg);
    if (!check) {
      fs.writeFileSync(target, `${JSON.stringify(fixture, null, 1)}\n`);
      console.log(`${path.relative(process.cwd(), target)}: ${fixture.cases.length} cases`);
      continue;
    }
    const existing = fs.existsSync(target) ? (JSON.parse(fs.readFileSync(target, 'utf8')) as Fixture) : undefined;
    const same = existing && JSON.stringify(existing.cases) === JSON.stringify(fixture.cases);
    console.log(`${pkg}: ${fixture.cases.length} cases, ${same ? 'same as' : 'DIFFERS from'} ${path.basename(target)}`);
    if (!same) process.exitCode = 1;
  }
}

if (require.main === module) main(process.argv.slice(2));
