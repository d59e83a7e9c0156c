/**
 * Loads the real Flux parser (`@influxdata/flux-lsp-browser`, a wasm-bindgen "bundler" build) into Node.
 * The package only works through a bundler, so its glue is rewritten into a CommonJS-style function and
 * the wasm is instantiated synchronously (see reference/stack-notes.md section 2). Compiled once, lazily;
 * an instance whose call trapped is replaced by a fresh one.
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
let compiled: { factory: GlueFactory; module: object } | undefined;

type Glue = Record<string, unknown> & { __init(e: Record<string, unknown>): void };
type GlueFactory = (module: { require: NodeJS.Require }, require: NodeJS.Require) => Glue;

/**
 * The wasm call trapped (e.g. the parser's stack, which lives in wasm memory, overflowed on a deeply
 * nested script). The instance it ran in is discarded: its stack pointer and allocator are left
 * mid-call, and every later call into it would fail too.
 */
export class FluxWasmTrap extends Error {
  constructor(cause: unknown) {
    super(`the Flux parser failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'FluxWasmTrap';
  }
}

export function fluxWasm(): FluxWasm {
  if (!loaded) loaded = instantiate();
  return loaded;
}

/** Runs a call on the current instance; if it throws, the instance is dropped and the next call gets a fresh one. */
function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    loaded = undefined;
    throw new FluxWasmTrap(e);
  }
}

/** A fresh glue and wasm instance (the code is read, rewritten and compiled only once). */
function instantiate(): FluxWasm {
  compiled ??= compile();
  const glue = compiled.factory({ require }, require);
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const instance = new wasm.Instance(compiled.module, { './flux-lsp-browser_bg.js': glue });
  glue.__init(instance.exports);
  const { parse, is_valid_flux: isValid } = glue;
  if (typeof parse !== 'function' || typeof isValid !== 'function') {
    throw new Error('flux-lsp-browser has no parse() or is_valid_flux()');
  }
  return {
    parse: (source: string) => guarded(() => parse(source) as unknown),
    isValidFlux: (source: string) => guarded(() => isValid(source) === true),
  };
}

function compile(): { factory: GlueFactory; module: object } {
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
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  return { factory: factory as GlueFactory, module: new wasm.Module(fs.readFileSync(wasmFile)) };
}
