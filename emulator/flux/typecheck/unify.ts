/**
 * Type variables and their unification, as Flux's `infer::equal` and `infer::constrain` work (libflux
 * semantic/types.rs), limited to basic types: a variable takes the first type it meets and must have the kinds
 * its uses ask for. Arrays and functions are bound but never compared: their errors are left to the evaluator, so
 * only messages this module is sure of are reported.
 */
import { type EvidentType, isBasic } from './evident-type';
import { hasKind } from './kinds';

export class TypeVariables {
  private readonly bound = new Map<number, EvidentType>();
  private readonly kinds = new Map<number, Set<string>>();
  private next = 0;

  fresh(): EvidentType {
    return { var: this.next++ };
  }

  /** The type with every bound variable replaced by what it is bound to. */
  resolve(type: EvidentType): EvidentType {
    if (typeof type === 'string') return type;
    if ('var' in type) {
      const to = this.bound.get(type.var);
      return to === undefined ? type : this.resolve(to);
    }
    if ('array' in type) return { array: this.resolve(type.array) };
    return { fn: type.fn.map((p) => ({ ...p, type: this.resolve(p.type) })), ret: this.resolve(type.ret) };
  }

  /** Flux's message when `actual` cannot be `expected`; binds variables on the way. */
  equal(expected: EvidentType, actual: EvidentType): string[] {
    const exp = this.resolve(expected);
    const act = this.resolve(actual);
    // A variable that meets an unknown type becomes unknown too, so that no later use can find it wrong.
    if (exp === 'unknown' || act === 'unknown') {
      for (const side of [exp, act]) if (typeof side !== 'string' && 'var' in side) this.bound.set(side.var, 'unknown');
      return [];
    }
    if (typeof exp !== 'string' && 'var' in exp) return this.bind(exp.var, act);
    if (typeof act !== 'string' && 'var' in act) return this.bind(act.var, exp);
    if (isBasic(exp) && isBasic(act)) return exp === act ? [] : [`expected ${exp} but found ${act}`];
    return [];
  }

  /** Flux's message when `type` lacks the kind (`string is not Subtractable`); a variable remembers it. */
  constrain(kind: string, type: EvidentType): string[] {
    const t = this.resolve(type);
    if (isBasic(t)) return hasKind(t, kind) ? [] : [`${t} is not ${kind}`];
    if (typeof t !== 'string' && 'var' in t) {
      const kinds = this.kinds.get(t.var) ?? new Set<string>();
      kinds.add(kind);
      this.kinds.set(t.var, kinds);
    }
    return [];
  }

  /** A fresh copy of a function's type for one call, as Flux instantiates a let-bound polymorphic function. */
  instantiate(type: EvidentType): EvidentType {
    const renamed = new Map<number, EvidentType>();
    const copy = (t: EvidentType): EvidentType => {
      if (typeof t === 'string') return t;
      if ('var' in t) {
        let fresh = renamed.get(t.var);
        if (fresh === undefined) {
          fresh = this.fresh();
          renamed.set(t.var, fresh);
          const kinds = this.kinds.get(t.var);
          if (kinds) this.kinds.set((fresh as { var: number }).var, new Set(kinds));
        }
        return fresh;
      }
      if ('array' in t) return { array: copy(t.array) };
      return { fn: t.fn.map((p) => ({ ...p, type: copy(p.type) })), ret: copy(t.ret) };
    };
    return copy(this.resolve(type));
  }

  private bind(variable: number, to: EvidentType): string[] {
    if (typeof to !== 'string' && 'var' in to) {
      if (to.var === variable) return [];
      const kinds = this.kinds.get(variable);
      if (kinds) for (const kind of kinds) this.constrain(kind, to);
      this.bound.set(variable, to);
      return [];
    }
    // A variable never contains itself here except through a recursive function, which is left to Flux.
    if (this.occurs(variable, to)) return [];
    this.bound.set(variable, to);
    const errors: string[] = [];
    for (const kind of this.kinds.get(variable) ?? []) errors.push(...this.constrain(kind, to));
    return errors;
  }

  /** Whether the type still has a free variable once resolved. */
  isOpen(type: EvidentType): boolean {
    const t = this.resolve(type);
    if (typeof t === 'string') return false;
    if ('var' in t) return true;
    if ('array' in t) return this.isOpen(t.array);
    return t.fn.some((p) => this.isOpen(p.type)) || this.isOpen(t.ret);
  }

  private occurs(variable: number, type: EvidentType): boolean {
    if (typeof type === 'string') return false;
    if ('var' in type) return type.var === variable;
    if ('array' in type) return this.occurs(variable, type.array);
    return type.fn.some((p) => this.occurs(variable, p.type)) || this.occurs(variable, type.ret);
  }
}
