/**
 * Which kinds (Flux's type classes, `where A: Timeable`) each basic type has: the table of
 * `BuiltinType::constrain` in libflux semantic/types.rs, v0.196.1.
 */
import type { BasicType } from './evident-type';

const NUMERIC = [
  'Addable',
  'Basic',
  'Comparable',
  'Divisible',
  'Equatable',
  'Negatable',
  'Nullable',
  'Numeric',
  'Stringable',
  'Subtractable',
];

const KINDS: Record<BasicType, ReadonlySet<string>> = {
  bool: new Set(['Basic', 'Equatable', 'Nullable', 'Stringable']),
  int: new Set(NUMERIC),
  float: new Set(NUMERIC),
  string: new Set(['Addable', 'Basic', 'Comparable', 'Equatable', 'Nullable', 'Stringable']),
  duration: new Set(['Basic', 'Comparable', 'Equatable', 'Negatable', 'Nullable', 'Stringable', 'Timeable']),
  time: new Set(['Basic', 'Comparable', 'Equatable', 'Nullable', 'Stringable', 'Timeable']),
  regexp: new Set(['Basic']),
};

/** Kinds Flux knows; a constraint naming anything else is left unchecked. */
const KNOWN_KINDS = new Set([...NUMERIC, 'Label', 'Record', 'Timeable']);

export function hasKind(type: BasicType, kind: string): boolean {
  return KINDS[type].has(kind);
}

export function isKnownKind(kind: string): boolean {
  return KNOWN_KINDS.has(kind);
}
