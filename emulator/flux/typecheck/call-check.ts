/**
 * Checks one call against a function's signature the way Flux unifies a call with a function type
 * (`Function::unify` in libflux semantic/types.rs): the pipe first, then unexpected arguments, then each required
 * parameter by name (missing, or of the wrong type), then each given optional one. Only what is certain is
 * reported: a type is compared only when the argument's type is evident and the parameter's declared type settles
 * the question without inference.
 */
import type { CallExpression, Expression, Loc } from '../parser/ast';
import { BASIC_TYPES, type EvidentParam, type EvidentType, isBasic } from './evident-type';
import { hasKind, isKnownKind } from './kinds';
import type { FunctionSignature, ParamSignature, TypeShape } from './signature-types';
import { actualText, TypeWriter } from './type-text';

export interface TypeCheckError {
  loc: Loc;
  message: string;
}

type Given = { value: Expression } | 'piped';

/** Flux's messages (without the argument's name) when a value cannot be passed as a parameter. */
export type ArgumentCheck = (param: ParamSignature, value: Expression) => string[];

export function checkCall(
  signature: FunctionSignature,
  call: CallExpression,
  piped: boolean,
  argumentCheck: ArgumentCheck,
): TypeCheckError[] {
  const errors: TypeCheckError[] = [];
  const required = new Map<string, ParamSignature>();
  const optional = new Map<string, ParamSignature>();
  for (const p of signature.params) (p.mode === 'optional' ? optional : required).set(p.name, p);
  const given = new Map<string, Given>();
  for (const arg of call.args) {
    given.set(arg.key, { value: arg.value ?? { kind: 'Identifier', name: arg.key, loc: arg.loc } });
  }
  const pipe = signature.params.find((p) => p.mode === 'pipe');
  if (piped) {
    if (pipe) given.set(pipe.name, 'piped');
    else errors.push({ loc: call.loc, message: 'missing pipe argument' });
  }

  for (const name of sortedKeys(given)) {
    const arg = given.get(name)!;
    if (required.has(name) || optional.has(name) || arg === 'piped') continue;
    const expected = [...sortedKeys(required), ...sortedKeys(optional)].filter((k) => !given.has(k));
    errors.push({ loc: arg.value.loc, message: unexpectedArgument(name, expected) });
  }
  for (const name of sortedKeys(required)) {
    const arg = given.get(name);
    if (arg === undefined) errors.push({ loc: call.loc, message: `missing required argument ${name}` });
    else if (arg !== 'piped') errors.push(...wrongType(required.get(name)!, arg.value, argumentCheck));
  }
  for (const name of sortedKeys(optional)) {
    const arg = given.get(name);
    if (arg !== undefined && arg !== 'piped') errors.push(...wrongType(optional.get(name)!, arg.value, argumentCheck));
  }
  return errors;
}

/** `found unexpected argument colum (Expected one of `column` or `tables`)`: Flux's ExtraArgument text. */
function unexpectedArgument(name: string, expected: string[]): string {
  if (expected.length === 0) return `found unexpected argument ${name}`;
  const listed = expected.map((e, i) =>
    i === 0 ? ` \`${e}\`` : i === expected.length - 1 ? ` or \`${e}\`` : `, \`${e}\``,
  );
  return `found unexpected argument ${name} (Expected${expected.length > 1 ? ' one of' : ''}${listed.join('')})`;
}

function wrongType(param: ParamSignature, value: Expression, argumentCheck: ArgumentCheck): TypeCheckError[] {
  return argumentCheck(param, value).map((problem) => ({
    loc: value.loc,
    message: `${problem} (argument ${param.name})`,
  }));
}

/**
 * The check of an argument against a stdlib parameter's declared type: `typeOf` gives the argument's type with its
 * variables resolved. Only what the declared type settles without inference is reported.
 */
export function declaredTypeCheck(
  signature: FunctionSignature,
  typeOf: (expr: Expression) => EvidentType,
): ArgumentCheck {
  return (param, value) => {
    if (param.type === undefined) return [];
    const problem = mismatch(signature, param.type, typeOf(value));
    return problem === undefined ? [] : [problem];
  };
}

