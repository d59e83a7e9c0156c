/**
 * The Flux engine of the emulator: parses with the real Flux parser, compiles, evaluates the script
 * (building lazy table streams), then computes each `yield` in order. Errors found before the first
 * result exists are thrown; a failure in a later yield is returned beside the results before it.
 */
import { ApiError } from '../errors';
import type { FluxContext } from './context';
import { toApiError } from './interpreter/errors';
import { executeFile } from './interpreter/program';
import { FluxRuntime } from './interpreter/runtime';
import { parseFlux } from './parser/parse';
import { describeSyntaxErrors } from './parser/syntax-errors';
import { buildUniverse } from './stdlib/universe';
import { checkTypes } from './typecheck/check-program';
import type { Result, StreamedResult, Table } from './table';

export type { FluxContext } from './context';

/** Runs a whole script. Throws ApiError (emulator/errors.ts) for anything detected before the first result exists:
 * syntax errors → 'invalid' with message like InfluxDB ("error @1:1-1:4: undefined identifier frm", parser messages
 * with their location), unknown/unsupported function → 'invalid' naming it (e.g. `unsupported function "join"`),
 * missing/unreadable bucket → 'not found' `could not find bucket "<name>"`, runtime type errors → 'invalid'.
 * If a later yield fails after earlier results were produced, returns those results plus `error` (encoded in-band). */
export async function runFlux(source: string, ctx: FluxContext): Promise<{ results: Result[]; error?: ApiError }> {
  // Computed whole, every result's tables are the arrays the streams hold.
  return runFluxStreaming(source, ctx, 'whole') as Promise<{ results: Result[]; error?: ApiError }>;
}

/**
 * As runFlux, but the last result's tables are pulled one at a time while it is encoded when its pipeline allows
 * (a storage read and table-by-table transformations, see TableStream.mapTables; a read and row-by-row steps such
 * as drop, keep, rename and map even in blocks of rows, see TableStream.blocks), so a raw query over a long range is
 * never held whole ('whole' computes it as the others). Pulling its next table may throw an ApiError (the query
 * failed there). Only the last: nothing after it can reuse what it computes.
 */
export async function runFluxStreaming(
  source: string,
  ctx: FluxContext,
  last: 'whole' | 'streamLast' = 'streamLast',
): Promise<{ results: StreamedResult[]; error?: ApiError }> {
  const parsed = parseFlux(source);
  if (!parsed.ok) throw new ApiError('invalid', describeSyntaxErrors(parsed.errors));
  const runtime = new FluxRuntime(ctx);
  try {
    checkTypes(parsed.file);
    const { universe, compiler } = buildUniverse(runtime);
    runtime.universe = universe.env;
    executeFile(parsed.file, compiler, universe, runtime);
  } catch (e) {
    throw toApiError(e);
  }
  const results: StreamedResult[] = [];
  for (const [i, y] of runtime.yields.entries()) {
    try {
      const streamed = last === 'streamLast' && i === runtime.yields.length - 1;
      if (!streamed) {
        results.push({ name: y.name, tables: y.stream.data().tables });
        continue;
      }
      const pass = y.stream.blocks();
      const pulled = !pass.heldWhole && !Array.isArray(pass.tables);
      results.push({ name: y.name, tables: withApiErrors(pass.tables), ...(pulled ? { pulled: true as const } : {}) });
    } catch (e) {
      if (results.length === 0) throw toApiError(e);
      return { results, error: toApiError(e) };
    }
  }
  return { results };
}

function withApiErrors(tables: Iterable<Table>): Iterable<Table> {
  if (Array.isArray(tables)) return tables;
  return (function* () {
    try {
      yield* tables;
    } catch (e) {
      throw toApiError(e);
    }
  })();
}

/** Parse-only check used by the editor endpoints later: [] when the script parses. */
export function fluxSyntaxErrors(source: string): { message: string; line: number; column: number }[] {
  const parsed = parseFlux(source);
  if (parsed.ok) return [];
  return parsed.errors.map((e) => ({ message: e.message, line: e.loc.start.line, column: e.loc.start.column }));
}
