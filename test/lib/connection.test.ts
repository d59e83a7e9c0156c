/**
 * InfluxConnection against the emulator over real HTTP: one client, shared write pipelines with their
 * spool on disk, the device registry and its token file, health, and close.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { startEmulator } from '../../emulator';
import { InfluxConnection, type InfluxConnectionOptions } from '../../lib/connection/influx-connection';
import type { Health } from '../../lib/connection/health';
import type { Onboarded } from '../support/emulator';
import { quietClientLogs, startOnboarded } from '../support/emulator';
import { eventually, freePort } from '../support/scripted-influx';

const T0 = Date.parse('2024-01-02T00:00:00Z');

describe('influx connection', () => {
  let influx: Onboarded;
  let dataDir: string;
  let connections: InfluxConnection[];
  quietClientLogs();

  const connect = (options: Partial<InfluxConnectionOptions> = {}): InfluxConnection => {
    const c = new InfluxConnection({
      id: 'cfg1',
      url: influx.emulator.url,
      org: influx.org,
      bucket: influx.bucket,
      token: influx.token,
      dataDir,
      healthIntervalMs: 0,
      pipelineDefaults: { flushInterval: 10, minRetryDelay: 20, maxRetryDelay: 100 },
      ...options,
    });
    connections.push(c);
    return c;
  };
  const temperatures = async (): Promise<number[]> => {
    const rows = await influx.influx
      .getQueryApi(influx.org)
      .collectRows<{ _value: number }>(
        `from(bucket: "${influx.bucket}") |> range(start: 0) |> filter(fn: (r) => r._field == "Temperature")`,
      );
    return rows.map((r) => r._value).sort((a, b) => a - b);
  };
  const point = (i: number) => ({
    tags: { clientId: 'dev1' },
    fields: { Temperature: 20 + i },
    timestamp: T0 + i * 1000,
  });

  beforeEach(async () => {
    influx = await startOnboarded();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-connection-'));
    connections = [];
  });
  afterEach(async () => {
    for (const c of connections) await c.close();
    await influx.emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('health', () => {
    it('passes with the server words when the server is up', async () => {
      const health = await connect().checkHealth();
      assert.deepEqual(health, { status: 'pass', message: 'ready for queries and writes', version: 'v2.7.12' });
    });

    it('fails with the reason when the server is gone, and tells listeners of the change', async () => {
      const c = connect();
      await c.checkHealth();
      const heard: Health[] = [];
      c.onHealth((h) => heard.push(h));
      await influx.emulator.close();
      const health = await c.checkHealth();
      assert.equal(health.status, 'fail');
      assert.match(
        health.message ?? '',
        /cannot reach InfluxDB at http:\/\/127\.0\.0\.1:\d+ to check its health: connection refused$/,
      );
      await c.checkHealth();
      assert.deepEqual(
        heard.map((h) => h.status),
        ['fail'],
        'one change, one call',
      );
    });

    it('is checked again every interval', async () => {
      const c = connect({ healthIntervalMs: 20 });
      await eventually(() => c.health.status === 'pass', 'the first check passes');
      await influx.emulator.close();
      await eventually(() => c.health.status === 'fail', 'a later check notices the server is gone');
    });

    it('stops telling listeners once unsubscribed', async () => {
      const c = connect();
      const heard: Health[] = [];
      const off = c.onHealth((h) => heard.push(h));
      off();
      await c.checkHealth();
      assert.deepEqual(heard, []);
    });

    it('falls back to /ping where /health is not served', async () => {
      const server = http.createServer((req, res) => {
        res.writeHead(req.url === '/ping' ? 204 : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const c = connect({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
        assert.deepEqual(await c.checkHealth(), { status: 'pass', message: 'ping answered' });
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('settings', () => {
    it('names every missing setting, and refuses to be used', async () => {
      const c = connect({ url: '', org: '', token: '' });
      assert.equal(c.problem?.code, 'misconfigured');
      assert.match(c.problem?.message ?? '', /the URL is empty; the organization is empty; no token/);
      assert.throws(() => c.influxDB, { code: 'misconfigured' });
      assert.throws(() => c.pipeline(), { code: 'misconfigured' });
      assert.throws(() => c.registry(), { code: 'misconfigured' });
      assert.equal((await c.checkHealth()).status, 'fail');
    });

    it('refuses a URL without http(s)', () => {
      assert.match(
        connect({ url: 'localhost:8086' }).problem?.message ?? '',
        /must start with http:\/\/ or https:\/\//,
      );
    });

    it('says which CA file cannot be read', () => {
      const c = connect({ caFile: path.join(dataDir, 'missing-ca.pem') });
      assert.match(c.problem?.message ?? '', /cannot read the CA file .*missing-ca\.pem \(ENOENT\)/);
    });

    it('drops a trailing slash of the URL', () => {
      assert.equal(connect({ url: `${influx.emulator.url}/` }).url, influx.emulator.url);
    });
  });

  describe('write pipelines', () => {
    it('shares one pipeline per bucket and precision', () => {
      const c = connect();
      assert.equal(c.pipeline(), c.pipeline({ bucket: influx.bucket, precision: 'ms' }));
      assert.notEqual(c.pipeline({ precision: 's' }), c.pipeline());
      assert.notEqual(c.pipeline({ bucket: 'other' }), c.pipeline());
    });

    it('keeps the options of the first user of a shared pipeline', () => {
      const c = connect();
      const first = c.pipeline({ batchSize: 7, flushInterval: 50 });
      const second = c.pipeline({ batchSize: 500 });
      assert.equal(second, first);
      assert.equal(second.options.batchSize, 7);
    });

    it('spools on disk under the data folder, one directory per pipeline', () => {
      const c = connect();
      assert.equal(c.pipeline().stats.durable, true);
      c.pipeline({ precision: 's' });
      const spools = fs.readdirSync(path.join(dataDir, 'spool', 'cfg1'));
      assert.equal(spools.length, 2);
      assert.ok(
        spools.every((name) => name.startsWith('my-bucket-')),
        spools.join(),
      );
    });

    it('writes through the shared client', async () => {
      const p = connect().pipeline();
      p.write([point(1), point(2)]);
      await p.flush();
      assert.deepEqual(await temperatures(), [21, 22]);
    });

    it('keeps what it could not send on close, and the next connection sends it', async () => {
      const port = await freePort();
      const emulatorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-connection-db-'));
      let server = await startEmulator({ port, dataDir: emulatorDir, retentionCheckIntervalMs: 0 });
      try {
        await new SetupAPI(new InfluxDB({ url: server.url })).postSetup({
          body: { username: 'admin', password: 'password123', org: 'my-org', bucket: 'my-bucket', token: influx.token },
        });
        await server.close();
        const before = connect({ url: server.url, pipelineDefaults: { flushInterval: 0, closeTimeout: 1000 } });
        assert.equal(before.pipeline().write([point(1), point(2), point(3)]).accepted, 3);
        await before.close();

        server = await startEmulator({ port, dataDir: emulatorDir, retentionCheckIntervalMs: 0 });
        const after = connect({ url: server.url });
        const p = after.pipeline();
        assert.equal(p.recovered.lines, 3);
        await eventually(() => p.stats.written === 3, 'the spooled points are written');
        const rows = await new InfluxDB({ url: server.url, token: influx.token })
          .getQueryApi('my-org')
          .collectRows<{ _value: number }>('from(bucket: "my-bucket") |> range(start: 0)');
        assert.deepEqual(rows.map((r) => r._value).sort(), [21, 22, 23]);
      } finally {
        for (const c of connections) await c.close();
        await server.close();
        fs.rmSync(emulatorDir, { recursive: true, force: true });
      }
    });

    it('refuses pipelines once closed', async () => {
      const c = connect();
      const p = c.pipeline();
      await c.close();
      assert.throws(() => c.pipeline(), { code: 'closed' });
      assert.equal(p.write(point(1)).accepted, 0, 'the closed pipeline takes nothing');
    });
  });

  describe('device registry', () => {
    it('gives one registry per read grant, so that concurrent registers make one device', async () => {
      const c = connect();
      assert.equal(c.registry(), c.registry({ grantRead: false }));
      assert.notEqual(c.registry({ grantRead: true }), c.registry());
      const devices = await Promise.all([c.registry().register('dev1'), c.registry().register('dev1')]);
      assert.equal(devices[0].token, devices[1].token);
    });

    it('keeps device tokens in an owner-only file of the data folder', async () => {
      const device = await connect().registry().register('dev1');
      const file = path.join(dataDir, 'device-tokens.json');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { token: string }>;
      assert.deepEqual(Object.keys(entries), [`${influx.emulator.url}|my-org/my-bucket/dev1`]);
      assert.equal(entries[Object.keys(entries)[0]].token, device.token);
    });

    it('makes the data folder readable by its owner only', () => {
      const folder = path.join(dataDir, 'fresh', '.iot-center');
      connect({ dataDir: folder });
      assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    });

    it('finds the device again through a new connection (a redeploy)', async () => {
      const first = await connect().registry().register('dev1');
      const again = await connect({ id: 'cfg2' }).registry().get('dev1');
      assert.equal(again?.token, first.token);
    });
  });
});
