/**
 * Compiles the AST into closures (`Evaluator`s), once per script. Names are resolved here, so an
 * undefined identifier, an unsupported function or a missing package member is an error before any
 * data is read; row functions (filter, map) then run as plain closure calls per row.
 */
import { parseTime } from '../csv/time';
import type { Block, CallExpression, Expression, FunctionExpression, Loc, Statement } from '../parser/ast';
import { formatLoc } from '../parser/ast';
import { nullOf } from './cells';
import { toDisplayString } from './convert';
import { Environment, StaticScope } from './environment';
import { makeDict } from './dict';
import { compileError, FluxError } from './errors';
import { callFunction } from './functions';
import { binaryOperation, isTrue, unaryOperation } from './operators';
import { FluxRegexp } from './regexp';
import { durationFromParts } from './time';
import {
  array,
  bool,
  dict,
  duration,
  float,
  fn,
  int,
  NULL,
  record,
  str,
  time,
  typeName,
  Value,
  type FluxFunction,
  type ParamSpec,
  type Runtime,
} from './values';

export type Evaluator = (env: Environment) => Value;

export interface NameCatalog {
  /** Real Flux names the emulator does not implement: reported as unsupported, not undefined. */
  isUnsupported(name: string): boolean;
}

export class Compiler {
  constructor(
    private readonly runtime: Runtime,
    private readonly names: NameCatalog,
  ) {}

  expression(node: Expression, scope: StaticScope, nameHint?: string): Evaluator {
    switch (node.kind) {
      case 'Identifier':
        return this.identifier(node.name, node.loc, scope);
      case 'IntegerLiteral':
        return constant(int(node.value));
      case 'FloatLiteral':
        return constant(float(node.value));
      case 'StringLiteral':
        return constant(str(node.value));
      case 'BooleanLiteral':
        return constant(bool(node.value));
      case 'DurationLiteral':
        return constant(duration(durationFromParts(node.parts)));
      case 'DateTimeLiteral':
        return constant(time(parseTime(node.text)));
      case 'RegexpLiteral': {
        let re: FluxRegexp;
        try {
          re = FluxRegexp.compile(node.pattern);
        } catch (e) {
          throw locate(e, node.loc);
        }
        const value: Value = { type: 'regexp', value: re, source: node.pattern };
        return () => value;
      }
      case 'StringExpression':
        return this.stringExpression(node.parts, scope, node.loc);
      case 'ArrayExpression': {
        const elements = node.elements.map((e) => this.expression(e, scope));
        return (env) => array(elements.map((e) => e(env)));
      }
      case 'DictExpression': {
        const items = node.elements.map((e) => ({
          key: this.expression(e.key, scope),
          value: this.expression(e.value, scope),
        }));
        return (env) => {
          try {
            return dict(makeDict(items.map((i) => ({ key: i.key(env), value: i.value(env) }))));
          } catch (e) {
            throw locate(e, node.loc);
          }
        };
      }
      case 'ObjectExpression':
        return this.object(node, scope);
      case 'FunctionExpression':
        return this.function(node, scope, nameHint ?? 'anonymous function');
      case 'CallExpression':
        return this.call(node, scope, undefined);
      case 'PipeExpression':
        return this.call(node.call, scope, this.expression(node.argument, scope));
      case 'MemberExpression':
        return this.member(node.object, node.property, node.loc, scope);
      case 'IndexExpression': {
        const target = this.expression(node.array, scope);
        const index = this.expression(node.index, scope);
        return (env) => indexValue(target(env), index(env), node.loc);
      }
      case 'BinaryExpression': {
        const left = this.expression(node.left, scope);
        const right = this.expression(node.right, scope);
        const op = node.operator;
        return (env) => {
          const l = left(env);
          const r = right(env);
          try {
            return binaryOperation(op, l, r);
          } catch (e) {
            throw locate(e, node.loc);
          }
        };
      }
      case 'LogicalExpression': {
        const left = this.expression(node.left, scope);
        const right = this.expression(node.right, scope);
        const isAnd = node.operator === 'and';
        // Three-valued, as Flux: a null operand gives null unless the other one decides (`null or true` is true,
        // `null and false` is false); the null is typed when an operand's null was (debug.null, a table cell).
        return (env) => {
          try {
            const lv = left(env);
            const l = lv.type === 'null' ? undefined : isTrue(lv, `operand of ${node.operator}`);
            if (l !== undefined && (isAnd ? !l : l)) return bool(l);
            const rv = right(env);
            const r = rv.type === 'null' ? undefined : isTrue(rv, `operand of ${node.operator}`);
            if (r !== undefined && (l !== undefined || (isAnd ? !r : r))) return bool(r);
            const typed = (lv.type === 'null' && lv.column) || (rv.type === 'null' && rv.column);
            return typed ? nullOf('boolean') : NULL;
          } catch (e) {
            throw locate(e, node.loc);
          }
        };
      }
      case 'UnaryExpression': {
        const argument = this.expression(node.argument, scope);
        const op = node.operator;
        return (env) => {
          try {
            return unaryOperation(op, argument(env));
          } catch (e) {
            throw locate(e, node.loc);
          }
        };
      }
      case 'ConditionalExpression': {
        const test = this.expression(node.test, scope);
        const consequent = this.expression(node.consequent, scope);
        const alternate = this.expression(node.alternate, scope);
        return (env) => {
          let t: boolean;
          try {
            t = isTrue(test(env), 'the condition of if');
          } catch (e) {
            throw locate(e, node.loc);
          }
          return t ? consequent(env) : alternate(env);
        };
      }
      case 'PipeLiteral':
        throw compileError(node.loc, 'the pipe literal <- is only allowed as a parameter default');
      case 'Unsupported':
        throw compileError(node.loc, `unsupported expression: ${node.what}`);
    }
  }

