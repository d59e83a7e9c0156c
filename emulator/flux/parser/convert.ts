/**
 * Turns the parser's JSON (see flux-wasm.ts) into the typed AST of ast.ts. Only called on a tree that
 * has no syntax errors, so a shape it does not expect is a bug or a construct the emulator does not
 * evaluate; the latter becomes an `Unsupported` node that fails only if evaluated.
 */
import type {
  Block,
  CallExpression,
  Expression,
  FluxFile,
  FunctionExpression,
  ImportDeclaration,
  Loc,
  Param,
  Property,
  Statement,
  StringPart,
} from './ast';

type Json = { [key: string]: unknown };

const NO_LOC: Loc = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

export function toFluxFile(raw: unknown): FluxFile {
  const file = obj(raw, 'File');
  return {
    imports: list(file.imports).map(toImport),
    body: list(file.body).map(toStatement),
  };
}

function toImport(raw: unknown): ImportDeclaration {
  const node = obj(raw, 'ImportDeclaration');
  const alias = node.as === null || node.as === undefined ? undefined : str(obj(node.as, 'Identifier').name);
  return { path: str(obj(node.path, 'StringLiteral').value), alias, loc: loc(node) };
}

function toStatement(raw: unknown): Statement {
  const node = obj(raw, 'Statement');
  switch (node.type) {
    case 'VariableAssignment':
      return { kind: 'VariableAssignment', name: identName(node.id), init: toExpression(node.init), loc: loc(node) };
    case 'OptionStatement': {
      const assignment = obj(node.assignment, 'OptionStatement assignment');
      if (assignment.type === 'MemberAssignment') {
        const member = obj(assignment.member, 'MemberExpression');
        const object = obj(member.object, 'Identifier');
        return {
          kind: 'OptionStatement',
          target: { object: str(object.name), property: propertyName(member.property) },
          init: toExpression(assignment.init),
          loc: loc(node),
        };
      }
      return {
        kind: 'OptionStatement',
        target: { name: identName(assignment.id) },
        init: toExpression(assignment.init),
        loc: loc(node),
      };
    }
    case 'ExpressionStatement':
      return { kind: 'ExpressionStatement', expression: toExpression(node.expression), loc: loc(node) };
    case 'ReturnStatement':
      return { kind: 'ReturnStatement', argument: toExpression(node.argument), loc: loc(node) };
    default:
      return { kind: 'UnsupportedStatement', what: String(node.type), loc: loc(node) };
  }
}

export function toExpression(raw: unknown): Expression {
  const node = obj(raw, 'Expression');
  const at = loc(node);
  switch (node.type) {
    case 'Identifier':
      return { kind: 'Identifier', name: str(node.name), loc: at };
    case 'IntegerLiteral':
      return { kind: 'IntegerLiteral', value: BigInt(String(node.value)), loc: at };
    case 'FloatLiteral':
      return { kind: 'FloatLiteral', value: Number(node.value), loc: at };
    case 'StringLiteral':
      return { kind: 'StringLiteral', value: str(node.value), loc: at };
    // A label (`.myLabel`) names a column for the type checker; Flux runs it as the string literal of its name
    // (libflux semantic/flatbuffers push_string_literal), so `string(v: .a)` is "a" and `.a` goes wherever a string does.
    case 'LabelLiteral':
      return { kind: 'StringLiteral', value: str(node.value), loc: at };
    case 'BooleanLiteral':
      return { kind: 'BooleanLiteral', value: node.value === true, loc: at };
    case 'StringExpression':
      return { kind: 'StringExpression', parts: list(node.parts).map(toStringPart), loc: at };
    case 'DurationLiteral':
      return {
        kind: 'DurationLiteral',
        parts: list(node.values).map((v) => {
          const part = obj(v, 'Duration');
          return { magnitude: BigInt(Math.trunc(Number(part.magnitude))), unit: str(part.unit) };
        }),
        loc: at,
      };
    case 'DateTimeLiteral':
      return { kind: 'DateTimeLiteral', text: str(node.value), loc: at };
    case 'RegexpLiteral':
      return { kind: 'RegexpLiteral', pattern: str(node.value), loc: at };
    case 'PipeLiteral':
      return { kind: 'PipeLiteral', loc: at };
    case 'ArrayExpression':
      return { kind: 'ArrayExpression', elements: list(node.elements).map(toExpression), loc: at };
    case 'DictExpression':
      return {
        kind: 'DictExpression',
        elements: list(node.elements).map((raw) => {
          const item = obj(raw, 'DictItem');
          return { key: toExpression(item.key), value: toExpression(item.val) };
        }),
        loc: at,
      };
    case 'ObjectExpression':
      return toObject(node);
    case 'FunctionExpression':
      return toFunction(node);
    case 'CallExpression':
      return toCall(node);
    case 'PipeExpression':
      return {
        kind: 'PipeExpression',
        argument: toExpression(node.argument),
        call: toCall(obj(node.call, 'CallExpression')),
        loc: at,
      };
    case 'MemberExpression':
      return {
        kind: 'MemberExpression',
        object: toExpression(node.object),
        property: propertyName(node.property),
        loc: at,
      };
    case 'IndexExpression':
      return { kind: 'IndexExpression', array: toExpression(node.array), index: toExpression(node.index), loc: at };
    case 'BinaryExpression':
      return {
        kind: 'BinaryExpression',
        operator: str(node.operator),
        left: toExpression(node.left),
        right: toExpression(node.right),
        loc: at,
      };
    case 'LogicalExpression': {
      const operator = str(node.operator).toLowerCase();
      if (operator !== 'and' && operator !== 'or')
        return { kind: 'Unsupported', what: `logical operator ${operator}`, loc: at };
      return {
        kind: 'LogicalExpression',
        operator,
        left: toExpression(node.left),
        right: toExpression(node.right),
        loc: at,
      };
    }
    case 'UnaryExpression':
      return { kind: 'UnaryExpression', operator: str(node.operator), argument: toExpression(node.argument), loc: at };
    case 'ConditionalExpression':
      return {
        kind: 'ConditionalExpression',
        test: toExpression(node.test),
        consequent: toExpression(node.consequent),
        alternate: toExpression(node.alternate),
        loc: at,
      };
    case 'ParenExpression':
      return toExpression(node.expression);
    default:
      return { kind: 'Unsupported', what: String(node.type ?? 'expression'), loc: at };
  }
}

