/**
 * The types the static check reasons about: basic types, arrays, functions and type variables, plus `unknown` for
 * anything whose type Flux would infer from what this check does not model (record members, stdlib results…).
 * `unknown` agrees with every type, so it never causes an error.
 */
import type { ParamMode } from './signature-types';

export type BasicType = 'int' | 'float' | 'string' | 'bool' | 'duration' | 'time' | 'regexp';

export type EvidentType =
  BasicType | 'unknown' | { array: EvidentType } | { var: number } | { fn: EvidentParam[]; ret: EvidentType };

export interface EvidentParam {
  name: string;
  mode: ParamMode;
  type: EvidentType;
}

export const BASIC_TYPES: ReadonlySet<string> = new Set([
  'int',
  'float',
  'string',
  'bool',
  'duration',
  'time',
  'regexp',
]);

export function isBasic(type: EvidentType): type is BasicType {
  return typeof type === 'string' && type !== 'unknown';
}
