/**
 * Errors raised while compiling or running Flux. They carry an InfluxDB error code and are turned into
 * an ApiError by the engine; `withLocation` gives them the `@line:col-line:col` prefix Flux uses.
 */
import { ApiError, ErrorCode } from '../../errors';
import type { Loc } from '../parser/ast';
import { formatLoc } from '../parser/ast';
import { isStackOverflow } from '../parser/parse';

export class FluxError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode = 'invalid',
    /** Already prefixed with where it happened; wrapping stops here. */
    readonly located = false,
  ) {
    super(message);
    this.name = 'FluxError';
  }
}

/** `error @1:1-1:4: undefined identifier frm`: a problem found before running anything. */
export function compileError(loc: Loc, message: string): FluxError {
  return new FluxError(`error ${formatLoc(loc)}: ${message}`, 'invalid', true);
}

/**
 * Adds the call site to an error thrown by a builtin: `error calling function "range" @2:6-2:30: ...`.
 * A missing bucket keeps InfluxDB's bare `could not find bucket "x"`.
 */
export function atCallSite(e: unknown, name: string, loc: Loc): unknown {
  const bare = unlocated(e);
  return bare
    ? new FluxError(`error calling function "${name}" ${formatLoc(loc)}: ${bare.message}`, bare.code, true)
    : e;
}

/** Same for errors raised while a transformation processes tables (after the script was evaluated). */
export function atRuntime(e: unknown, name: string, loc: Loc): unknown {
  const bare = unlocated(e);
  return bare ? new FluxError(`runtime error ${formatLoc(loc)}: ${name}: ${bare.message}`, bare.code, true) : e;
}

function unlocated(e: unknown): { message: string; code: ErrorCode } | undefined {
  if (e instanceof FluxError) return e.located || e.code === 'not found' ? undefined : e;
  if (e instanceof ApiError) return e.code === 'not found' ? undefined : e;
  return undefined;
}

/**
 * What a query that overflows the evaluator's stack is told. The parser bounds how deep a script nests, but
 * functions calling functions or pipelines built on pipelines through variables are nested only when they run.
 */
export const EVALUATION_TOO_DEEP =
  'Program is nested too deep to evaluate: its function calls or pipelines run thousands of levels deep';

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof FluxError) return new ApiError(e.code, e.message);
  if (isStackOverflow(e)) return new ApiError('invalid', EVALUATION_TOO_DEEP);
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError('internal error', `flux engine: ${message}`);
}
