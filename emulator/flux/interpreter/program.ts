/**
 * Runs a script's top level: imports, then every statement compiled first (so all static errors come
 * before anything runs), then executed in order. A bare expression statement that evaluates to a table
 * stream, and was not yielded, is yielded as `_result`, as Flux does.
 */
import type { FluxFile, Loc, Statement } from '../parser/ast';
import type { Compiler } from './compile';
import { Environment, PackageOptions, StaticScope } from './environment';
import { compileError } from './errors';
import type { Runtime, Value } from './values';

export interface LoadedPackage {
  /** The name it is bound to without `as`: the last path segment. */
  name: string;
  value: Value;
  members: ReadonlySet<string>;
  options?: PackageOptions;
}

export interface Universe {
  env: Environment;
  scope: StaticScope;
  importPackage(path: string, loc: Loc): LoadedPackage;
}

type Step = (env: Environment) => void;

export function executeFile(file: FluxFile, compiler: Compiler, universe: Universe, runtime: Runtime): void {
  const scope = new StaticScope(universe.scope);
  const env = new Environment(universe.env);
  for (const imp of file.imports) {
    const pkg = universe.importPackage(imp.path, imp.loc);
    const alias = imp.alias ?? pkg.name;
    scope.declare(alias, { kind: 'package', path: imp.path, members: pkg.members, options: pkg.options });
    env.set(alias, pkg.value);
  }
  const steps = file.body.map((stmt) => compileStatement(stmt, compiler, scope, runtime));
  for (const step of steps) step(env);
}

/** Top-level assignments of a Flux source, run into `env` (how preludes and packages are loaded). */
export function executeDefinitions(
  file: FluxFile,
  compiler: Compiler,
  scope: StaticScope,
  env: Environment,
  runtime: Runtime,
): void {
  const steps = file.body.map((stmt) => compileStatement(stmt, compiler, scope, runtime));
  for (const step of steps) step(env);
}

function compileStatement(stmt: Statement, compiler: Compiler, scope: StaticScope, runtime: Runtime): Step {
  switch (stmt.kind) {
    case 'VariableAssignment': {
      const init = compiler.expression(stmt.init, scope, stmt.name);
      scope.declare(stmt.name);
      return (env) => env.set(stmt.name, init(env));
    }
    case 'OptionStatement': {
      const init = compiler.expression(
        stmt.init,
        scope,
        'name' in stmt.target ? stmt.target.name : stmt.target.property,
      );
      const target = stmt.target;
      // A package option (`option schema._from = ...`) changes how that package's functions behave: it is rebound
      // where they look it up. An option the emulator's package does not declare is refused, since accepting it
      // would give an answer computed without it.
      if (!('name' in target)) {
        const binding = scope.resolve(target.object);
        const options = binding?.kind === 'package' ? binding.options : undefined;
        if (!options?.names.has(target.property))
          throw compileError(
            stmt.loc,
            `unsupported option "${target.object}.${target.property}": the emulator does not implement this package option`,
          );
        return (env) => options.set(target.property, init(env));
      }
      const isUniverseOption = scope.resolve(target.name) !== undefined;
      if (!isUniverseOption) scope.declare(target.name);
      return (env) => {
        const value = init(env);
        if (!isUniverseOption || !env.assign(target.name, value)) env.set(target.name, value);
      };
    }
    case 'ExpressionStatement': {
      const expression = compiler.expression(stmt.expression, scope);
      return (env) => {
        const value = expression(env);
        if (value.type === 'stream' && !runtime.isYielded(value.value))
          runtime.addYield('_result', value.value, stmt.loc);
      };
    }
    case 'ReturnStatement':
      throw compileError(stmt.loc, 'return is only allowed in a function body');
    case 'UnsupportedStatement':
      throw compileError(
        stmt.loc,
        `unsupported statement: ${stmt.what} (the emulator runs queries, not test cases or builtin declarations)`,
      );
  }
}
