/**
 * Calling functions: binding named arguments and the piped value to parameters, and a small helper to
 * declare builtins with typed argument access (`Args`) so each builtin reads like its Flux signature.
 */
import type { Loc } from '../parser/ast';
import type { TableStream } from '../stream';
import { atCallSite, FluxError } from './errors';
import type { CallSite, Duration, FluxFunction, ParamSpec, Runtime, Value } from './values';
import { typeName } from './values';

export function callFunction(
  fn: FluxFunction,
  args: Map<string, Value>,
  pipe: Value | undefined,
  site: { name: string; loc: Loc; runtime: Runtime },
): Value {
  const bound = new Map(args);
  try {
    for (const name of args.keys()) {
      if (!fn.params.some((p) => p.name === name))
        throw new FluxError(`function "${fn.name}" has no parameter "${name}"`);
    }
    if (pipe !== undefined) {
      const p = fn.params.find((q) => q.pipe);
      if (!p) throw new FluxError(`function "${fn.name}" does not take piped-forward data`);
      if (bound.has(p.name)) throw new FluxError(`argument "${p.name}" is given and also piped forward`);
      bound.set(p.name, pipe);
    }
    for (const p of fn.params) {
      if (p.required && !bound.has(p.name)) throw new FluxError(`missing required argument ${p.name}`);
    }
  } catch (e) {
    throw atCallSite(e, site.name, site.loc);
  }
  const callSite: CallSite = { name: site.name, loc: site.loc, runtime: site.runtime };
  try {
    return fn.invoke(bound, callSite);
  } catch (e) {
    throw atCallSite(e, site.name, site.loc);
  }
}

export interface BuiltinDef {
  name: string;
  /** Every accepted parameter; `required` ones must be given, `pipe` receives `|>` input. */
  params: string[];
  required?: string[];
  pipe?: string;
  run(args: Args, site: CallSite): Value;
}

export function builtin(def: BuiltinDef): FluxFunction {
  const required = new Set(def.required ?? []);
  const params: ParamSpec[] = def.params.map((name) => ({
    name,
    required: required.has(name) || name === def.pipe,
    pipe: name === def.pipe,
  }));
  if (def.pipe && !def.params.includes(def.pipe)) params.push({ name: def.pipe, required: true, pipe: true });
  return { name: def.name, params, invoke: (values, site) => def.run(new Args(values), site) };
}

/** Typed access to the arguments of a builtin; a wrong type names the argument and what it got. */
export class Args {
  constructor(private readonly values: Map<string, Value>) {}

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v.type !== 'null';
  }

  value(name: string): Value {
    const v = this.values.get(name);
    if (v === undefined) throw new FluxError(`missing required argument ${name}`);
    return v;
  }

  optional(name: string): Value | undefined {
    const v = this.values.get(name);
    return v === undefined || v.type === 'null' ? undefined : v;
  }

  string(name: string, fallback?: string): string {
    const v = this.optional(name);
    if (v === undefined) return required(name, fallback);
    if (v.type !== 'string') throw wrongType(name, 'string', v);
    return v.value;
  }

  optString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  bool(name: string, fallback?: boolean): boolean {
    const v = this.optional(name);
    if (v === undefined) return required(name, fallback);
    if (v.type !== 'bool') throw wrongType(name, 'bool', v);
    return v.value;
  }

  int(name: string, fallback?: bigint): bigint {
    const v = this.optional(name);
    if (v === undefined) return required(name, fallback);
    if (v.type !== 'int') throw wrongType(name, 'int', v);
    return v.value;
  }

  float(name: string, fallback?: number): number {
    const v = this.optional(name);
    if (v === undefined) return required(name, fallback);
    if (v.type !== 'float') throw wrongType(name, 'float', v);
    return v.value;
  }

  duration(name: string, fallback?: Duration): Duration {
    const v = this.optional(name);
    if (v === undefined) return required(name, fallback);
    if (v.type !== 'duration') throw wrongType(name, 'duration', v);
    return v.value;
  }

  stream(name: string): TableStream {
    const v = this.value(name);
    if (v.type !== 'stream') throw wrongType(name, 'stream', v);
    return v.value;
  }

  fn(name: string): FluxFunction {
    const v = this.value(name);
    if (v.type !== 'function') throw wrongType(name, 'function', v);
    return v.value;
  }

  optFn(name: string): FluxFunction | undefined {
    return this.has(name) ? this.fn(name) : undefined;
  }

  stringArray(name: string, fallback?: string[]): string[] {
    const v = this.optional(name);
    if (v === undefined) return required(name, fallback);
    if (v.type !== 'array') throw wrongType(name, 'array of strings', v);
    return v.value.map((e) => {
      if (e.type !== 'string') throw wrongType(name, 'array of strings', e);
      return e.value;
    });
  }

  record(name: string): Map<string, Value> {
    const v = this.value(name);
    if (v.type !== 'record') throw wrongType(name, 'record', v);
    return v.value;
  }
}

function required<T>(name: string, fallback: T | undefined): T {
  if (fallback === undefined) throw new FluxError(`missing required argument ${name}`);
  return fallback;
}

function wrongType(name: string, expected: string, got: Value): FluxError {
  return new FluxError(`argument ${name} must be ${expected === 'int' ? 'an' : 'a'} ${expected}, got ${typeName(got)}`);
}
