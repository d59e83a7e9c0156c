/**
 * Writes types the way Flux's error messages do (libflux semantic/formatter, `MonoType::type_info`): type
 * variables renamed A, B, … in order of appearance, a function's pipe parameter first, then the required and the
 * optional ones by name, and a suffix naming the kind of a composite type (`[string] (array)`).
 * `undefined` when the type has a shape whose text is not certain (Flux breaks long ones over lines).
 */
import type { EvidentType } from './evident-type';
import type { ParamSignature, TypeShape } from './signature-types';

/** Flux lays out functions and records with more members than this over several lines. */
const MULTILINE = 4;

export class TypeWriter {
  private readonly names = new Map<string, string>();

  /** `expected` is written first, as Flux does, so its variables get the first names. */
  expected(shape: TypeShape): string | undefined {
    const text = this.shape(shape);
    return text === undefined ? undefined : text + kindSuffix(shape);
  }

  private shape(shape: TypeShape): string | undefined {
    if (typeof shape === 'string') return shape === 'unknown' ? undefined : shape;
    if ('var' in shape) return this.variable(shape.var);
    if ('array' in shape) return wrap('[', this.shape(shape.array), ']');
    if ('stream' in shape) return wrap('stream[', this.shape(shape.stream), ']');
    if ('vector' in shape) return wrap('v[', this.shape(shape.vector), ']');
    if ('dict' in shape) {
      const key = this.shape(shape.dict[0]);
      const value = this.shape(shape.dict[1]);
      return key === undefined || value === undefined ? undefined : `[${key}:${value}]`;
    }
    if ('record' in shape) {
      if (shape.record.length > MULTILINE) return undefined;
      const tail = shape.with === undefined ? '' : `${this.variable(shape.with)} with `;
      const fields = this.all(shape.record.map(([label, type]) => [label, type] as const));
      return fields === undefined ? undefined : `{${tail}${fields.join(', ')}}`;
    }
    if (shape.fn.length > MULTILINE) return undefined;
    const byName = (a: ParamSignature, b: ParamSignature): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const ordered = [
      ...shape.fn.filter((p) => p.mode === 'pipe'),
      ...shape.fn.filter((p) => p.mode === 'required').sort(byName),
      ...shape.fn.filter((p) => p.mode === 'optional').sort(byName),
    ];
    const prefix = { pipe: '<-', required: '', optional: '?' };
    const params = this.all(ordered.map((p) => [prefix[p.mode] + p.name, p.type ?? 'unknown'] as const));
    const ret = this.shape(shape.ret);
    return params === undefined || ret === undefined ? undefined : `(${params.join(', ')}) => ${ret}`;
  }

  private all(entries: (readonly [string, TypeShape])[]): string[] | undefined {
    const out: string[] = [];
    for (const [label, type] of entries) {
      const text = this.shape(type);
      if (text === undefined) return undefined;
      out.push(`${label}: ${text}`);
    }
    return out;
  }

  private variable(name: string): string {
    let fresh = this.names.get(name);
    if (fresh === undefined) {
      fresh = String.fromCharCode(65 + this.names.size);
      this.names.set(name, fresh);
    }
    return fresh;
  }
}

/**
 * An argument's type with Flux's suffix: `int`, `[string] (array)`, `(r: A) => A (function)`; `undefined` when a
 * part of it is unknown to this check.
 */
export function actualText(type: EvidentType): string | undefined {
  if (typeof type === 'string') return type === 'unknown' ? undefined : type;
  if ('var' in type) return undefined;
  if ('array' in type) return wrap('[', elementText(type.array), '] (array)');
  const shape = functionShape(type);
  return shape === undefined ? undefined : new TypeWriter().expected(shape);
}

function elementText(type: EvidentType): string | undefined {
  if (typeof type === 'string') return type === 'unknown' ? undefined : type;
  return 'array' in type ? wrap('[', elementText(type.array), ']') : undefined;
}

/** A function type as a declared shape, its variables named by number; `undefined` if any part is unknown. */
function functionShape(type: EvidentType): TypeShape | undefined {
  if (typeof type === 'string') return type === 'unknown' ? undefined : type;
  if ('var' in type) return { var: `t${type.var}` };
  if ('array' in type) {
    const element = functionShape(type.array);
    return element === undefined ? undefined : { array: element };
  }
  const params: ParamSignature[] = [];
  for (const p of type.fn) {
    const shape = functionShape(p.type);
    if (shape === undefined) return undefined;
    params.push({ name: p.name, mode: p.mode, type: shape });
  }
  const ret = functionShape(type.ret);
  return ret === undefined ? undefined : { fn: params, ret };
}

function kindSuffix(shape: TypeShape): string {
  if (typeof shape === 'string') return shape === 'dynamic' ? ' (dynamic)' : '';
  if ('fn' in shape) return ' (function)';
  if ('record' in shape) return ' (record)';
  if ('array' in shape) return ' (array)';
  if ('dict' in shape) return ' (dictionary)';
  if ('vector' in shape) return ' (vector)';
  return '';
}

function wrap(open: string, inner: string | undefined, close: string): string | undefined {
  return inner === undefined ? undefined : open + inner + close;
}
