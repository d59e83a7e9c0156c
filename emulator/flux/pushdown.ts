/**
 * Push-down: reads what a `filter()` predicate says about `_measurement`, `_field` and tags, so the
 * storage read can skip series that cannot match. It only narrows: the whole predicate still runs on
 * every row afterwards, so anything not understood here simply narrows nothing.
 */
import type { SeriesSelector } from '../storage/types';
import type { Expression } from './parser/ast';
import type { Environment } from './interpreter/environment';
import type { FluxFunction, Value } from './interpreter/values';
import { contains } from './stdlib/basics';

/** Column -> allowed string values; a row matches only if every listed column has one of its values. */
export type Narrowing = Map<string, Set<string>>;

/** Columns that exist on every row but are not series keys, so equality on them narrows nothing. */
const NOT_SERIES_KEYS = new Set(['_start', '_stop', '_time', '_value']);

export function narrowingOfPredicate(fn: FluxFunction): Narrowing {
  const def = fn.definition;
  // filter() passes the row as `r`; other parameters would hide closure names, so they opt out.
  if (!def || def.node.params.length !== 1 || def.node.params[0].name !== 'r' || def.node.body.kind === 'Block')
    return new Map();
  return narrow(def.node.body, 'r', def.env);
}

/** Both predicates must hold (consecutive filters, `and`). */
export function intersect(a: Narrowing, b: Narrowing): Narrowing {
  const out = new Map(a);
  for (const [column, values] of b) {
    const mine = out.get(column);
    out.set(column, mine ? new Set([...mine].filter((v) => values.has(v))) : values);
  }
  return out;
}

/** Either predicate may hold: only columns narrowed by both sides stay narrowed. */
function union(a: Narrowing, b: Narrowing): Narrowing {
  const out: Narrowing = new Map();
  for (const [column, values] of a) {
    const theirs = b.get(column);
    if (theirs) out.set(column, new Set([...values, ...theirs]));
  }
  return out;
}

function narrow(e: Expression, row: string, env: Environment): Narrowing {
  switch (e.kind) {
    case 'LogicalExpression': {
      const left = narrow(e.left, row, env);
      const right = narrow(e.right, row, env);
      return e.operator === 'and' ? intersect(left, right) : union(left, right);
    }
    case 'BinaryExpression': {
      if (e.operator !== '==') return new Map();
      const column = rowColumn(e.left, row) ?? rowColumn(e.right, row);
      const other = rowColumn(e.left, row) !== undefined ? e.right : e.left;
      if (column === undefined || NOT_SERIES_KEYS.has(column)) return new Map();
      const value = constantString(other, row, env);
      return value === undefined ? new Map() : new Map([[column, new Set([value])]]);
    }
    case 'CallExpression':
      return narrowContains(e, row, env);
    default:
      return new Map();
  }
}

/** `contains(value: r.x, set: [...])` with the universe's `contains` and a set of strings known in advance. */
function narrowContains(e: Extract<Expression, { kind: 'CallExpression' }>, row: string, env: Environment): Narrowing {
  const callee = e.callee.kind === 'Identifier' ? env.get(e.callee.name) : undefined;
  if (callee?.type !== 'function' || callee.value !== contains) return new Map();
  const value = e.args.find((a) => a.key === 'value')?.value;
  const set = e.args.find((a) => a.key === 'set')?.value;
  const column = value ? rowColumn(value, row) : undefined;
  if (!set || column === undefined || NOT_SERIES_KEYS.has(column)) return new Map();
  const list =
    set.kind === 'ArrayExpression' ? set.elements.map((x) => constantValue(x, row, env)) : constantArray(set, row, env);
  if (!list || list.some((v) => v?.type !== 'string')) return new Map();
  return new Map([[column, new Set(list.map((v) => (v?.type === 'string' ? v.value : '')))]]);
}

function constantArray(e: Expression, row: string, env: Environment): (Value | undefined)[] | undefined {
  const v = constantValue(e, row, env);
  return v?.type === 'array' ? v.value : undefined;
}

/** `r.x` or `r["x"]` on the row parameter. */
function rowColumn(e: Expression, row: string): string | undefined {
  if (e.kind === 'MemberExpression' && e.object.kind === 'Identifier' && e.object.name === row) return e.property;
  return undefined;
}

/** A string known without looking at the row: a literal, or a variable/record member from the closure. */
function constantString(e: Expression, row: string, env: Environment): string | undefined {
  const v = constantValue(e, row, env);
  return v?.type === 'string' ? v.value : undefined;
}

function constantValue(e: Expression, row: string, env: Environment): Value | undefined {
  switch (e.kind) {
    case 'StringLiteral':
      return { type: 'string', value: e.value };
    case 'Identifier':
      return e.name === row ? undefined : env.get(e.name);
    case 'MemberExpression': {
      const o = constantValue(e.object, row, env);
      return o?.type === 'record' ? o.value.get(e.property) : undefined;
    }
    default:
      return undefined;
  }
}

/** The selector fields for a narrowing; `empty` when some column can match no value at all. */
export function toSelectorHints(n: Narrowing): {
  empty: boolean;
  hints: Pick<SeriesSelector, 'measurements' | 'fields' | 'tags'>;
} {
  const hints: Pick<SeriesSelector, 'measurements' | 'fields' | 'tags'> = {};
  let empty = false;
  for (const [column, values] of n) {
    const list = [...values].sort();
    if (list.length === 0) empty = true;
    if (column === '_measurement') hints.measurements = list;
    else if (column === '_field') hints.fields = list;
    else (hints.tags ??= {})[column] = list;
  }
  return { empty, hints };
}
