import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

interface BuildScript {
  transformGlue(source: string): string;
  GLUE_MODULE: string;
}
interface LspServer {
  onMessage(callback: (message: string) => void): void;
  run(): Promise<unknown>;
  send(message: string): Promise<string | undefined>;
}
interface Glue {
  Lsp: new () => LspServer;
  __init(exports: WebAssembly.Exports): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../scripts/build-flux-lsp.js') as BuildScript;
const pkg = path.dirname(require.resolve('@influxdata/flux-lsp-browser/package.json'));
const quiet = { log() {}, info() {}, debug() {}, warn() {}, error() {} };

describe('flux language server build', () => {
  it('turns the bundler glue into a worker script whose server completes Flux', async () => {
    const source = build.transformGlue(fs.readFileSync(path.join(pkg, 'flux-lsp-browser_bg.js'), 'utf8'));
    const self: { createFluxLspGlue?: (console: typeof quiet) => Glue } = {};
    new Function('self', source)(self);
    const glue = (self.createFluxLspGlue as (console: typeof quiet) => Glue)(quiet);
    const wasm = await WebAssembly.instantiate(fs.readFileSync(path.join(pkg, 'flux-lsp-browser_bg.wasm')), {
      [build.GLUE_MODULE]: glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__init(wasm.instance.exports);
    const server = new glue.Lsp();
    server.onMessage(() => {});
    void server.run();
    const send = async (
      message: object,
    ): Promise<{ result?: { capabilities?: object; items?: Array<{ label: string }> } }> =>
      JSON.parse((await server.send(JSON.stringify({ jsonrpc: '2.0', ...message }))) ?? 'null');
    const init = await send({ id: 1, method: 'initialize', params: { capabilities: {} } });
    assert.ok(init.result?.capabilities && 'completionProvider' in init.result.capabilities);
    const uri = 'file:///iot-query/n1/query.flux';
    await server.send(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri, languageId: 'flux', version: 1, text: 'from(bucket: "b")\n  |> ra' } },
      }),
    );
    const completion = await send({
      id: 2,
      method: 'textDocument/completion',
      params: { textDocument: { uri }, position: { line: 1, character: 7 } },
    });
    assert.ok(completion.result?.items?.some((item) => item.label === 'range'));
  });

  it('refuses a glue that no longer has the shape the transform expects', () => {
    assert.throws(() => build.transformGlue('export function parse() {}'), /no longer imports the wasm/);
  });
});
