/**
 * The shape of signatures.json (written by scripts/gen-flux-signatures.ts from the Flux standard library): what the
 * static check knows about each stdlib function's parameters.
 */

/** `<-tables` receives piped data; `?name` may be left out; the rest must be given. */
export type ParamMode = 'pipe' | 'required' | 'optional';

/**
 * A declared Flux type: a named type (`"int"`, `"string"`, `"dynamic"`…), a type variable, or a constructed type.
 * `"unknown"` is a shape the generator did not recognise; the check never reasons about it.
 */
export type TypeShape =
  | string
  | { var: string }
  | { array: TypeShape }
  | { stream: TypeShape }
  | { vector: TypeShape }
  | { dict: [TypeShape, TypeShape] }
  | { record: [string, TypeShape][]; with?: string }
  | { fn: ParamSignature[]; ret: TypeShape };

export interface ParamSignature {
  name: string;
  mode: ParamMode;
  /** Absent for Flux-defined functions, whose parameter types Flux infers from the body. */
  type?: TypeShape;
}

export interface FunctionSignature {
  params: ParamSignature[];
  /** The kinds each type variable must have (`where B: Timeable`), sorted by name as Flux orders them. */
  constraints?: Record<string, string[]>;
}

export interface FluxSignatures {
  note: string;
  source: { repository: string; tag: string; commit: string };
  /** Packages whose members are in scope without an import, later ones winning. */
  prelude: string[];
  packages: Record<string, Record<string, FunctionSignature>>;
}
