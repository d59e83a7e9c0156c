/**
 * The Flux standard library's own testcases (test/fixtures/flux-stdlib-testcases/, from influxdata/flux) run end to
 * end against an InfluxDB 2.x API: the testcase is sent as one Flux query over HTTP, its `got` (and `want`, unless it
 * is plain annotated CSV) read back as named results, and compared as `testing.diff` compares them. Each case ends
 * in one outcome, so the suite can tell a pass from a refusal (an error answer) from a wrong answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeAnnotatedCsv } from '../../emulator/flux/csv/decode';
import { encodeResults } from '../../emulator/flux/csv/encode';
import type { Table } from '../../emulator/flux/table';
import { diffTables, TESTING_DIFF } from './compare-tables';

export interface StdlibCase {
  id: string;
  file: string;
  testcase: string;
  /** Upstream marks the case `option testing.tags = ["skip"]`: Flux's own runner does not run it. */
  upstreamSkip?: boolean;
  imports: string[];
  preamble: string;
  /** The testcase's statements before its assertion. */
  body: string[];
  kind: 'diff' | 'error' | 'other';
  got?: string;
  want?: string;
  /** `want` as annotated CSV, when upstream builds it with `csv.from(csv: <literal>)`. */
  wantCsv?: string;
  /** `testing.diff` options other than got and want, as written (e.g. `nansEqual: true`). */
  options?: string[];
  /** `testing.shouldError`: the function expected to fail, and the Flux regex its error must match. */
  fn?: string;
  message?: string;
  /** Other assertions, sent as written (the `testing` package's, which fail the query when they do not hold). */
  source?: string;
}

export type Outcome =
  | { status: 'pass' }
  | { status: 'refused'; message: string }
  | { status: 'wrong'; diffs: string[]; query: string }
  | { status: 'failed'; message: string; query: string };

export const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'flux-stdlib-testcases');

export function loadStdlibCases(): StdlibCase[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, f), 'utf8')) as { cases: StdlibCase[] }).cases);
}

const GOT = '_stdlib_got';
const WANT = '_stdlib_want';
/** The testcase body as a function, and the record of its one run. */
const CASE = '_stdlib_case';
const RAN = '_stdlib_ran';

/**
 * One Flux script for the case. The testcase body runs inside a function (a testcase is a nested block, so its
 * names may shadow the file's); its option statements apply to the whole script, so they move to the top level.
 * The body runs once, as in Flux's own runner: a diff case's function returns got and want in one record, so a
 * body with side effects (its own yields) has them once.
 */
export function caseQuery(c: StdlibCase): string {
  const options = c.body.filter((s) => /^option\s/.test(s));
  const statements = c.body.filter((s) => !/^option\s/.test(s));
  const inCase = (expression: string) => `() => {\n${statements.join('\n')}\nreturn ${expression}\n}`;
  const lines = [...c.imports.map((i) => `import "${i}"`), c.preamble, ...options];
  if (c.kind === 'diff') {
    if (c.wantCsv === undefined) {
      lines.push(
        `${CASE} = ${inCase(`{got: ${c.got as string}, want: ${c.want as string}}`)}`,
        `${RAN} = ${CASE}()`,
        `${RAN}.got |> yield(name: "${GOT}")`,
        `${RAN}.want |> yield(name: "${WANT}")`,
      );
    } else {
      lines.push(`${CASE} = ${inCase(c.got as string)}`, `${CASE}() |> yield(name: "${GOT}")`);
    }
  } else if (c.kind === 'error') {
    lines.push(`${CASE} = ${inCase(c.fn as string)}`, `${CASE}()() |> yield(name: "${GOT}")`);
  } else {
    if (!c.imports.includes('testing')) lines.unshift('import "testing"');
    lines.push(...statements, c.source ?? '');
  }
  return lines.join('\n');
}

/** Posts a query to /api/v2/query; an error answer (4xx/5xx body or in-band error table) becomes `error`. */
export type QueryRunner = (query: string) => Promise<{ status: number; body: string }>;

export async function runStdlibCase(c: StdlibCase, run: QueryRunner): Promise<Outcome> {
  const query = caseQuery(c);
  const { status, body } = await run(query);
  if (status !== 200) {
    const message = errorMessage(body);
    // 400 is the emulator's refusal (and InfluxDB's answer to a query it cannot run); anything else is a fault.
    return status === 400 ? errorOutcome(c, message) : { status: 'failed', message: `${status} ${message}`, query };
  }
  let results;
  try {
    results = decodeAnnotatedCsv(body);
  } catch (e) {
    return errorOutcome(c, (e as Error).message);
  }
  const named = (name: string): Table[] => results.filter((r) => r.name === name).flatMap((r) => r.tables);
  if (c.kind === 'error')
    return { status: 'wrong', diffs: [`answered 200, want an error matching ${c.message}`], query };
  // The emulator's testing assertions fail the query on a difference, so an answer without error is a pass.
  if (c.kind === 'other') return { status: 'pass' };
  const want = c.wantCsv !== undefined ? overHttp(c.wantCsv) : named(WANT);
  const diffs = diffTables(named(GOT), want, TESTING_DIFF);
  return diffs.length === 0 ? { status: 'pass' } : { status: 'wrong', diffs, query };
}

/**
 * A literal `want` as it would arrive over HTTP. Annotated CSV starts a new block (with its #group row) only when
 * labels or types change, as InfluxDB writes it, so a table whose group key alone differs from the one before reads
 * back with that one's key; `got` went through the same encoding, so `want` does too.
 */
function overHttp(csv: string): Table[] {
  const encoded = encodeResults(decodeAnnotatedCsv(csv), {
    header: true,
    delimiter: ',',
    annotations: ['datatype', 'group', 'default'],
  });
  return decodeAnnotatedCsv(encoded).flatMap((r) => r.tables);
}

/** A shouldError case passes when the error is the one Flux gives; any other error is a refusal. */
function errorOutcome(c: StdlibCase, message: string): Outcome {
  if (c.kind === 'error' && c.message && fluxRegex(c.message).test(message)) return { status: 'pass' };
  return { status: 'refused', message };
}

function fluxRegex(literal: string): RegExp {
  return new RegExp(literal.replace(/^\//, '').replace(/\/$/, ''));
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string };
    return parsed.message ?? body;
  } catch {
    return body;
  }
}
