/**
 * Flux values inside the interpreter. Richer than table cells: a time is not an int, durations carry
 * calendar months, and records, arrays, functions and table streams are values too. Cells are converted
 * at the table boundary (cells.ts).
 */
import type { FluxContext } from '../context';
import type { FunctionExpression, Loc } from '../parser/ast';
import type { TableStream } from '../stream';
import type { ColumnType } from '../table';
import type { Environment } from './environment';
import type { FluxRegexp } from './regexp';

export interface Duration {
  /** Calendar months (1y = 12mo); applied before the nanoseconds, as Flux's values.Time.Add (day clamped to the month's end). */
  months: bigint;
  nanoseconds: bigint;
  /** The `inf` duration used by `window(every: inf)`. */
  infinite?: boolean;
}

export type Value =
  /** `column`: the type of the table column a null was read from (what Flux's type inference would know). */
  | { type: 'null'; column?: ColumnType }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'time'; value: bigint }
  | { type: 'duration'; value: Duration }
  | { type: 'regexp'; value: FluxRegexp; source: string }
  | { type: 'bytes'; value: Uint8Array }
  | { type: 'array'; value: Value[] }
  | { type: 'record'; value: Map<string, Value> }
  /** Entries ordered by key, as Flux's sorted map keeps them; keys are non-null ints, uints, floats, strings or times. */
  | { type: 'dict'; value: DictEntry[] }
  | { type: 'function'; value: FluxFunction }
  | { type: 'stream'; value: TableStream };

export type ValueType = Value['type'];

export interface DictEntry {
  key: Value;
  value: Value;
}

export interface ParamSpec {
  name: string;
  required: boolean;
  /** Receives the value piped in with `|>`. */
  pipe: boolean;
}

/** Where a function is being called from, for error messages and access to the run. */
export interface CallSite {
  name: string;
  loc: Loc;
  runtime: Runtime;
}

export interface FluxFunction {
  name: string;
  params: ParamSpec[];
  invoke(args: Map<string, Value>, site: CallSite): Value;
  /** Set for functions written in Flux, so push-down can read a filter predicate's body. */
  definition?: UserFunctionDefinition;
}

/** A function written in Flux: its parameters' and body's AST and the scope it closes over. */
export interface UserFunctionDefinition {
  node: FunctionExpression;
  env: Environment;
}

/** What a running script shares with the builtins (see interpreter/runtime.ts). */
export interface Runtime {
  readonly context: FluxContext;
  /** The current value of `now()` in nanoseconds (the `now` option, else the request's time). */
  now(): bigint;
  /** A universe option's current value (`location`, as `option location = ...` set it). */
  option(name: string): Value | undefined;
  /** Records a `yield` (or the implicit one of a bare stream expression statement). */
  addYield(name: string, stream: TableStream, loc: Loc): void;
  isYielded(stream: TableStream): boolean;
}

export const NULL: Value = { type: 'null' };
export const TRUE: Value = { type: 'bool', value: true };
export const FALSE: Value = { type: 'bool', value: false };

export const bool = (value: boolean): Value => (value ? TRUE : FALSE);
export const int = (value: bigint): Value => ({ type: 'int', value: BigInt.asIntN(64, value) });
export const uint = (value: bigint): Value => ({ type: 'uint', value: BigInt.asUintN(64, value) });
export const float = (value: number): Value => ({ type: 'float', value });
export const str = (value: string): Value => ({ type: 'string', value });
export const time = (value: bigint): Value => ({ type: 'time', value });
export const duration = (value: Duration): Value => ({ type: 'duration', value });
export const bytes = (value: Uint8Array): Value => ({ type: 'bytes', value });
export const array = (value: Value[]): Value => ({ type: 'array', value });
export const dict = (value: DictEntry[]): Value => ({ type: 'dict', value });
export const record = (value: Map<string, Value>): Value => ({ type: 'record', value });
export const fn = (value: FluxFunction): Value => ({ type: 'function', value });
export const stream = (value: TableStream): Value => ({ type: 'stream', value });

/** Flux's own names for types, as used in its error messages. */
export function typeName(v: Value): string {
  switch (v.type) {
    case 'stream':
      return 'stream[A]';
    case 'function':
      return 'function';
    default:
      return v.type;
  }
}
