/**
 * The static type check that runs before a script is evaluated, as InfluxDB runs Flux's semantic analysis before
 * reading any table: calls to functions whose signatures are known (the standard library's, and the script's own
 * functions) are checked for missing, unexpected and mistyped arguments, and expressions for what a small local
 * inference makes evident — literals, names bound to them, operators, if/then/else, the script's own functions and
 * what their bodies ask of their parameters. Record members and stdlib results are of unknown type, which never
 * raises an error. Errors are listed in the order Flux's inference meets them — a call's callee and arguments, then
 * its piped input, then the call itself — and joined as Flux joins them.
 */
import type { CallExpression, Expression, FluxFile, FunctionExpression, Loc, Statement } from '../parser/ast';
import { formatLoc } from '../parser/ast';
import { FluxError } from '../interpreter/errors';
import { isStackOverflow } from '../parser/parse';
import { type ArgumentCheck, checkCall, declaredTypeCheck, type TypeCheckError } from './call-check';
import { type EvidentParam, type EvidentType, isBasic } from './evident-type';
import type { FunctionSignature } from './signature-types';
import { packageFunction, preludeFunction } from './signatures';
import { TypeVariables } from './unify';

type Binding =
  | { kind: 'value'; type: EvidentType }
  /** `type`: the inferred type of the script's own top-level function, instantiated afresh at each use. */
  | { kind: 'function'; signature: FunctionSignature; type?: EvidentType }
  | { kind: 'package'; path: string };

class Scope {
  private readonly bindings = new Map<string, Binding>();

  constructor(private readonly parent?: Scope) {}

  get isTopLevel(): boolean {
    return this.parent === undefined;
  }

  declare(name: string, binding: Binding): void {
    this.bindings.set(name, binding);
  }

  /** The script's own binding of a name; `undefined` means the prelude's. */
  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }
}

/** Throws the type errors of a script, as one 'invalid' error with Flux's text; returns when there are none. */
export function checkTypes(file: FluxFile): void {
  const errors = findTypeErrors(file);
  if (errors.length === 0) return;
  const text = errors.map((e) => `error ${formatLoc(e.loc)}: ${e.message}`).join('\n\n');
  throw new FluxError(text, 'invalid', true);
}

export function findTypeErrors(file: FluxFile): TypeCheckError[] {
  try {
    return walkFile(file);
  } catch (e) {
    // A script nested deeper than this walk goes is left to the evaluator, which reports it as it always has.
    if (isStackOverflow(e)) return [];
    throw e;
  }
}

function walkFile(file: FluxFile): TypeCheckError[] {
  const checker = new ProgramChecker();
  const scope = new Scope();
  for (const imp of file.imports) {
    scope.declare(imp.alias ?? imp.path.split('/').pop()!, { kind: 'package', path: imp.path });
  }
  checker.statements(file.body, scope);
  return checker.errors;
}

class ProgramChecker {
  readonly errors: TypeCheckError[] = [];
  private readonly vars = new TypeVariables();
  /** Each expression's type as inferred when it was walked, for the checks of the calls it is an argument of. */
  private readonly types = new Map<Expression, EvidentType>();

  statements(body: Statement[], scope: Scope): EvidentType {
    let returned: EvidentType = 'unknown';
    for (const stmt of body) {
      const type = this.statement(stmt, scope);
      if (stmt.kind === 'ReturnStatement') returned = type;
    }
    return returned;
  }

  private statement(stmt: Statement, scope: Scope): EvidentType {
    switch (stmt.kind) {
      case 'VariableAssignment': {
        const type = this.expression(stmt.init, scope);
        scope.declare(stmt.name, this.bindingOf(stmt.init, type, scope));
        return 'unknown';
      }
      case 'OptionStatement':
        this.expression(stmt.init, scope);
        // An option may be set again from outside the script, so nothing is assumed about its value.
        if ('name' in stmt.target) scope.declare(stmt.target.name, { kind: 'value', type: 'unknown' });
        return 'unknown';
      case 'ExpressionStatement':
        this.expression(stmt.expression, scope);
        return 'unknown';
      case 'ReturnStatement':
        return this.expression(stmt.argument, scope);
      case 'UnsupportedStatement':
        return 'unknown';
    }
  }

