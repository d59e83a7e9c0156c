/**
 * Collects the syntax errors of a parsed file the way Flux's `ast::check` does: `errors` carried by any
 * node, `BadStatement`/`BadExpression` nodes, and objects that mix `{a}` with `{a: 1}`. The parser never
 * throws, so this walk is the only way to know a script is malformed.
 */
import type { Loc } from './ast';
import { formatLoc } from './ast';

export interface FluxSyntaxError {
  message: string;
  loc: Loc;
}

type Json = { [key: string]: unknown };

export function collectSyntaxErrors(root: unknown): FluxSyntaxError[] {
  const found: FluxSyntaxError[] = [];
  walk(root, found);
  return found;
}

/** The message InfluxDB returns for a script that does not parse. */
export function describeSyntaxErrors(found: FluxSyntaxError[]): string {
  return 'compilation failed: ' + found.map((e) => `error ${formatLoc(e.loc)}: ${e.message}`).join('\n\n');
}

function walk(node: unknown, found: FluxSyntaxError[]): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, found);
    return;
  }
  if (!isJson(node)) return;
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
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'location' && key !== 'errors' && typeof child === 'object') walk(child, found);
  }
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
