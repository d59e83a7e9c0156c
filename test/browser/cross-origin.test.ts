/**
 * A web page of another origin, opened in real Chromium while `iot-center start` runs, tries what an attacker's
 * page would: read the flows, deploy a flow (with and without a preflight), read the device list, open the
 * editor's WebSocket. Every attempt fails in the browser, and the flows are unchanged.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium, type TestBrowser } from './support/browser';
import { startStack, type TestStack } from '../support/stack';

/** Runs in the foreign page: each attempt resolves to what the page could learn. */
const ATTACK = `
async function attempt(run) {
  try { return 'succeeded: ' + (await run()); } catch (e) { return 'failed: ' + e.name; }
}
async function attack(app) {
  const flow = JSON.stringify([{ id: 'evil', type: 'tab', label: 'evil' }]);
  return {
    readFlows: await attempt(async () => (await fetch(app + '/flows')).status),
    deployJson: await attempt(async () =>
      (await fetch(app + '/flows', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: flow })).status),
    deployNoCors: await attempt(async () =>
      (await fetch(app + '/flows', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: flow })).type),
    listDevices: await attempt(async () => (await fetch(app + '/api/devices')).status),
    websocket: await new Promise((resolve) => {
      const ws = new WebSocket(app.replace('http', 'ws') + '/comms');
      ws.onopen = () => { ws.close(); resolve('succeeded: open'); };
      ws.onerror = () => resolve('failed: error');
    }),
  };
}`;

describe('a page of another origin against the running app (Chromium)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let browser: TestBrowser;
  let foreign: http.Server;
  let foreignUrl: string;

  before(async () => {
    stack = await startStack('cross-origin-browser');
    browser = await launchChromium();
    foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>another site</title><script>${ATTACK}</script>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  });

  after(async () => {
    await browser?.close();
    foreign?.close();
    await stack?.stop();
  });

  it('can neither read nor change anything, and the flows stay as they were', async () => {
    const flowsBefore = await (await fetch(`${stack.editorUrl}/flows`)).text();
    const page = await browser.context.newPage();
    await page.goto(foreignUrl);
    const results = (await page.evaluate(`attack(${JSON.stringify(stack.editorUrl)})`)) as Record<string, string>;
    assert.deepEqual(results, {
      readFlows: 'failed: TypeError',
      deployJson: 'failed: TypeError',
      // An opaque answer is all a no-cors request ever gets; the server refused it (checked below).
      deployNoCors: 'succeeded: opaque',
      listDevices: 'failed: TypeError',
      websocket: 'failed: error',
    });
    assert.equal(await (await fetch(`${stack.editorUrl}/flows`)).text(), flowsBefore);
  });
});