  private bindingOf(init: Expression, type: EvidentType, scope: Scope): Binding {
    if (init.kind === 'FunctionExpression') {
      // Only functions of the script's top level are polymorphic here; a nested one is left untyped.
      const fnType = scope.isTopLevel ? this.vars.resolve(type) : undefined;
      return { kind: 'function', signature: ownSignature(init), type: fnType };
    }
    const signature = calleeSignature(init, scope);
    if (signature) {
      // An alias of the script's own function keeps its type (`g = f`).
      const aliased = ownFunctionType(init, scope) && scope.isTopLevel ? this.vars.resolve(type) : undefined;
      return { kind: 'function', signature, type: aliased };
    }
    // Flux generalises a top-level value whose type is still open; here it is simply not known.
    if (scope.isTopLevel && this.vars.isOpen(type)) return { kind: 'value', type: 'unknown' };
    return { kind: 'value', type };
  }

  private expression(expr: Expression, scope: Scope): EvidentType {
    const type = this.inferred(expr, scope);
    this.types.set(expr, type);
    return type;
  }

  private inferred(expr: Expression, scope: Scope): EvidentType {
    switch (expr.kind) {
      case 'IntegerLiteral':
        return 'int';
      case 'FloatLiteral':
        return 'float';
      case 'StringLiteral':
        return 'string';
      case 'BooleanLiteral':
        return 'bool';
      case 'DurationLiteral':
        return 'duration';
      case 'DateTimeLiteral':
        return 'time';
      case 'RegexpLiteral':
        return 'regexp';
      case 'Identifier':
        return this.typeOfName(expr.name, scope);
      case 'StringExpression':
        for (const part of expr.parts) {
          if (!('expression' in part)) continue;
          const type = this.expression(part.expression, scope);
          this.report(part.expression.loc, this.vars.constrain('Stringable', type));
        }
        return 'string';
      case 'CallExpression':
        return this.call(expr, undefined, scope);
      case 'PipeExpression':
        return this.call(expr.call, expr.argument, scope);
      case 'FunctionExpression':
        return this.function(expr, scope);
      case 'ArrayExpression':
        return arrayOf(expr.elements.map((e) => this.vars.resolve(this.expression(e, scope))));
      case 'ObjectExpression':
        expr.properties.forEach((p) => p.value && this.expression(p.value, scope));
        return 'unknown';
      case 'DictExpression':
        for (const item of expr.elements) {
          this.expression(item.key, scope);
          this.expression(item.value, scope);
        }
        return 'unknown';
      case 'MemberExpression':
        // A record's members are typed by Flux's row inference, which this check does not model.
        this.expression(expr.object, scope);
        return 'unknown';
      case 'IndexExpression':
        this.expression(expr.array, scope);
        this.expression(expr.index, scope);
        return 'unknown';
      case 'BinaryExpression':
        return this.binary(expr, scope);
      case 'LogicalExpression': {
        const left = this.expression(expr.left, scope);
        const right = this.expression(expr.right, scope);
        this.report(expr.left.loc, this.vars.equal('bool', left));
        this.report(expr.right.loc, this.vars.equal('bool', right));
        return 'bool';
      }
      case 'UnaryExpression':
        return this.unary(expr, scope);
      case 'ConditionalExpression': {
        const test = this.expression(expr.test, scope);
        this.report(expr.test.loc, this.vars.equal('bool', test));
        const consequent = this.expression(expr.consequent, scope);
        const alternate = this.expression(expr.alternate, scope);
        if (this.isUnknown(consequent) || this.isUnknown(alternate)) return 'unknown';
        const errors = this.vars.equal(consequent, alternate);
        this.report(expr.alternate.loc, errors);
        return errors.length > 0 ? 'unknown' : consequent;
      }
      default:
        return 'unknown';
    }
  }