  /** Statements of a function body block: assignments, then `return`. */
  block(block: Block, scope: StaticScope): Evaluator {
    const steps: ((env: Environment) => Value | undefined)[] = [];
    for (const stmt of block.body) steps.push(this.blockStatement(stmt, scope));
    return (env) => {
      for (const step of steps) {
        const out = step(env);
        if (out !== undefined) return out;
      }
      throw new FluxError(`function body ${formatLoc(block.loc)} has no return statement`, 'invalid', true);
    };
  }

  private blockStatement(stmt: Statement, scope: StaticScope): (env: Environment) => Value | undefined {
    switch (stmt.kind) {
      case 'VariableAssignment': {
        const init = this.expression(stmt.init, scope, stmt.name);
        scope.declare(stmt.name);
        return (env) => {
          env.set(stmt.name, init(env));
          return undefined;
        };
      }
      case 'ReturnStatement': {
        const argument = this.expression(stmt.argument, scope);
        return (env) => argument(env);
      }
      case 'ExpressionStatement': {
        const expression = this.expression(stmt.expression, scope);
        return (env) => {
          expression(env);
          return undefined;
        };
      }
      default:
        throw compileError(
          stmt.loc,
          `${stmt.kind === 'OptionStatement' ? 'option' : 'this'} statement is not allowed in a function body`,
        );
    }
  }

  private identifier(name: string, loc: Loc, scope: StaticScope): Evaluator {
    const binding = scope.resolve(name);
    if (!binding) {
      if (this.names.isUnsupported(name))
        throw compileError(loc, `unsupported function "${name}": the emulator implements a subset of Flux`);
      throw compileError(loc, `undefined identifier ${name}`);
    }
    return (env) => {
      const v = env.get(name);
      if (v === undefined)
        throw new FluxError(`error ${formatLoc(loc)}: undefined identifier ${name}`, 'invalid', true);
      return v;
    };
  }

  private member(objectNode: Expression, property: string, loc: Loc, scope: StaticScope): Evaluator {
    if (objectNode.kind === 'Identifier') {
      const binding = scope.resolve(objectNode.name);
      if (binding?.kind === 'package' && !binding.members.has(property)) {
        throw compileError(
          loc,
          `unsupported function "${objectNode.name}.${property}": the emulator implements a subset of package "${binding.path}"`,
        );
      }
    }
    const object = this.expression(objectNode, scope);
    return (env) => {
      const o = object(env);
      if (o.type === 'record') return o.value.get(property) ?? NULL;
      if (o.type === 'null') return NULL;
      throw new FluxError(
        `error ${formatLoc(loc)}: cannot access property "${property}" of ${typeName(o)}`,
        'invalid',
        true,
      );
    };
  }

