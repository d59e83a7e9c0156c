/**
 * Calls a user function once per row (filter, map, keep/drop/rename fn): the parameters are checked
 * once, then each row is a direct call with the record bound to the function's row parameter.
 */
import { FluxError } from '../interpreter/errors';
import { callFunction } from '../interpreter/functions';
import type { FluxFunction, Runtime, Value } from '../interpreter/values';
import type { Expression, Loc } from '../parser/ast';

export function rowCaller(
  fn: FluxFunction,
  param: string,
  site: { name: string; loc: Loc; runtime: Runtime },
): (value: Value) => Value {
  if (!fn.params.some((p) => p.name === param)) {
    throw new FluxError(`the function passed as fn must take a parameter named "${param}"`);
  }
  const missing = fn.params.find((p) => p.required && p.name !== param);
  if (missing)
    throw new FluxError(
      `the function passed as fn has a required parameter "${missing.name}" that ${site.name} cannot give`,
    );
  const callSite = { name: fn.name, loc: site.loc, runtime: site.runtime };
  return (value) => callFunction(fn, new Map([[param, value]]), undefined, callSite);
}

/**
 * The columns a row function reads, when it only reads `r.x` / `r["x"]` (no bare `r`, no nested
 * function); undefined otherwise. If all of them are group-key columns, the result is the same for
 * every row of a table, so filter can evaluate it once per table.
 */
export function columnsReadBy(fn: FluxFunction): Set<string> | undefined {
  const def = fn.definition;
  if (!def || def.node.params.length !== 1 || def.node.body.kind === 'Block') return undefined;
  const row = def.node.params[0].name;
  const used = new Set<string>();
  let simple = true;
  const visit = (e: Expression): void => {
    if (!simple) return;
    switch (e.kind) {
      case 'MemberExpression':
        if (e.object.kind === 'Identifier' && e.object.name === row) used.add(e.property);
        else visit(e.object);
        return;
      case 'Identifier':
        if (e.name === row) simple = false;
        return;
      case 'FunctionExpression':
      case 'Unsupported':
        simple = false;
        return;
      case 'ObjectExpression':
        if (e.with?.name === row) simple = false;
        for (const p of e.properties) {
          if (p.value) visit(p.value);
          else if (p.key === row) simple = false;
        }
        return;
      case 'StringExpression':
        for (const part of e.parts) if ('expression' in part) visit(part.expression);
        return;
      case 'ArrayExpression':
        e.elements.forEach(visit);
        return;
      case 'DictExpression':
        for (const item of e.elements) {
          visit(item.key);
          visit(item.value);
        }
        return;
      case 'CallExpression':
        visit(e.callee);
        for (const p of e.args) {
          if (p.value) visit(p.value);
          else if (p.key === row) simple = false;
        }
        return;
      case 'PipeExpression':
        visit(e.argument);
        visit(e.call);
        return;
      case 'IndexExpression':
        visit(e.array);
        visit(e.index);
        return;
      case 'BinaryExpression':
      case 'LogicalExpression':
        visit(e.left);
        visit(e.right);
        return;
      case 'UnaryExpression':
        visit(e.argument);
        return;
      case 'ConditionalExpression':
        visit(e.test);
        visit(e.consequent);
        visit(e.alternate);
        return;
      default:
        return;
    }
  };
  visit(def.node.body);
  return simple ? used : undefined;
}