/** Why `actual` cannot be the declared `expected` type, in Flux's words; `undefined` when it can, or may. */
function mismatch(signature: FunctionSignature, expected: TypeShape, actual: EvidentType): string | undefined {
  if (actual === 'unknown' || (typeof actual !== 'string' && 'var' in actual)) return undefined;
  if (typeof actual !== 'string' && 'fn' in actual) return functionMismatch(expected, actual);
  if (typeof expected === 'string') {
    if (expected === 'unknown' || expected === 'dynamic' || expected === actual) return undefined;
    const text = actualText(actual);
    return text === undefined ? undefined : `expected ${expected} but found ${text}`;
  }
  if ('var' in expected) return unmetKind(signature, expected.var, actual);
  if ('array' in expected && !isBasic(actual)) return mismatch(signature, expected.array, actual.array);
  // Another collection against an array would report two errors (collection, then elements): left to Flux.
  if (!isBasic(actual)) return undefined;
  const text = new TypeWriter().expected(expected);
  return text === undefined ? undefined : `expected ${text} but found ${actual}`;
}

/**
 * A function where a basic type is expected, or a function whose evident return type is not the declared one
 * (`filter(fn: (r) => 1)`). The latter only when the parameters agree, since Flux reports those first; Flux
 * v0.196.1's message for it really begins with `123`.
 */
function functionMismatch(expected: TypeShape, actual: Extract<EvidentType, { fn: unknown }>): string | undefined {
  if (typeof expected === 'string') {
    if (expected === 'unknown' || expected === 'dynamic') return undefined;
    const text = actualText(actual);
    return text === undefined ? undefined : `expected ${expected} but found ${text}`;
  }
  if (!('fn' in expected) || typeof expected.ret !== 'string' || !BASIC_TYPES.has(expected.ret)) return undefined;
  if (!isBasic(actual.ret) || actual.ret === expected.ret || !sameParams(expected.fn, actual.fn)) return undefined;
  const cause = `expected ${expected.ret} but found ${actual.ret}`;
  return `123${cause} for return type caused by ${cause}`;
}

/** Same names and modes, and the function literal's parameters still free for any type. */
function sameParams(expected: ParamSignature[], actual: EvidentParam[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((e) =>
    actual.some(
      (a) =>
        a.name === e.name &&
        a.mode === e.mode &&
        (a.type === 'unknown' || (typeof a.type !== 'string' && 'var' in a.type)),
    ),
  );
}

/**
 * A type variable accepts any type that has its kinds. Only a variable used by this one parameter is checked:
 * one shared with other parameters may already be bound, and then Flux's message is about that binding.
 */
function unmetKind(signature: FunctionSignature, variable: string, actual: EvidentType): string | undefined {
  const kinds = signature.constraints?.[variable] ?? [];
  if (kinds.length === 0 || !kinds.every(isKnownKind)) return undefined;
  const uses = signature.params.reduce((n, p) => n + (p.type ? countVariable(p.type, variable) : 0), 0);
  if (uses !== 1) return undefined;
  for (const kind of kinds) {
    if (isBasic(actual) ? !hasKind(actual, kind) : kind !== 'Equatable') {
      const text = actualText(actual);
      return text === undefined ? undefined : `${text} is not ${kind}`;
    }
  }
  return undefined;
}

function countVariable(shape: TypeShape, variable: string): number {
  if (typeof shape === 'string') return 0;
  if ('var' in shape) return shape.var === variable ? 1 : 0;
  if ('array' in shape) return countVariable(shape.array, variable);
  if ('stream' in shape) return countVariable(shape.stream, variable);
  if ('vector' in shape) return countVariable(shape.vector, variable);
  if ('dict' in shape) return countVariable(shape.dict[0], variable) + countVariable(shape.dict[1], variable);
  if ('record' in shape) {
    const tail = shape.with === variable ? 1 : 0;
    return shape.record.reduce((n, [, t]) => n + countVariable(t, variable), tail);
  }
  const inParams = shape.fn.reduce((n, p) => n + (p.type ? countVariable(p.type, variable) : 0), 0);
  return inParams + countVariable(shape.ret, variable);
}

function sortedKeys<V>(map: Map<string, V>): string[] {
  // Flux keeps arguments in BTreeMaps: byte order, which is UTF-16 order for the ASCII names of Flux.
  return [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
