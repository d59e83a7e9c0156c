/**
 * Collects the syntax errors of a parsed file the way Flux's `ast::check` does: `errors` carried by any
 * node, `BadStatement`/`BadExpression` nodes, objects that mix `{a}` with `{a: 1}`, and nodes nested
 * deeper than MAX_NODE_DEPTH. The parser never throws, so this walk is the only way to know a script is
 * malformed. The walk keeps its own stack: a script of any depth is checked without recursion, and
 * once it passes, every later recursive stage (conversion, type check, evaluation) is bounded by the limit.
 */
import type { Loc } from './ast';
import { formatLoc } from './ast';

/** Flux's own message for a program nested past its limits (parser `depth_guard`, `ast::check`). */
export const NESTED_TOO_DEEP = 'Program is nested too deep';

/**
 * `ast::check`'s MAX_DEPTH (flux v0.196 libflux/flux-core/src/ast/check/mod.rs): a node deeper than this,
 * counting the package as 1 and the file as 2, is an error and its children are not checked.
 */
export const MAX_NODE_DEPTH = 180;
const FILE_DEPTH = 2;

export interface FluxSyntaxError {
  message: string;
  loc: Loc;
}

type Json = { [key: string]: unknown };

export function collectSyntaxErrors(root: unknown): FluxSyntaxError[] {
  const found: FluxSyntaxError[] = [];
  // Depth-first, in source order: each entry is a value and the depth of the nodes it holds.
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: FILE_DEPTH }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], depth });
    } else if (isJson(value)) {
      if (depth > MAX_NODE_DEPTH) found.push({ message: NESTED_TOO_DEEP, loc: locOf(value) });
      else {
        checkNode(value, found);
        const children = childrenOf(value);
        for (let i = children.length - 1; i >= 0; i--) pending.push({ value: children[i], depth: depth + 1 });
      }
    }
  }
  return found;
}

/** The message InfluxDB returns for a script that does not parse. */
export function describeSyntaxErrors(found: FluxSyntaxError[]): string {
  return 'compilation failed: ' + found.map((e) => `error ${formatLoc(e.loc)}: ${e.message}`).join('\n\n');
}

function checkNode(node: Json, found: FluxSyntaxError[]): void {
  const at = locOf(node);
  if (Array.isArray(node.errors)) {
    for (const e of node.errors) {
      const msg = isJson(e) && typeof e.msg === 'string' ? e.msg : String(e);
      found.push({ message: msg, loc: at });
    }
  }
  if (node.type === 'BadStatement') found.push({ message: `invalid statement: ${String(node.text ?? '')}`, loc: at });
  if (node.type === 'BadExpression' && node.text)
    found.push({ message: `invalid expression: ${String(node.text)}`, loc: at });
  // The parser marks two operands with nothing between them (e.g. `1.5e3`, `3u`) with this operator.
  if (node.type === 'BinaryExpression' && node.operator === '<INVALID_OP>') {
    found.push({ message: 'invalid expression: missing operator between two operands', loc: at });
  }
  if (node.type === 'ObjectExpression' && Array.isArray(node.properties))
    checkObjectProperties(node.properties, at, found);
}

/** The child nodes Flux's AST walk visits: not locations, errors or comments; a dict entry is its key and value. */
function childrenOf(node: Json): unknown[] {
  const children: unknown[] = [];
  for (const [key, child] of Object.entries(node)) {
    if (key === 'location' || key === 'errors' || key === 'comments' || typeof child !== 'object') continue;
    if (node.type === 'DictExpression' && key === 'elements' && Array.isArray(child)) {
      for (const entry of child) if (isJson(entry)) children.push(entry.key, entry.val);
    } else children.push(child);
  }
  return children;
}

function checkObjectProperties(properties: unknown[], at: Loc, found: FluxSyntaxError[]): void {
  let implicit = false;
  let explicit = false;
  for (const p of properties) {
    if (!isJson(p) || (Array.isArray(p.errors) && p.errors.length > 0)) continue;
    if (p.value === null || p.value === undefined) {
      implicit = true;
      if (isJson(p.key) && p.key.type === 'StringLiteral') {
        found.push({ message: `string literal key ${String(p.key.value)} must have a value`, loc: at });
      }
    } else explicit = true;
  }
  if (implicit && explicit) found.push({ message: 'cannot mix implicit and explicit properties', loc: at });
}

function locOf(node: Json): Loc {
  const l = node.location;
  if (isJson(l) && isJson(l.start) && isJson(l.end)) {
    return {
      start: { line: Number(l.start.line), column: Number(l.start.column) },
      end: { line: Number(l.end.line), column: Number(l.end.column) },
    };
  }
  return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
