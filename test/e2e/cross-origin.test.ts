/**
 * `iot-center start` as `npm start` starts it, probed as a web page of another site would probe it: no CORS
 * allowance anywhere, preflights and cross-site writes refused, a foreign Host refused (DNS rebinding), and
 * the device API closed to anyone without the provisioning key.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli';
import { startStack, type TestStack } from '../support/stack';

const OTHER = 'http://other.example';

describe('iot-center start: other origins get nothing', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let editorUrl: string;
  let emulatorUrl: string;
  let key: string;

  before(async () => {
    stack = await startStack('cross-origin');
    editorUrl = stack.editorUrl;
    [, emulatorUrl] = stack.cli.output().match(/the emulator at (http:\/\/\S+) /) ?? [];
    key = fs.readFileSync(path.join(stack.dir, 'provisioning-key'), 'utf8').trim();
  });

  after(() => stack?.stop());

  for (const route of ['/flows', '/settings', '/api/env/x', '/api/devices', '/ui/']) {
    it(`answers no CORS allowance for ${route} to a request from another origin`, async () => {
      const response = await fetch(`${editorUrl}${route}`, { headers: { Origin: OTHER } });
      assert.equal(response.status, 403);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      assert.match(((await response.json()) as { message: string }).message, /cross-origin requests are not allowed/);
    });
  }

  it('answers its own pages without any CORS header either', async () => {
    const response = await fetch(`${editorUrl}/flows`);
    assert.equal(response.status, 200);
    const cors: string[] = [];
    response.headers.forEach((_value, name) => name.startsWith('access-control-') && cors.push(name));
    assert.deepEqual(cors, []);
  });

  for (const route of ['/api/v2/buckets', '/api/v2/query', '/api/v2/write', '/health']) {
    it(`the emulator answers no CORS allowance for ${route}`, async () => {
      const response = await fetch(`${emulatorUrl}${route}`, { headers: { Origin: OTHER } });
      assert.equal(response.headers.get('access-control-allow-origin'), null);
    });
  }

  it('refuses the preflight of a cross-origin POST /flows', async () => {
    const response = await fetch(`${editorUrl}/flows`, {
      method: 'OPTIONS',
      headers: {
        Origin: OTHER,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal(response.headers.get('access-control-allow-methods'), null);
  });

  it('refuses a cross-site POST /flows that needs no preflight (a form post), and deploys nothing', async () => {
    const before = await (await fetch(`${editorUrl}/flows`)).text();
    const attempts: Array<Record<string, string>> = [
      { Origin: OTHER, 'Content-Type': 'application/x-www-form-urlencoded' },
      { Origin: 'null', 'Content-Type': 'text/plain' },
      // A browser that sends no Origin still says where the request comes from.
      { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Content-Type': 'text/plain' },
      { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Content-Type': 'text/plain' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${editorUrl}/flows`, {
        method: 'POST',
        headers,
        body: '[{"id":"x","type":"tab"}]',
      });
      assert.equal(response.status, 403, JSON.stringify(headers));
    }
    assert.equal(await (await fetch(`${editorUrl}/flows`)).text(), before);
  });

  it('refuses a request whose Host is not one of its names (DNS rebinding)', async () => {
    const status = await rawGet(editorUrl, '/flows', { Host: 'attacker.example:1880' });
    assert.equal(status, 403);
  });

  it('answers a Host of localhost or 127.0.0.1, and a link followed from another site', async () => {
    const port = new URL(editorUrl).port;
    assert.equal(await rawGet(editorUrl, '/settings', { Host: `localhost:${port}` }), 200);
    assert.equal(await rawGet(editorUrl, '/settings', { Host: `127.0.0.1:${port}` }), 200);
    const navigation = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };
    assert.equal(await rawGet(editorUrl, '/ui/', navigation), 200);
  });

  it('refuses a WebSocket to the editor from another origin, and accepts its own', async () => {
    const port = new URL(editorUrl).port;
    assert.equal(await upgradeStatus(editorUrl, '/comms', OTHER), 403);
    assert.equal(await upgradeStatus(editorUrl, '/comms', `http://127.0.0.1:${port}`), 101);
  });

  it('keeps the device API closed without the provisioning key', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer wrong-key-of-the-right-length-000000000000' },
    ];
    for (const headers of attempts) {
      const env = await fetch(`${editorUrl}/api/env/intruder`, { headers });
      assert.equal(env.status, 401);
      assert.match(env.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal((await fetch(`${editorUrl}/api/devices`, { headers })).status, 401);
      assert.equal((await fetch(`${editorUrl}/api/devices/intruder`, { method: 'DELETE', headers })).status, 401);
    }
    const list = (await (
      await fetch(`${editorUrl}/api/devices`, { headers: { Authorization: `Bearer ${key}` } })
    ).json()) as Array<{ deviceId: string }>;
    assert.ok(!list.some((d) => d.deviceId === 'intruder'), 'no device was registered');
  });

  it('with the key, ?register=false only reads: an unknown device stays unregistered', async () => {
    const auth = { Authorization: `Bearer ${key}` };
    const response = await fetch(`${editorUrl}/api/env/read-only-probe?register=false`, { headers: auth });
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), { id: 'read-only-probe', registered: false });
    const list = (await (await fetch(`${editorUrl}/api/devices`, { headers: auth })).json()) as Array<{
      deviceId: string;
    }>;
    assert.ok(!list.some((d) => d.deviceId === 'read-only-probe'));
  });

  it('keeps its secrets in owner-only files: credential secret, settings, provisioning key, device tokens', () => {
    const files = [
      path.join(stack.dir, 'node-red', '.credential-secret'),
      path.join(stack.dir, 'node-red', 'settings.js'),
      path.join(stack.dir, 'provisioning-key'),
      path.join(stack.dir, 'admin-token'),
    ];
    for (const file of files) assert.equal(fs.statSync(file).mode & 0o077, 0, `${file} is owner-only`);
    const settings = fs.readFileSync(path.join(stack.dir, 'node-red', 'settings.js'), 'utf8');
    assert.match(settings, /credentialSecret: secret/);
    assert.doesNotMatch(settings, /credentialSecret": false/);
  });
});

/** A GET with headers fetch() will not let a caller set (Host). */
function rawGet(base: string, route: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(route, base);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

/** The status of a WebSocket handshake (101 when accepted). */
function upgradeStatus(base: string, route: string, origin: string): Promise<number> {
  const url = new URL(route, base);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        Origin: origin,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('iot-center start --host beyond loopback', function () {
  this.timeout(180_000);
  const password = 'correct horse battery staple';

  it('refuses to start without an editor login, and says how to set one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-exposed-'));
    try {
      const cli = runCli(['start', '--host', '0.0.0.0', '--dir', dir], {
        INFLUX_URL: '',
        IOT_CENTER_ADMIN_PASSWORD: '',
      });
      assert.equal(await cli.exited(), 1);
      assert.match(cli.output(), /--host 0\.0\.0\.0 makes Node-RED reachable from other machines/);
      assert.match(cli.output(), /IOT_CENTER_ADMIN_PASSWORD=.*--admin-user admin/);
      const short = runCli(['start', '--host', '0.0.0.0', '--admin-user', 'admin', '--dir', dir], {
        INFLUX_URL: '',
        IOT_CENTER_ADMIN_PASSWORD: 'short',
      });
      assert.equal(await short.exited(), 1);
      assert.match(short.output(), /at least 12 characters/);
      assert.ok(!fs.existsSync(path.join(dir, 'node-red')), 'nothing was started');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with --admin-user', () => {
    let stack: TestStack;
    let key: string;

    before(async () => {
      stack = await startStack('exposed', ['--host', '0.0.0.0', '--admin-user', 'admin'], {
        IOT_CENTER_ADMIN_PASSWORD: password,
      });
      key = fs.readFileSync(path.join(stack.dir, 'provisioning-key'), 'utf8').trim();
    });

    after(() => stack?.stop());

    it('asks for the login in the editor, and the login works', async () => {
      assert.equal((await fetch(`${stack.editorUrl}/flows`)).status, 401);
      const login = await fetch(`${stack.editorUrl}/auth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          client_id: 'node-red-admin',
          grant_type: 'password',
          scope: '*',
          username: 'admin',
          password,
        }),
      });
      assert.equal(login.status, 200);
      const { access_token: token } = (await login.json()) as { access_token: string };
      assert.equal(
        (await fetch(`${stack.editorUrl}/flows`, { headers: { Authorization: `Bearer ${token}` } })).status,
        200,
      );
    });

    it('asks for the same login on the dashboard', async () => {
      assert.equal((await fetch(`${stack.editorUrl}/ui/`)).status, 401);
      const basic = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
      assert.equal((await fetch(`${stack.editorUrl}/ui/`, { headers: { Authorization: basic } })).status, 200);
      const wrong = `Basic ${Buffer.from('admin:not the password').toString('base64')}`;
      assert.equal((await fetch(`${stack.editorUrl}/ui/`, { headers: { Authorization: wrong } })).status, 401);
    });

    it('lets devices reach the device API with the provisioning key alone', async () => {
      const response = await fetch(`${stack.editorUrl}/api/env/exposed-device`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { id: string }).id, 'exposed-device');
    });
  });
});
