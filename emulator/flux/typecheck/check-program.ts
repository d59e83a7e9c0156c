/**
 * The static type check that runs before a script is evaluated, as InfluxDB runs Flux's semantic analysis before
 * reading any table: calls to functions whose signatures are known (the standard library's, and the script's own
 * functions) are checked for missing, unexpected and evidently mistyped arguments. Errors are listed in the order
 * Flux's inference meets them — a call's callee and arguments, then its piped input, then the call itself — and
 * joined as Flux joins them.
 */
import type { CallExpression, Expression, FluxFile, FunctionExpression, Statement } from '../parser/ast';
import { formatLoc } from '../parser/ast';
import { FluxError } from '../interpreter/errors';
import { isStackOverflow } from '../parser/parse';
import { checkCall, TypeCheckError } from './call-check';
import { EvidentType, evidentType } from './evident-type';
import type { FunctionSignature } from './signature-types';
import { packageFunction, preludeFunction } from './signatures';

type Binding =
  | { kind: 'value'; type?: EvidentType }
  | { kind: 'function'; signature: FunctionSignature }
  | { kind: 'package'; path: string };

class Scope {
  private readonly bindings = new Map<string, Binding>();

  constructor(private readonly parent?: Scope) {}

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

  statements(body: Statement[], scope: Scope): void {
    for (const stmt of body) this.statement(stmt, scope);
  }

  private statement(stmt: Statement, scope: Scope): void {
    switch (stmt.kind) {
      case 'VariableAssignment':
        this.expression(stmt.init, scope);
        scope.declare(stmt.name, this.bindingOf(stmt.init, scope));
        return;
      case 'OptionStatement':
        this.expression(stmt.init, scope);
        // An option may be set again from outside the script, so nothing is assumed about its value.
        if ('name' in stmt.target) scope.declare(stmt.target.name, { kind: 'value' });
        return;
      case 'ExpressionStatement':
        this.expression(stmt.expression, scope);
        return;
      case 'ReturnStatement':
        this.expression(stmt.argument, scope);
        return;
      case 'UnsupportedStatement':
        return;
    }
  }

  private bindingOf(init: Expression, scope: Scope): Binding {
    if (init.kind === 'FunctionExpression') return { kind: 'function', signature: ownSignature(init) };
    const signature = calleeSignature(init, scope);
    if (signature) return { kind: 'function', signature };
    return { kind: 'value', type: evidentType(init, typeOfName(scope)) };
  }

  private expression(expr: Expression, scope: Scope): void {
    switch (expr.kind) {
      case 'CallExpression':
        return this.call(expr, undefined, scope);
      case 'PipeExpression':
        return this.call(expr.call, expr.argument, scope);
      case 'FunctionExpression':
        return this.function(expr, scope);
      case 'ArrayExpression':
        return expr.elements.forEach((e) => this.expression(e, scope));
      case 'ObjectExpression':
        return expr.properties.forEach((p) => p.value && this.expression(p.value, scope));
      case 'StringExpression':
        return expr.parts.forEach((p) => 'expression' in p && this.expression(p.expression, scope));
      case 'MemberExpression':
        return this.expression(expr.object, scope);
      case 'IndexExpression':
        this.expression(expr.array, scope);
        return this.expression(expr.index, scope);
      case 'BinaryExpression':
      case 'LogicalExpression':
        this.expression(expr.left, scope);
        return this.expression(expr.right, scope);
      case 'UnaryExpression':
        return this.expression(expr.argument, scope);
      case 'ConditionalExpression':
        this.expression(expr.test, scope);
        this.expression(expr.consequent, scope);
        return this.expression(expr.alternate, scope);
      default:
        return;
    }
  }

  /**
   * A call and the calls piped into it, in Flux's order: each call's callee and arguments from the outermost call
   * inwards, then the data at the head of the pipeline, then each call itself from the innermost outwards. Walked
   * as a list, since a pipeline may be thousands of calls long.
   */
  private call(outermost: CallExpression, piped: Expression | undefined, scope: Scope): void {
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
    const typeOf = (e: Expression): EvidentType | undefined => evidentType(e, typeOfName(scope));
    for (const { call, piped: isPiped } of chain.reverse()) {
      const signature = calleeSignature(call.callee, scope);
      if (signature) this.errors.push(...checkCall(signature, call, isPiped, typeOf));
    }
  }

  private function(fn: FunctionExpression, scope: Scope): void {
    const inner = new Scope(scope);
    for (const p of fn.params) {
      if (p.defaultValue) this.expression(p.defaultValue, scope);
      inner.declare(p.name, { kind: 'value' });
    }
    if (fn.body.kind === 'Block') this.statements(fn.body.body, inner);
    else this.expression(fn.body, inner);
  }
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

function typeOfName(scope: Scope): (name: string) => EvidentType | undefined {
  return (name) => {
    const binding = scope.lookup(name);
    if (binding) return binding.kind === 'value' ? binding.type : undefined;
    // `true` and `false` are prelude values (internal/boolean), not keywords.
    return name === 'true' || name === 'false' ? 'bool' : undefined;
  };
}