  /** Flux's operator typing (`BinaryExpr::infer`): arithmetic needs equal operands of a kind, comparison kinds. */
  private binary(expr: Extract<Expression, { kind: 'BinaryExpression' }>, scope: Scope): EvidentType {
    const left = this.expression(expr.left, scope);
    const right = this.expression(expr.right, scope);
    const arithmetic = ARITHMETIC_KINDS[expr.operator];
    if (arithmetic !== undefined) {
      if (this.isUnknown(left) || this.isUnknown(right)) return 'unknown';
      // Flux refuses `1h + 30m` and `time - duration` (not Addable); the emulator runs them as a convenience.
      if (this.isTemporal(left) || this.isTemporal(right)) return 'unknown';
      const errors = this.vars.equal(left, right);
      this.report(expr.right.loc, errors);
      this.report(expr.loc, this.vars.constrain(arithmetic, left));
      return errors.length > 0 ? 'unknown' : left;
    }
    const comparison = COMPARISON_KINDS[expr.operator];
    if (comparison !== undefined) {
      for (const kind of comparison) this.report(expr.left.loc, this.vars.constrain(kind, left));
      for (const kind of comparison) this.report(expr.right.loc, this.vars.constrain(kind, right));
      return 'bool';
    }
    if (expr.operator === '=~' || expr.operator === '!~') {
      this.report(expr.left.loc, this.vars.equal('string', left));
      this.report(expr.right.loc, this.vars.equal('regexp', right));
      return 'bool';
    }
    return 'unknown';
  }

  private unary(expr: Extract<Expression, { kind: 'UnaryExpression' }>, scope: Scope): EvidentType {
    const operand = this.expression(expr.argument, scope);
    if (expr.operator === 'not') {
      this.report(expr.argument.loc, this.vars.equal('bool', operand));
      return 'bool';
    }
    if (expr.operator === 'exists') return 'bool';
    if (expr.operator === '-' || expr.operator === '+') {
      this.report(expr.argument.loc, this.vars.constrain('Negatable', operand));
      return operand;
    }
    return 'unknown';
  }

  /**
   * A call and the calls piped into it, in Flux's order: each call's callee and arguments from the outermost call
   * inwards, then the data at the head of the pipeline, then each call itself from the innermost outwards. Walked
   * as a list, since a pipeline may be thousands of calls long. Its type is the return type of the script's own
   * function when the call is well formed; a stdlib call's result is not modelled.
   */
  private call(outermost: CallExpression, piped: Expression | undefined, scope: Scope): EvidentType {
    const chain: { call: CallExpression; piped: boolean }[] = [{ call: outermost, piped: piped !== undefined }];
    let head = piped;
    while (head?.kind === 'PipeExpression') {
      chain.push({ call: head.call, piped: true });
      head = head.argument;
    }
    for (const { call } of chain) {
      this.expression(call.callee, scope);
      for (const arg of call.args) if (arg.value) this.expression(arg.value, scope);
    }
    if (head) this.expression(head, scope);
    const typeOf = (e: Expression): EvidentType => this.vars.resolve(this.types.get(e) ?? 'unknown');
    let result: EvidentType = 'unknown';
    for (const { call, piped: isPiped } of chain.reverse()) {
      result = 'unknown';
      const signature = calleeSignature(call.callee, scope);
      if (!signature) continue;
      const own = ownFunctionType(call.callee, scope);
      const fnType = own && this.vars.instantiate(own);
      const check =
        fnType && typeof fnType !== 'string' && 'fn' in fnType
          ? this.unifyingCheck(fnType, typeOf)
          : declaredTypeCheck(signature, typeOf);
      const errors = checkCall(signature, call, isPiped, check);
      this.errors.push(...errors);
      if (errors.length === 0 && fnType && typeof fnType !== 'string' && 'fn' in fnType) result = fnType.ret;
    }
    return result;
  }

  /** Arguments of the script's own function unify with its inferred parameter types: `f = (x) => x + 1` needs ints. */
  private unifyingCheck(
    fnType: Extract<EvidentType, { fn: unknown }>,
    typeOf: (e: Expression) => EvidentType,
  ): ArgumentCheck {
    return (param, value) => {
      const declared = fnType.fn.find((p) => p.name === param.name);
      return declared === undefined ? [] : this.vars.equal(declared.type, typeOf(value));
    };
  }

