/**
 * The Flux standard library's function signatures (signatures.json, generated from Flux v0.196.1 by
 * scripts/gen-flux-signatures.ts), looked up by prelude name or by package path and member.
 */
import type { FluxSignatures, FunctionSignature } from './signature-types';
import data from './signatures.json';

const SIGNATURES = data as unknown as FluxSignatures;

/** Names in scope without an import: the prelude packages merged, later ones winning, as Flux builds them. */
const PRELUDE = new Map<string, FunctionSignature>(
  SIGNATURES.prelude.flatMap((path) => Object.entries(SIGNATURES.packages[path] ?? {})),
);

export function preludeFunction(name: string): FunctionSignature | undefined {
  return PRELUDE.get(name);
}

export function packageFunction(path: string, name: string): FunctionSignature | undefined {
  const members = SIGNATURES.packages[path];
  return members && Object.prototype.hasOwnProperty.call(members, name) ? members[name] : undefined;
}