function toStringPart(raw: unknown): StringPart {
  const node = obj(raw, 'StringExpression part');
  if (node.type === 'InterpolatedPart') return { expression: toExpression(node.expression) };
  return { text: str(node.value) };
}

function toObject(node: Json): Expression {
  const withId = node.with === null || node.with === undefined ? undefined : obj(node.with, 'Identifier');
  return {
    kind: 'ObjectExpression',
    with: withId ? { name: str(withId.name), loc: loc(withId) } : undefined,
    properties: list(node.properties).map(toProperty),
    loc: loc(node),
  };
}

function toProperty(raw: unknown): Property {
  const node = obj(raw, 'Property');
  return {
    key: propertyName(node.key),
    value: node.value === null || node.value === undefined ? null : toExpression(node.value),
    loc: loc(node),
  };
}

function toFunction(node: Json): FunctionExpression {
  const params: Param[] = list(node.params).map((raw) => {
    const p = obj(raw, 'Property');
    const value = p.value === null || p.value === undefined ? undefined : obj(p.value, 'Expression');
    const pipe = value?.type === 'PipeLiteral';
    return { name: propertyName(p.key), pipe, defaultValue: value && !pipe ? toExpression(value) : undefined };
  });
  const body = obj(node.body, 'function body');
  return {
    kind: 'FunctionExpression',
    params,
    body: body.type === 'Block' ? toBlock(body) : toExpression(body),
    loc: loc(node),
  };
}

function toBlock(node: Json): Block {
  return { kind: 'Block', body: list(node.body).map(toStatement), loc: loc(node) };
}

function toCall(node: Json): CallExpression {
  const args = list(node.arguments);
  const first = args.length > 0 ? obj(args[0], 'ObjectExpression') : undefined;
  return {
    kind: 'CallExpression',
    callee: toExpression(node.callee),
    args: first ? list(first.properties).map(toProperty) : [],
    loc: loc(node),
  };
}

function identName(raw: unknown): string {
  return str(obj(raw, 'Identifier').name);
}

/** A property key or member property: an identifier or a string literal (`r["a b"]`). */
function propertyName(raw: unknown): string {
  const node = obj(raw, 'property key');
  return node.type === 'StringLiteral' ? str(node.value) : str(node.name);
}

function loc(node: Json): Loc {
  const l = node.location;
  if (!isJson(l) || !isJson(l.start) || !isJson(l.end)) return NO_LOC;
  return {
    start: { line: Number(l.start.line), column: Number(l.start.column) },
    end: { line: Number(l.end.line), column: Number(l.end.column) },
  };
}

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, what: string): Json {
  if (!isJson(v)) throw new Error(`unexpected Flux AST: expected ${what}`);
  return v;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v ?? '');
}
