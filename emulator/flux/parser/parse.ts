/** Parses Flux with the real parser: a typed file when the script is well formed, else its syntax errors. */
import type { FluxFile, Loc } from './ast';
import { longestChain } from './chain-prescan';
import { toFluxFile } from './convert';
import { fluxWasm, FluxWasmTrap } from './flux-wasm';
import { collectSyntaxErrors, FluxSyntaxError, MAX_NODE_DEPTH, NESTED_TOO_DEEP } from './syntax-errors';

export type ParseOutcome = { ok: true; file: FluxFile } | { ok: false; errors: FluxSyntaxError[] };

export function parseFlux(source: string): ParseOutcome {
  // A chain longer than the depth limit is an error the parser would take seconds to find (see chain-prescan).
  if (longestChain(source, MAX_NODE_DEPTH) > MAX_NODE_DEPTH) return nestedTooDeep(source);
  try {
    const raw = fluxWasm().parse(source);
    const errors = collectSyntaxErrors(raw);
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, file: toFluxFile(raw) };
  } catch (e) {
    // Nesting far past Flux's limits (thousands of unary minuses, operators, pipes) can overflow the
    // parser's stack in wasm, or the JavaScript stack of the wasm glue building its tree, before
    // collectSyntaxErrors gets to count the depth.
    if (e instanceof FluxWasmTrap || isStackOverflow(e)) return nestedTooDeep(source);
    throw e;
  }
}

/** V8's `RangeError: Maximum call stack size exceeded`. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function nestedTooDeep(source: string): ParseOutcome {
  return { ok: false, errors: [{ message: NESTED_TOO_DEEP, loc: wholeSource(source) }] };
}

function wholeSource(source: string): Loc {
  const lines = source.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { start: { line: 1, column: 1 }, end: { line: lines.length, column: last.length + 1 } };
}