  private function(fn: FunctionExpression, scope: Scope): EvidentType {
    const inner = new Scope(scope);
    const params: EvidentParam[] = [];
    for (const p of fn.params) {
      if (p.defaultValue) this.expression(p.defaultValue, scope);
      // A default's type joins the parameter's in ways not modelled here, and the piped input is a stream.
      const type = p.pipe || p.defaultValue ? 'unknown' : this.vars.fresh();
      inner.declare(p.name, { kind: 'value', type });
      params.push({ name: p.name, mode: p.pipe ? 'pipe' : p.defaultValue ? 'optional' : 'required', type });
    }
    const ret = fn.body.kind === 'Block' ? this.statements(fn.body.body, inner) : this.expression(fn.body, inner);
    return { fn: params, ret };
  }

  private typeOfName(name: string, scope: Scope): EvidentType {
    const binding = scope.lookup(name);
    if (binding?.kind === 'value') return binding.type;
    if (binding?.kind === 'function') return binding.type ? this.vars.instantiate(binding.type) : 'unknown';
    if (binding) return 'unknown';
    // `true` and `false` are prelude values (internal/boolean), not keywords.
    return name === 'true' || name === 'false' ? 'bool' : 'unknown';
  }

  private isTemporal(type: EvidentType): boolean {
    const resolved = this.vars.resolve(type);
    return resolved === 'duration' || resolved === 'time';
  }

  private isUnknown(type: EvidentType): boolean {
    return this.vars.resolve(type) === 'unknown';
  }

  private report(loc: Loc, messages: string[]): void {
    for (const message of messages) this.errors.push({ loc, message });
  }
}

/** Operators that need both operands of one type with this kind. */
const ARITHMETIC_KINDS: Record<string, string | undefined> = {
  '+': 'Addable',
  '-': 'Subtractable',
  '*': 'Divisible',
  '/': 'Divisible',
  '%': 'Divisible',
  '^': 'Divisible',
};

/** Comparisons ask each operand for kinds, without making the two equal (influxdata/flux#2393). */
const COMPARISON_KINDS: Record<string, string[] | undefined> = {
  '==': ['Equatable'],
  '!=': ['Equatable'],
  '<': ['Comparable'],
  '>': ['Comparable'],
  '<=': ['Equatable', 'Comparable'],
  '>=': ['Equatable', 'Comparable'],
};

/** An array of one basic type; an empty or mixed one is left open. */
function arrayOf(elements: EvidentType[]): EvidentType {
  const first = elements[0];
  if (first === undefined || !isBasic(first)) return 'unknown';
  return elements.every((e) => e === first) ? { array: first } : 'unknown';
}

/** The inferred type of the script's own top-level function a callee names. */
function ownFunctionType(callee: Expression, scope: Scope): EvidentType | undefined {
  if (callee.kind !== 'Identifier') return undefined;
  const binding = scope.lookup(callee.name);
  return binding?.kind === 'function' ? binding.type : undefined;
}

/** A function the script defines: its parameters' modes; their types are Flux's to infer. */
function ownSignature(fn: FunctionExpression): FunctionSignature {
  return {
    params: fn.params.map((p) => ({
      name: p.name,
      mode: p.pipe ? 'pipe' : p.defaultValue ? 'optional' : 'required',
    })),
  };
}

/** The signature of what a callee names: the script's own function, a prelude function or a package member. */
function calleeSignature(callee: Expression, scope: Scope): FunctionSignature | undefined {
  if (callee.kind === 'Identifier') {
    const binding = scope.lookup(callee.name);
    if (binding) return binding.kind === 'function' ? binding.signature : undefined;
    return preludeFunction(callee.name);
  }
  if (callee.kind === 'MemberExpression' && callee.object.kind === 'Identifier') {
    const binding = scope.lookup(callee.object.name);
    return binding?.kind === 'package' ? packageFunction(binding.path, callee.property) : undefined;
  }
  return undefined;
}
