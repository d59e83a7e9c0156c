/**
 * The Node-RED editor in Debian's Chromium: our palette, and the iot-query dialog's Flux editor (Monaco
 * + the Flux language server in a Web Worker) against Node-RED 4 running the built package and an
 * onboarded emulator. Screenshots of failures go to test-artifacts/; UPDATE_DOCS_SCREENSHOTS=1 also
 * refreshes docs/flux-editor.png.
 */
import { OUR_TYPES } from '../support/examples';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type Onboarded, startOnboarded } from '../support/emulator';
import {
  ARTIFACTS,
  launchChromium,
  type PageProblems,
  saveScreenshot,
  type TestBrowser,
  watchPage,
} from './support/browser';
import { ensureBuilt, PACKAGE_ROOT } from './support/build';
import { closeNodeDialog, type EditorGlobals, openEditor, openNodeDialog, widenDialog } from './support/editor-page';
import {
  FLUX_EDITOR,
  fluxValue,
  type MonacoGlobals,
  setFluxValue,
  suggestion,
  waitForFluxEditor,
  waitForMarker,
} from './support/flux-editor';
import { type FlowNode, startTestNodeRed, type TestNodeRed } from './support/node-red';

const QUERY = 'query';
const INITIAL_FLUX =
  'from(bucket: "my-bucket")\n  |> range(start: -1h)\n  |> filter(fn: (r) => r._measurement == "environment")\n';

function testFlow(influx: Onboarded): FlowNode[] {
  return [
    { id: 'tab', type: 'tab', label: 'Flux editor' },
    {
      id: 'influx',
      type: 'iot-influxdb',
      url: influx.emulator.url,
      org: influx.org,
      bucket: influx.bucket,
      timeout: 10,
      rejectUnauthorized: true,
      caFile: '',
      tokenSource: 'env',
      tokenEnv: 'INFLUX_TOKEN',
      healthInterval: 0,
    },
    {
      id: QUERY,
      type: 'iot-query',
      z: 'tab',
      x: 220,
      y: 120,
      name: '',
      influxdb: 'influx',
      source: 'flux',
      flux: INITIAL_FLUX,
      format: 'rows',
      wires: [[]],
    },
  ];
}

async function onboardWithData(): Promise<Onboarded> {
  const influx = await startOnboarded();
  const write = influx.influx.getWriteApi(influx.org, influx.bucket, 's');
  const now = Math.floor(Date.now() / 1000);
  write.writeRecords([
    `environment,clientId=dev1 Temperature=21.5,Humidity=40.5 ${now - 60}`,
    `environment,clientId=dev2 Temperature=23.25 ${now - 30}`,
  ]);
  await write.close();
  return influx;
}

/** Node-RED + emulator + Chromium for one describe block; `page` is the editor with the test flow. */
function useEditor(options: { codeEditor?: 'monaco' | 'ace' } = {}) {
  const env = {} as { influx: Onboarded; red: TestNodeRed; browser: TestBrowser; page: Page; problems: PageProblems };
  before(async function () {
    this.timeout(180_000);
    ensureBuilt();
    env.influx = await onboardWithData();
    env.red = await startTestNodeRed({ env: { INFLUX_TOKEN: env.influx.token }, codeEditor: options.codeEditor });
    await env.red.deploy(testFlow(env.influx));
    env.browser = await launchChromium();
    env.page = await env.browser.context.newPage();
    env.problems = watchPage(env.page);
    await openEditor(env.page, env.red.url, QUERY);
  });
  beforeEach(function () {
    if (env.problems) env.problems.phase = this.currentTest?.title ?? '';
  });
  afterEach(async function () {
    if (!env.page) return;
    if (this.currentTest?.state === 'failed') await saveScreenshot(env.page, `editor-${this.currentTest.title}`);
    if (await env.page.$('.red-ui-tray #dialog-form')) await closeNodeDialog(env.page, 'cancel');
  });
  after(async function () {
    this.timeout(60_000);
    await env.browser?.close();
    await env.red?.stop();
    await env.influx?.emulator.close();
  });
  return env;
}

