/**
 * A task's name and schedule, read from its script's `option task = {...}` with the real Flux parser
 * (OSS task/options/options.go `FromScriptAST` + `Validate`), and the rewrite of that statement when
 * PATCH changes them.
 */
import { ApiError } from '../errors';
import type { Expression, Loc, Statement } from '../flux/parser/ast';
import { parseFlux } from '../flux/parser/parse';
import { describeSyntaxErrors } from '../flux/parser/syntax-errors';
import type { Duration } from '../flux/interpreter/values';
import { durationFromParts, formatDuration, NS_PER_SECOND, parseDuration } from '../flux/interpreter/time';

export interface TaskOptions {
  name: string;
  /** Flux duration text as the task shows it, e.g. `1h`. */
  every?: string;
  cron?: string;
  offset?: string;
}

type OptionStatement = Extract<Statement, { kind: 'OptionStatement' }>;

/** Reads and validates the task options; every problem is a 400 `invalid` with OSS's message. */
export function taskOptionsOf(flux: string): TaskOptions {
  const { statement } = findTaskOption(flux);
  const init = statement.init;
  if (init.kind !== 'ObjectExpression') throw invalid('task options must be a record');
  const raw: { name?: string; every?: Duration; cron?: string; offset?: Duration } = {};
  const problems: string[] = [];
  for (const p of init.properties) {
    const value = p.value;
    if (value === null) throw invalid(`task option ${p.key} must be a literal`);
    if (p.key === 'name') raw.name = stringLiteral(p.key, value);
    else if (p.key === 'cron') raw.cron = stringLiteral(p.key, value);
    else if (p.key === 'every') raw.every = durationLiteral(p.key, value);
    else if (p.key === 'offset') raw.offset = durationLiteral(p.key, value);
    else if (p.key === 'concurrency' || p.key === 'retry') {
      if (value.kind !== 'IntegerLiteral') throw invalid(`task option ${p.key} must be an integer`);
      if (value.value < 1n) problems.push(`${p.key} must be at least 1`);
    }
  }
  if (raw.cron !== undefined && raw.every !== undefined)
    throw invalid('cannot use both cron and every in task options');
  if (!raw.name) problems.push('name required');
  const hasEvery = raw.every !== undefined && (raw.every.months !== 0n || raw.every.nanoseconds !== 0n);
  const hasCron = raw.cron !== undefined && raw.cron !== '';
  if (hasEvery === hasCron) problems.push('must specify exactly one of either cron or every');
  else if (hasCron && (raw.cron ?? '').trim().split(/\s+/).length < 5)
    problems.push(`cron invalid: expected 5 to 7 fields, found ${(raw.cron ?? '').trim().split(/\s+/).length}`);
  else if (raw.every !== undefined && hasEvery) {
    if (raw.every.months !== 0n || raw.every.nanoseconds < NS_PER_SECOND)
      problems.push(
        raw.every.months !== 0n
          ? 'every option must be expressible as whole seconds'
          : 'every option must be at least 1 second',
      );
    else if (raw.every.nanoseconds % NS_PER_SECOND !== 0n)
      problems.push('every option must be expressible as whole seconds');
  }
  if (raw.offset !== undefined && (raw.offset.months !== 0n || raw.offset.nanoseconds % NS_PER_SECOND !== 0n))
    problems.push('offset option must be expressible as whole seconds');
  if (problems.length > 0) throw invalid(`invalid options: ${problems.join(', ')}`);
  const options: TaskOptions = { name: raw.name ?? '' };
  if (hasEvery && raw.every) options.every = formatDuration(raw.every);
  if (hasCron && raw.cron) options.cron = raw.cron;
  if (raw.offset !== undefined && raw.offset.nanoseconds !== 0n) options.offset = formatDuration(raw.offset);
  return options;
}

/** Nanoseconds of a stored `every`/`offset` (always whole seconds, no months, once validated). */
export function durationNs(text: string | undefined): bigint {
  return text === undefined ? 0n : parseDuration(text).nanoseconds;
}

/**
 * The script with its `option task` replaced by one holding these options (OSS `TaskUpdate.UpdateFlux`
 * edits the AST; here the statement's source span is replaced, so the rest of the script is kept verbatim).
 */
export function withTaskOptions(flux: string, options: TaskOptions): string {
  const { statement } = findTaskOption(flux);
  const parts = [`name: ${JSON.stringify(options.name)}`];
  if (options.every !== undefined) parts.push(`every: ${options.every}`);
  if (options.cron !== undefined) parts.push(`cron: ${JSON.stringify(options.cron)}`);
  if (options.offset !== undefined) parts.push(`offset: ${options.offset}`);
  const [from, to] = spanOf(flux, statement.loc);
  return `${flux.slice(0, from)}option task = {${parts.join(', ')}}${flux.slice(to)}`;
}

function findTaskOption(flux: string): { statement: OptionStatement } {
  const parsed = parseFlux(flux);
  if (!parsed.ok) throw invalid(describeSyntaxErrors(parsed.errors));
  const found = parsed.file.body.filter(
    (s): s is OptionStatement => s.kind === 'OptionStatement' && 'name' in s.target && s.target.name === 'task',
  );
  if (found.length === 0) throw invalid('no task options defined');
  if (found.length > 1) throw invalid('multiple task options defined');
  return { statement: found[0] as OptionStatement };
}

function stringLiteral(key: string, e: Expression): string {
  if (e.kind === 'StringLiteral') return e.value;
  if (e.kind === 'StringExpression' && e.parts.every((p) => 'text' in p))
    return e.parts.map((p) => ('text' in p ? p.text : '')).join('');
  throw invalid(`task option ${key} must be a string literal`);
}

function durationLiteral(key: string, e: Expression): Duration {
  if (e.kind === 'DurationLiteral') return durationFromParts(e.parts);
  if (e.kind === 'UnaryExpression' && e.operator === '-' && e.argument.kind === 'DurationLiteral') {
    const d = durationFromParts(e.argument.parts);
    return { months: -d.months, nanoseconds: -d.nanoseconds };
  }
  throw invalid(`task option ${key} must be a duration literal`);
}

/** Character offsets of a parser location (1-based lines and columns). */
function spanOf(source: string, loc: Loc): [number, number] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; column: number }) => (lineStarts[p.line - 1] ?? source.length) + p.column - 1;
  return [offset(loc.start), offset(loc.end)];
}

function invalid(message: string): ApiError {
  return new ApiError('invalid', message);
}
