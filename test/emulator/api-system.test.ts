import assert from 'node:assert/strict';
import { HealthAPI, PingAPI, ReadyAPI } from '@influxdata/influxdb-client-apis';
import type { RunningEmulator } from '../../emulator';
import { clientFor, rawRequest, startTestEmulator } from '../support/emulator';

describe('emulator HTTP basics', () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());

  it('answers /ping with 204 and the OSS build and version headers (PingAPI)', async () => {
    let headers: Record<string, unknown> = {};
    let status = 0;
    await new PingAPI(clientFor(emulator)).getPing(undefined, {
      responseStarted: (h, s) => {
        headers = h;
        status = s ?? 0;
      },
    });
    assert.equal(status, 204);
    assert.equal(headers['x-influxdb-build'], 'OSS');
    assert.equal(headers['x-influxdb-version'], 'v2.7.12');
  });

  it('answers HEAD /ping with 204 and no body', async () => {
    const res = await rawRequest(`${emulator.url}/ping`, { method: 'HEAD' });
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
  });

  it('reports health exactly as OSS writes it (HealthAPI)', async () => {
    const health = await new HealthAPI(clientFor(emulator)).getHealth();
    assert.equal(health.name, 'influxdb');
    assert.equal(health.status, 'pass');
    assert.equal(health.message, 'ready for queries and writes');
    assert.equal(health.version, 'v2.7.12');
    const raw = await rawRequest(`${emulator.url}/health`);
    assert.match(
      raw.body,
      /^\{"name":"influxdb", "message":"ready for queries and writes", "status":"pass", "checks":\[\], "version": "v2\.7\.12", "commit": "[0-9a-f]+"\}\n$/,
    );
  });

  it('reports readiness with the start time and a Go duration of uptime (ReadyAPI)', async () => {
    const ready = await new ReadyAPI(clientFor(emulator)).getReady();
    assert.equal(ready.status, 'ready');
    assert.equal(Date.parse(String(ready.started)), emulator.state.startedAt.getTime());
    assert.match(String(ready.up), /^(\d+h)?(\d+m)?[\d.]+(s|ms|µs|ns)$/);
  });

  it('indents /ready with four spaces like OSS', async () => {
    const raw = await rawRequest(`${emulator.url}/ready`);
    assert.match(raw.body, /^\{\n {4}"status": "ready",\n {4}"started": "[^"]+",\n {4}"up": "[^"]+"\n\}\n$/);
  });

  it('answers an unknown path with 404 path not found and the error code header', async () => {
    const res = await rawRequest(`${emulator.url}/nope`);
    assert.equal(res.status, 404);
    assert.equal(res.body, '{"code":"not found","message":"path not found"}');
    assert.equal(res.headers['x-platform-error-code'], 'not found');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  });

  it('answers a wrong method with 405 and the allowed methods', async () => {
    const res = await rawRequest(`${emulator.url}/ping`, { method: 'POST' });
    assert.equal(res.status, 405);
    assert.deepEqual(JSON.parse(res.body), { code: 'method not allowed', message: 'allow: GET, HEAD' });
    assert.equal(res.headers['x-platform-error-code'], 'method not allowed');
  });

  it('puts the version headers on error responses too', async () => {
    const res = await rawRequest(`${emulator.url}/nope`);
    assert.equal(res.headers['x-influxdb-build'], 'OSS');
    assert.equal(res.headers['x-influxdb-version'], 'v2.7.12');
  });

  it('asks for a token before routing under /api/v2, as OSS does', async () => {
    const res = await rawRequest(`${emulator.url}/api/v2/no-such-thing`);
    assert.equal(res.status, 401);
    assert.equal(res.body, '{"code":"unauthorized","message":"unauthorized access"}');
  });
});

describe('emulator lifecycle', () => {
  it('binds a free port on 127.0.0.1 when asked for port 0', async () => {
    const emulator = await startTestEmulator();
    try {
      assert.ok(emulator.port > 0);
      assert.equal(emulator.url, `http://127.0.0.1:${emulator.port}`);
    } finally {
      await emulator.close();
    }
  });

  it('closes promptly while a client holds a keep-alive connection', async () => {
    const emulator = await startTestEmulator();
    const client = clientFor(emulator);
    await new PingAPI(client).getPing();
    const started = Date.now();
    await emulator.close();
    assert.ok(Date.now() - started < 1500, 'close took too long');
  });

  it('can be closed twice', async () => {
    const emulator = await startTestEmulator();
    await emulator.close();
    await emulator.close();
  });

  it('refuses connections after close', async () => {
    const emulator = await startTestEmulator();
    await emulator.close();
    await assert.rejects(rawRequest(`${emulator.url}/ping`), /ECONNREFUSED/);
  });
});