describe('iot-query Flux editor in Chromium', function () {
  this.timeout(60_000);
  const env = useEditor();

  it('shows the IoT Center nodes in the palette and registers the config node', async () => {
    const types = await env.page.$$eval('#red-ui-palette-IoT_Center .red-ui-palette-node', (nodes) =>
      nodes.map((n) => n.getAttribute('data-palette-type')),
    );
    assert.deepEqual(
      [...types].sort(),
      OUR_TYPES.filter((t) => t !== 'iot-influxdb').sort(),
      'every node of package.json but the config node',
    );
    const configCategory = await env.page.evaluate(
      () => (globalThis as unknown as EditorGlobals).RED.nodes.getType('iot-influxdb')?.category,
    );
    assert.equal(configCategory, 'config');
  });

  it('opens the dialog with the Flux editor and colours the query', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    assert.equal(await fluxValue(env.page), INITIAL_FLUX);
    // Monaco renders tokens as spans with mtkN colour classes (after tokenizing, in the background).
    // (No helper functions inside page functions: tsx would wrap them in a __name() the page lacks.)
    const classOf = await env.page.waitForFunction((selector) => {
      const found: Record<string, string> = {};
      for (const span of Array.from(document.querySelectorAll(selector))) {
        const text = span.textContent ?? '';
        if (['|>', '"my-bucket"', '1h', 'range'].includes(text)) found[text] = span.className;
      }
      return found['"my-bucket"'] && found['1h'] && found['|>'] && found.range ? found : false;
    }, `${FLUX_EDITOR} .view-line span span`);
    const classes = (await classOf.jsonValue()) as Record<string, string>;
    assert.equal(
      new Set(Object.values(classes)).size,
      4,
      `pipe, string, duration and call coloured alike: ${JSON.stringify(classes)}`,
    );
  });

  it('offers range when typing |> ra', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await widenDialog(env.page, 250);
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> filter(fn: (r) => r.clientId == devId)');
    await env.page.keyboard.press('Enter');
    await env.page.keyboard.type('|> ra');
    await suggestion(env.page, 'range').waitFor({ timeout: 20_000 });
    // The README's picture: the popup, and the marker of the line above.
    await waitForMarker(env.page, 'flux', /undefined identifier devId/);
    await env.page.waitForSelector(`${FLUX_EDITOR} .squiggly-error`);
    const shot = await env.page.locator('.red-ui-tray').screenshot({ path: path.join(ARTIFACTS, 'flux-editor.png') });
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1')
      fs.writeFileSync(path.join(PACKAGE_ROOT, 'docs', 'flux-editor.png'), shot);
  });

  it('offers the functions a pipe can call after |> and Ctrl+Space (the server alone offers only words)', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> ');
    await env.page.keyboard.press('Control+Space');
    await suggestion(env.page, 'aggregateWindow').waitFor({ timeout: 20_000 });
    await env.page.keyboard.type('filt');
    await suggestion(env.page, 'filter').waitFor();
  });

  it('shows a long inferred type one member per line in the hover', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> aggregateWindow(every: 1m, fn: mean)\n');
    await env.page.locator(`${FLUX_EDITOR} .view-line span span`, { hasText: /^aggregateWindow$/ }).hover();
    const hover = env.page.locator('.monaco-hover-content', { hasText: 'every:' });
    await hover.waitFor({ timeout: 20_000 });
    const lines = (await hover.innerText()).split('\n');
    assert.ok(lines.length > 3, `the type is broken into lines: ${lines.join(' / ')}`);
    for (const line of lines) assert.ok(line.length <= 100, `a line of ${line.length} characters: ${line}`);
  });

  it('grows the editor with the dialog, wraps long lines, and has a full-screen mode that Esc leaves', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    const editorHeight = () =>
      env.page.locator('#node-input-flux-editor').evaluate((e) => e.getBoundingClientRect().height);
    const tray = () => env.page.locator('.red-ui-tray').evaluate((e) => e.getBoundingClientRect().height);
    const [own, whole] = [await editorHeight(), await tray()];
    assert.ok(own >= whole * 0.35, `the editor takes a good part of the dialog: ${own} of ${whole} px`);
    const viewport = env.page.viewportSize() ?? { width: 1400, height: 900 };
    await env.page.setViewportSize({ width: viewport.width, height: viewport.height + 300 });
    try {
      await env.page.waitForFunction(
        (before) =>
          (document.querySelector('#node-input-flux-editor')?.getBoundingClientRect().height ?? 0) > before + 100,
        own,
      );
    } finally {
      await env.page.setViewportSize(viewport);
    }
    const wrap = await env.page.evaluate(() => {
      const { monaco } = globalThis as unknown as MonacoGlobals;
      const editor = monaco.editor.getEditors().find((e) => e.getModel()?.getLanguageId() === 'flux');
      return editor?.getRawOptions().wordWrap;
    });
    assert.equal(wrap, 'on');
    await env.page.click('.iot-query-flux-expand');
    await env.page.waitForFunction(
      (h) => (document.querySelector('#node-input-flux-editor')?.getBoundingClientRect().height ?? 0) > h * 0.6,
      viewport.height,
    );
    await env.page.keyboard.press('Escape');
    await env.page.waitForFunction(() => !document.querySelector('.iot-query-flux-fullscreen'));
    assert.ok(await env.page.locator('.red-ui-tray').isVisible(), 'Esc left full screen, not the dialog');
  });

  it('marks an undefined identifier with a flux marker', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> range(start: -1h)\n  |> frobnicate()\n');
    const marker = await waitForMarker(env.page, 'flux', /undefined identifier frobnicate/);
    assert.deepEqual([marker.startLineNumber, marker.startColumn], [3, 6]);
    await env.page.waitForSelector(`${FLUX_EDITOR} .squiggly-error`);
  });

  it('shows the signature of a function under the mouse', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> range(start: -1h)\n');
    await env.page.locator(`${FLUX_EDITOR} .view-line span span`, { hasText: /^range$/ }).hover();
    const hover = env.page.locator('.monaco-hover-content', { hasText: 'start:' });
    await hover.waitFor({ timeout: 20_000 });
    assert.match(await hover.innerText(), /stop/);
  });

  it('shows the parameters of the function being called', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> range(start: -1h)\n  |> aggregateWindow(every: 1m');
    await env.page.keyboard.type(', ');
    const hints = env.page.locator('.parameter-hints-widget.visible', { hasText: 'aggregateWindow(' });
    await hints.waitFor({ timeout: 20_000 });
    assert.match(await hints.innerText(), /fn/);
  });

  it('formats the query with the Format button', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket:"my-bucket")|>range(start:-1h)');
    await env.page.click('.iot-query-flux-format');
    await env.page.waitForFunction(() => {
      const { monaco } = globalThis as unknown as MonacoGlobals;
      return monaco.editor
        .getEditors()
        .some((e) => e.getValue() === 'from(bucket: "my-bucket") |> range(start: -1h)\n');
    });
  });

  it('completes measurements of the bucket inside a string', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(
      env.page,
      'from(bucket: "my-bucket")\n  |> range(start: -1h)\n  |> filter(fn: (r) => r._measurement == ',
    );
    await env.page.keyboard.type('"');
    await suggestion(env.page, 'environment').waitFor({ timeout: 20_000 });
  });

  it('completes tag values of the tag compared', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(
      env.page,
      'from(bucket: "my-bucket")\n  |> range(start: -1h)\n  |> filter(fn: (r) => r.clientId == ',
    );
    await env.page.keyboard.type('"');
    await suggestion(env.page, 'dev2').waitFor({ timeout: 20_000 });
  });

  it('runs the query and shows the rows from InfluxDB', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(
      env.page,
      'from(bucket: params.bucket)\n  |> range(start: -1h)\n  |> filter(fn: (r) => r.clientId == "dev2")\n',
    );
    await env.page.click('.iot-query-flux-run');
    await env.page.waitForSelector('.iot-query-flux-results[data-state="rows"]');
    const headers = await env.page.$$eval('.iot-query-flux-rows th', (cells) => cells.map((c) => c.textContent));
    const cells = await env.page.$$eval('.iot-query-flux-rows tbody tr td', (tds) => tds.map((c) => c.textContent));
    assert.ok(headers.includes('_value') && headers.includes('clientId'), headers.join(','));
    assert.equal(cells[headers.indexOf('_value')], '23.25');
    assert.equal(await env.page.locator('.iot-query-flux-rows tbody tr').count(), 1);
  });

  it("shows InfluxDB's error at its line when the query fails", async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    // params.* puts a record in front of the Flux; the error must still point at the line as written.
    await setFluxValue(env.page, 'from(bucket: params.bucket)\n  |> range(start: -1h)\n  |> last(column: 42)\n');
    await env.page.click('.iot-query-flux-run');
    await env.page.waitForSelector('.iot-query-flux-results[data-state="error"]');
    const text = await env.page.textContent('.iot-query-flux-error');
    assert.match(text ?? '', /^line 3, column \d+: /);
    const marker = await waitForMarker(env.page, 'flux-run', /.+/);
    assert.equal(marker.startLineNumber, 3);
  });

  it('keeps the edited query when the dialog is saved', async () => {
    const edited = 'from(bucket: "my-bucket")\n  |> range(start: -2h)\n  |> last()\n';
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, edited);
    await closeNodeDialog(env.page, 'save');
    const saved = await env.page.evaluate(
      (id) => (globalThis as unknown as EditorGlobals).RED.nodes.node(id)?.flux,
      QUERY,
    );
    assert.equal(saved, edited);
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    assert.equal(await fluxValue(env.page), edited);
  });

  it('gets the language server back after it panics, without page errors', async () => {
    await openNodeDialog(env.page, QUERY);
    await waitForFluxEditor(env.page, 'ready');
    // A URI without a path panics the server (the client never sends one; this test does, on purpose).
    await env.page.evaluate(() =>
      (globalThis as unknown as MonacoGlobals).IotCenterFlux.lsp().post({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri: 'inmemory://q.flux', languageId: 'flux', version: 1, text: 'x' } },
      }),
    );
    await env.page.waitForFunction(
      () => (globalThis as unknown as MonacoGlobals).IotCenterFlux.lsp().restarts === 1,
      undefined,
      { timeout: 20_000 },
    );
    await waitForFluxEditor(env.page, 'ready');
    await setFluxValue(env.page, 'from(bucket: "my-bucket")\n  |> afterPanic()\n');
    await waitForMarker(env.page, 'flux', /undefined identifier afterPanic/);
    assert.deepEqual(env.problems.errors, []);
  });

  it('leaves no console errors and no Monaco editors or models after closing', async () => {
    for (const how of ['save', 'cancel'] as const) {
      await openNodeDialog(env.page, QUERY);
      await waitForFluxEditor(env.page, 'ready');
      await setFluxValue(env.page, 'from(bucket: "my-bucket") |> range(start: -1h) |> nope()');
      await waitForMarker(env.page, 'flux', /undefined identifier nope/);
      await closeNodeDialog(env.page, how);
    }
    const left = await env.page.evaluate(() => {
      const { monaco } = globalThis as unknown as MonacoGlobals;
      return {
        editors: monaco.editor.getEditors().length,
        flux: monaco.editor.getModels().filter((m) => m.getLanguageId() === 'flux').length,
      };
    });
    assert.deepEqual(left, { editors: 0, flux: 0 });
    assert.deepEqual(env.problems.errors, []);
    assert.deepEqual(
      env.problems.warnings.filter((w) => /models left behind|disposed/i.test(w)),
      [],
    );
  });

  describe('when the language server cannot load', () => {
    it('has a plain Monaco editor with the Flux language and Run, without console errors', async () => {
      const page = await env.browser.context.newPage();
      const problems = watchPage(page);
      // A corrupt WASM (as from a broken proxy): compiling it fails inside the worker.
      await page.route('**/flux-lsp-browser_bg.wasm', (route) =>
        route.fulfill({ status: 200, contentType: 'application/wasm', body: 'not wasm' }),
      );
      await openEditor(page, env.red.url, QUERY);
      await openNodeDialog(page, QUERY);
      await waitForFluxEditor(page, 'unavailable');
      assert.equal(await page.locator('.iot-query-flux-format').isDisabled(), true);
      assert.equal(await fluxValue(page), INITIAL_FLUX);
      await page.waitForSelector(`${FLUX_EDITOR} .view-line`);
      assert.equal(await page.locator(`${FLUX_EDITOR} .squiggly-error`).count(), 0);
      await page.click('.iot-query-flux-run');
      await page.waitForSelector('.iot-query-flux-results[data-state="rows"]');
      await closeNodeDialog(page, 'cancel');
      assert.deepEqual(problems.errors, []);
      await page.close();
    });
  });
});

describe('iot-query Flux editor fallbacks in Chromium', function () {
  this.timeout(60_000);

  describe('with Ace chosen in the settings', () => {
    const env = useEditor({ codeEditor: 'ace' });

    it('has a plain editor that still runs the query, without console errors', async () => {
      await openNodeDialog(env.page, QUERY);
      await waitForFluxEditor(env.page, 'off');
      assert.equal(await env.page.locator('.iot-query-flux .ace_editor').count(), 1);
      assert.equal(await env.page.locator('.iot-query-flux-format').isVisible(), false);
      await env.page.click('.iot-query-flux-run');
      await env.page.waitForSelector('.iot-query-flux-results[data-state="rows"]');
      await closeNodeDialog(env.page, 'save');
      const saved = await env.page.evaluate(
        (id) => (globalThis as unknown as EditorGlobals).RED.nodes.node(id)?.flux,
        QUERY,
      );
      assert.equal(saved, INITIAL_FLUX);
      assert.deepEqual(env.problems.errors, []);
    });
  });
});
