/**
 * The real Flux language service (`@influxdata/flux-lsp-browser`) for tests of the query presets:
 * `is_valid_flux` (parse + semantic check: unknown functions and packages fail) and the AST from `parse`.
 * The package is a wasm-bindgen "bundler" build, so its glue is rewritten to a function and the wasm is
 * instantiated synchronously (reference/stack-notes.md section 2). Loaded once, on first use.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

interface FluxService {
  parse(source: string): unknown;
  is_valid_flux(source: string): boolean;
}

/** The part of the WebAssembly global used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

let service: FluxService | undefined;

function fluxService(): FluxService {
  if (!service) service = load();
  return service;
}

export function isValidFlux(source: string): boolean {
  return fluxService().is_valid_flux(source);
}

export type AstNode = { [key: string]: unknown };

export function parseFluxAst(source: string): AstNode {
  const ast = fluxService().parse(source);
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

function load(): FluxService {
  const glueFile = require.resolve('@influxdata/flux-lsp-browser/flux-lsp-browser_bg.js');
  const wasmFile = path.join(path.dirname(glueFile), 'flux-lsp-browser_bg.wasm');
  let text = fs.readFileSync(glueFile, 'utf8');
  const names: string[] = [];
  text = text.replace(/^import \* as wasm from ['"][^'"]+['"];?/m, 'let wasm;');
  text = text.replace(/^export (function|class) ([A-Za-z0-9_$]+)/gm, (_m, kind: string, name: string) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  // The glue caches views of wasm memory at top level; that has to wait until the instance exists.
  const topLevelCache = /^cached\w+Memory0 = new \w+\(wasm\.memory\.buffer\);$/gm;
  const cacheLines = text.match(topLevelCache) ?? [];
  text = text.replace(topLevelCache, '');
  const wrapper =
    `(function (module, require) {\n${text}\n` +
    `return { ${names.join(', ')}, __init(exports) { wasm = exports; ${cacheLines.join(' ')} } };\n})`;
  const factory: unknown = vm.runInThisContext(wrapper, { filename: glueFile });
  if (typeof factory !== 'function') throw new Error('flux-lsp-browser glue did not evaluate to a function');
  const glue = factory({ require }, require) as Record<string, unknown> & { __init(e: unknown): void };
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(fs.readFileSync(wasmFile)), { './flux-lsp-browser_bg.js': glue });
  glue.__init(instance.exports);
  const { parse, is_valid_flux } = glue;
  if (typeof parse !== 'function' || typeof is_valid_flux !== 'function') {
    throw new Error('flux-lsp-browser has no parse() or is_valid_flux()');
  }
  return {
    parse: (source: string) => parse(source) as unknown,
    is_valid_flux: (source: string) => is_valid_flux(source) === true,
  };
}
