/**
 * Scopes. `StaticScope` is what the compiler knows about names (so an undefined identifier or an
 * unsupported function is reported before anything runs); `Environment` holds the values at run time.
 */
import type { Value } from './values';

export type Binding =
  | { kind: 'value' }
  | {
      kind: 'package';
      path: string;
      members: ReadonlySet<string>;
      /** The package's options (`option schema._from = ...` rebinds one), when it declares any. */
      options?: PackageOptions;
    };

/** A package's own option bindings: `set` rebinds one where the package's functions look it up. */
export interface PackageOptions {
  names: ReadonlySet<string>;
  set(name: string, value: Value): void;
}

const VALUE: Binding = { kind: 'value' };

export class StaticScope {
  private readonly names = new Map<string, Binding>();

  constructor(readonly parent?: StaticScope) {}

  declare(name: string, binding: Binding = VALUE): void {
    this.names.set(name, binding);
  }

  resolve(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.resolve(name);
  }
}

export class Environment {
  private readonly vars = new Map<string, Value>();

  constructor(readonly parent?: Environment) {}

  get(name: string): Value | undefined {
    // Iterative: row functions look names up once per row, often through several scopes.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks the scope chain up from this scope
    for (let env: Environment | undefined = this; env; env = env.parent) {
      const v = env.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** This scope's own bindings (not its parents'). */
  entries(): [string, Value][] {
    return [...this.vars.entries()];
  }

  set(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  /** Reassigns a binding where it is defined (how `option now = ...` replaces the universe's `now`). */
  assign(name: string, value: Value): boolean {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks the scope chain up from this scope
    for (let env: Environment | undefined = this; env; env = env.parent) {
      if (env.vars.has(name)) {
        env.vars.set(name, value);
        return true;
      }
    }
    return false;
  }
}
