/**
 * The Flux AST the interpreter works on: a typed copy of the JSON that the real parser returns, keeping
 * only what evaluation needs. Converting once at this edge keeps `unknown` out of the interpreter.
 */
export interface Position {
  line: number;
  column: number;
}

export interface Loc {
  start: Position;
  end: Position;
}

export interface Property {
  key: string;
  /** Null for the shorthand `{a, b}`, meaning `{a: a, b: b}`. */
  value: Expression | null;
  loc: Loc;
}

export interface Param {
  name: string;
  defaultValue?: Expression;
  /** `tables=<-`: receives the piped-in value. */
  pipe: boolean;
}

export interface FunctionExpression {
  kind: 'FunctionExpression';
  params: Param[];
  body: Expression | Block;
  loc: Loc;
}

export interface CallExpression {
  kind: 'CallExpression';
  callee: Expression;
  args: Property[];
  loc: Loc;
}

export interface DurationPart {
  magnitude: bigint;
  unit: string;
}

export type StringPart = { text: string } | { expression: Expression };

export type Expression =
  | { kind: 'Identifier'; name: string; loc: Loc }
  | { kind: 'IntegerLiteral'; value: bigint; loc: Loc }
  | { kind: 'FloatLiteral'; value: number; loc: Loc }
  | { kind: 'StringLiteral'; value: string; loc: Loc }
  | { kind: 'StringExpression'; parts: StringPart[]; loc: Loc }
  | { kind: 'BooleanLiteral'; value: boolean; loc: Loc }
  | { kind: 'DurationLiteral'; parts: DurationPart[]; loc: Loc }
  | { kind: 'DateTimeLiteral'; text: string; loc: Loc }
  | { kind: 'RegexpLiteral'; pattern: string; loc: Loc }
  | { kind: 'PipeLiteral'; loc: Loc }
  | { kind: 'ArrayExpression'; elements: Expression[]; loc: Loc }
  /** `["a": 1, "b": 2]`, `[:]`. */
  | { kind: 'DictExpression'; elements: { key: Expression; value: Expression }[]; loc: Loc }
  | { kind: 'ObjectExpression'; with?: { name: string; loc: Loc }; properties: Property[]; loc: Loc }
  | FunctionExpression
  | CallExpression
  | { kind: 'PipeExpression'; argument: Expression; call: CallExpression; loc: Loc }
  | { kind: 'MemberExpression'; object: Expression; property: string; loc: Loc }
  | { kind: 'IndexExpression'; array: Expression; index: Expression; loc: Loc }
  | { kind: 'BinaryExpression'; operator: string; left: Expression; right: Expression; loc: Loc }
  | { kind: 'LogicalExpression'; operator: 'and' | 'or'; left: Expression; right: Expression; loc: Loc }
  | { kind: 'UnaryExpression'; operator: string; argument: Expression; loc: Loc }
  | { kind: 'ConditionalExpression'; test: Expression; consequent: Expression; alternate: Expression; loc: Loc }
  /** Syntax the emulator does not evaluate: an error if it is ever reached. */
  | { kind: 'Unsupported'; what: string; loc: Loc };

export interface Block {
  kind: 'Block';
  body: Statement[];
  loc: Loc;
}

export type Statement =
  | { kind: 'VariableAssignment'; name: string; init: Expression; loc: Loc }
  | {
      kind: 'OptionStatement';
      target: { name: string } | { object: string; property: string };
      init: Expression;
      loc: Loc;
    }
  | { kind: 'ExpressionStatement'; expression: Expression; loc: Loc }
  | { kind: 'ReturnStatement'; argument: Expression; loc: Loc }
  | { kind: 'UnsupportedStatement'; what: string; loc: Loc };

export interface ImportDeclaration {
  path: string;
  alias?: string;
  loc: Loc;
}

export interface FluxFile {
  imports: ImportDeclaration[];
  body: Statement[];
}

export function formatLoc(loc: Loc): string {
  return `@${loc.start.line}:${loc.start.column}-${loc.end.line}:${loc.end.column}`;
}
