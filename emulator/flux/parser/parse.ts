/** Parses Flux with the real parser: a typed file when the script is well formed, else its syntax errors. */
import type { FluxFile } from './ast';
import { toFluxFile } from './convert';
import { fluxWasm } from './flux-wasm';
import { collectSyntaxErrors, FluxSyntaxError } from './syntax-errors';

export type ParseOutcome = { ok: true; file: FluxFile } | { ok: false; errors: FluxSyntaxError[] };

export function parseFlux(source: string): ParseOutcome {
  const raw = fluxWasm().parse(source);
  const errors = collectSyntaxErrors(raw);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, file: toFluxFile(raw) };
}
