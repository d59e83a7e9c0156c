/**
 * Loads the real Flux parser (`@influxdata/flux-lsp-browser`, a wasm-bindgen "bundler" build) into Node.
 * The package only works through a bundler, so its glue is rewritten into a CommonJS-style function and
 * the wasm is instantiated synchronously (see reference/stack-notes.md section 2). Loaded once, lazily.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

interface FluxWasm {
  parse(source: string): unknown;
  /** Parse plus the semantic check (unknown functions and packages fail); a boolean, no messages. */
  isValidFlux(source: string): boolean;
}

/** The slice of the WebAssembly global used here (tsconfig's lib has no WebAssembly typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}

let loaded: FluxWasm | undefined;

export function fluxWasm(): FluxWasm {
  if (!loaded) loaded = load();
  return loaded;
}

function load(): FluxWasm {
  const glueFile = require.resolve('@influxdata/flux-lsp-browser/flux-lsp-browser_bg.js');
  const wasmFile = path.join(path.dirname(glueFile), 'flux-lsp-browser_bg.wasm');
  let text = fs.readFileSync(glueFile, 'utf8');
  const names: string[] = [];
  text = text.replace(/^import \* as wasm from ['"][^'"]+['"];?/m, 'let wasm;');
  text = text.replace(/^export (function|class) ([A-Za-z0-9_$]+)/gm, (_m, kind: string, name: string) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  // The glue caches views of wasm memory at top level; that must wait until the instance exists.
  const topLevelCache = /^cached\w+Memory0 = new \w+\(wasm\.memory\.buffer\);$/gm;
  const cacheLines = text.match(topLevelCache) ?? [];
  text = text.replace(topLevelCache, '');
  const wrapper =
    `(function (module, require) {\n${text}\n` +
    `return { ${names.join(', ')}, __init(exports) { wasm = exports; ${cacheLines.join(' ')} } };\n})`;
  const factory: unknown = vm.runInThisContext(wrapper, { filename: glueFile });
  if (typeof factory !== 'function') throw new Error('flux-lsp-browser glue did not evaluate to a function');
  const glue = factory({ require }, require) as Record<string, unknown> & { __init(e: Record<string, unknown>): void };
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(new wasm.Module(fs.readFileSync(wasmFile)), { './flux-lsp-browser_bg.js': glue });
  glue.__init(instance.exports);
  const { parse, is_valid_flux: isValid } = glue;
  if (typeof parse !== 'function' || typeof isValid !== 'function') {
    throw new Error('flux-lsp-browser has no parse() or is_valid_flux()');
  }
  return {
    parse: (source: string) => parse(source) as unknown,
    isValidFlux: (source: string) => isValid(source) === true,
  };
}
