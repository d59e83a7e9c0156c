/**
 * Token hygiene, end to end: the example flow runs as `npm start` runs it, a device registers through the
 * device API, is read, refused, rotated out and removed, while everything the editor's debug sidebar and
 * status bar receive is recorded. No device token (nor the admin token) appears in the Node-RED log, the
 * flows file, the credentials file, the exported flows, the debug and status messages or error answers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startStack, type TestStack } from '../support/stack';

describe('token hygiene of the running example flow', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let key: string;
  let adminToken: string;
  let comms: WebSocket;
  const editorTraffic: string[] = [];

  before(async () => {
    stack = await startStack('tokens');
    key = fs.readFileSync(path.join(stack.dir, 'provisioning-key'), 'utf8').trim();
    adminToken = fs.readFileSync(path.join(stack.dir, 'admin-token'), 'utf8').trim();
    comms = new WebSocket(`${stack.editorUrl.replace('http', 'ws')}/comms`);
    await new Promise<void>((resolve, reject) => {
      comms.once('open', () => resolve());
      comms.once('error', reject);
    });
    comms.on('message', (data) => editorTraffic.push(String(data)));
    for (const topic of ['debug', 'status/#', 'notification/#']) comms.send(JSON.stringify({ subscribe: topic }));
  });

  after(async () => {
    comms?.close();
    await stack?.stop();
  });

  it('never shows a device token outside the answer that hands it to its device', async () => {
    const auth = { Authorization: `Bearer ${key}` };
    const api = (route: string, init: RequestInit = {}) =>
      fetch(`${stack.editorUrl}${route}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
    const tokens: string[] = [];
    for (const id of ['hygiene-1', 'hygiene-2']) {
      const config = (await (await api(`/api/env/${id}`)).json()) as { influx_token: string };
      assert.equal(typeof config.influx_token, 'string');
      tokens.push(config.influx_token);
    }
    // Errors on the way: an invalid id, an unknown device read-only, a device removed twice.
    assert.equal((await api('/api/env/%20padded')).status, 400);
    assert.equal((await api('/api/env/unknown?register=false')).status, 403);
    const errorAnswer = await (await api('/api/env/%20padded')).text();
    assert.equal((await api('/api/devices/hygiene-2', { method: 'DELETE' })).status, 204);
    assert.equal((await api('/api/devices/hygiene-2', { method: 'DELETE' })).status, 404);
    const list = await (await api('/api/devices')).text();
    const exported = await (await fetch(`${stack.editorUrl}/flows`)).text();
    // Let the flow's own nodes (virtual device, dashboard queries) run and report for a moment.
    await new Promise((r) => setTimeout(r, 3000));

    const nodeRed = path.join(stack.dir, 'node-red');
    const places: Record<string, string> = {
      'Node-RED log': fs.readFileSync(path.join(nodeRed, 'node-red.log'), 'utf8'),
      'flows file': fs.readFileSync(path.join(nodeRed, 'flows.json'), 'utf8'),
      'credentials file': readIfThere(path.join(nodeRed, 'flows_cred.json')),
      'exported flows': exported,
      'debug and status messages': editorTraffic.join('\n'),
      'error answer': errorAnswer,
      'device list': list,
      'start output': stack.cli.output(),
    };
    assert.ok(editorTraffic.length > 0, 'the editor received status messages');
    // Tokens are kept where they must be (newer InfluxDB never shows them again): an owner-only file.
    const store = path.join(nodeRed, '.iot-center', 'device-tokens.json');
    assert.equal(fs.statSync(store).mode & 0o077, 0, `${store} is owner-only`);
    for (const [where, text] of Object.entries(places)) {
      for (const token of [...tokens, adminToken]) assert.ok(!text.includes(token), `a token is in the ${where}`);
    }
  });
});

function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
