/**
 * The real Flux language service (`@influxdata/flux-lsp-browser`, loaded by the emulator's parser module)
 * for tests of the query presets: `is_valid_flux` (parse + semantic check: unknown functions and packages
 * fail) and the AST from `parse`.
 */
import { fluxWasm } from '../../emulator/flux/parser/flux-wasm';

export function isValidFlux(source: string): boolean {
  return fluxWasm().isValidFlux(source);
}

export type AstNode = { [key: string]: unknown };

export function parseFluxAst(source: string): AstNode {
  const ast = fluxWasm().parse(source);
  if (!isNode(ast)) throw new Error('the Flux parser returned no file node');
  return ast;
}

/** Syntax errors the parser attached to the tree (it never throws): `errors[]` and bad nodes. */
export function syntaxErrors(source: string): string[] {
  const found: string[] = [];
  for (const node of allNodes(parseFluxAst(source))) {
    if (Array.isArray(node.errors)) for (const e of node.errors) found.push(isNode(e) ? String(e.msg) : String(e));
    if (node.type === 'BadExpression' || node.type === 'BadStatement') found.push(`bad node: ${String(node.text)}`);
  }
  return found;
}

/** Every function called, by name as written: `from`, `v1.fieldsAsCols`. */
export function calledFunctions(source: string): string[] {
  const names: string[] = [];
  for (const node of allNodes(parseFluxAst(source))) {
    // A call in a pipe (`|> last()`) comes without a `type`; every call has a `callee`.
    if (!isNode(node.callee)) continue;
    const callee = node.callee;
    if (callee.type === 'Identifier') names.push(String(callee.name));
    else if (callee.type === 'MemberExpression' && isNode(callee.object) && isNode(callee.property)) {
      names.push(`${String(callee.object.name)}.${String(callee.property.name)}`);
    } else names.push(`<${String(callee.type)}>`);
  }
  return names;
}

/** The values of all string literals in the source, in tree order. */
export function stringLiterals(source: string): string[] {
  const values: string[] = [];
  for (const node of allNodes(parseFluxAst(source))) {
    if (node.type === 'StringLiteral' && typeof node.value === 'string') values.push(node.value);
  }
  return values;
}

export function* allNodes(root: unknown): Generator<AstNode> {
  if (Array.isArray(root)) {
    for (const child of root) yield* allNodes(child);
    return;
  }
  if (!isNode(root)) return;
  yield root;
  for (const [key, child] of Object.entries(root)) {
    if (key !== 'location' && typeof child === 'object') yield* allNodes(child);
  }
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