  private stringExpression(
    parts: ({ text: string } | { expression: Expression })[],
    scope: StaticScope,
    loc: Loc,
  ): Evaluator {
    const pieces = parts.map((p): Evaluator | string => ('text' in p ? p.text : this.expression(p.expression, scope)));
    return (env) => {
      let out = '';
      for (const piece of pieces) {
        if (typeof piece === 'string') out += piece;
        else {
          try {
            out += toDisplayString(piece(env));
          } catch (e) {
            throw locate(e, loc);
          }
        }
      }
      return str(out);
    };
  }

  private object(node: Extract<Expression, { kind: 'ObjectExpression' }>, scope: StaticScope): Evaluator {
    const base = node.with ? this.identifier(node.with.name, node.with.loc, scope) : undefined;
    const properties = node.properties.map((p) => ({
      key: p.key,
      value: p.value ? this.expression(p.value, scope, p.key) : this.identifier(p.key, p.loc, scope),
    }));
    return (env) => {
      let fields: Map<string, Value>;
      if (base) {
        const b = base(env);
        if (b.type !== 'record')
          throw new FluxError(
            `error ${formatLoc(node.loc)}: "with" needs a record, got ${typeName(b)}`,
            'invalid',
            true,
          );
        fields = new Map(b.value);
      } else fields = new Map();
      for (const p of properties) fields.set(p.key, p.value(env));
      return record(fields);
    };
  }

  private function(node: FunctionExpression, scope: StaticScope, name: string): Evaluator {
    const inner = new StaticScope(scope);
    for (const p of node.params) inner.declare(p.name);
    const defaults = node.params.map((p) => (p.defaultValue ? this.expression(p.defaultValue, inner) : undefined));
    const body =
      node.body.kind === 'Block' ? this.block(node.body, new StaticScope(inner)) : this.expression(node.body, inner);
    const params: ParamSpec[] = node.params.map((p, i) => ({
      name: p.name,
      required: !p.pipe && !defaults[i],
      pipe: p.pipe,
    }));
    return (closure) => {
      const value: FluxFunction = {
        name,
        params,
        definition: { node, env: closure },
        invoke: (args) => {
          const env = new Environment(closure);
          node.params.forEach((p, i) => {
            const given = args.get(p.name);
            const d = defaults[i];
            if (given !== undefined) env.set(p.name, given);
            else if (d) env.set(p.name, d(env));
            else throw new FluxError(`missing required argument ${p.name}`);
          });
          return body(env);
        },
      };
      return fn(value);
    };
  }

  private call(node: CallExpression, scope: StaticScope, pipe: Evaluator | undefined): Evaluator {
    const callee = this.expression(node.callee, scope);
    const name = calleeName(node.callee);
    const args = node.args.map((p) => ({
      key: p.key,
      value: p.value ? this.expression(p.value, scope, p.key) : this.identifier(p.key, p.loc, scope),
    }));
    const runtime = this.runtime;
    return (env) => {
      const f = callee(env);
      if (f.type !== 'function') {
        throw new FluxError(
          `error ${formatLoc(node.loc)}: ${name} is a ${typeName(f)}, not a function`,
          'invalid',
          true,
        );
      }
      const piped = pipe ? pipe(env) : undefined;
      const values = new Map<string, Value>();
      for (const a of args) values.set(a.key, a.value(env));
      return callFunction(f.value, values, piped, { name, loc: node.loc, runtime });
    };
  }
}

function constant(v: Value): Evaluator {
  return () => v;
}

function calleeName(node: Expression): string {
  if (node.kind === 'Identifier') return node.name;
  if (node.kind === 'MemberExpression') return `${calleeName(node.object)}.${node.property}`;
  return 'function';
}

function indexValue(target: Value, index: Value, loc: Loc): Value {
  if (target.type === 'array' && index.type === 'int') {
    const i = Number(index.value);
    if (i < 0 || i >= target.value.length) {
      throw new FluxError(
        `error ${formatLoc(loc)}: index out of bounds: ${i} (array length ${target.value.length})`,
        'invalid',
        true,
      );
    }
    return target.value[i];
  }
  if (target.type === 'record' && index.type === 'string') return target.value.get(index.value) ?? NULL;
  throw new FluxError(
    `error ${formatLoc(loc)}: cannot index ${typeName(target)} with ${typeName(index)}`,
    'invalid',
    true,
  );
}

/** Gives an error the location of the expression that raised it, unless it already has one. */
function locate(e: unknown, loc: Loc): unknown {
  if (e instanceof FluxError && !e.located) return new FluxError(`error ${formatLoc(loc)}: ${e.message}`, e.code, true);
  return e;
}
