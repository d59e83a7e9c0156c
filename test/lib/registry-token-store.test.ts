/**
 * Where device tokens are kept: a file readable by its owner only, shared safely by several stores, and
 * what lets a registry hand out the same token after a restart.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceRegistry } from '../../lib/devices/registry';
import { FileTokenStore } from '../../lib/devices/token-store';
import type { Onboarded } from '../support/emulator';
import { startOnboarded } from '../support/emulator';

describe('device token store', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-tokens-'));
    file = path.join(dir, 'nested', 'device-tokens.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a file only its owner can read', () => {
    new FileTokenStore(file).set('k', { authorizationId: 'a1', token: 'secret' });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('keeps tokens for the next store on the same file (a restart)', () => {
    new FileTokenStore(file).set('k', { authorizationId: 'a1', token: 'secret' });
    assert.deepEqual(new FileTokenStore(file).get('k'), { authorizationId: 'a1', token: 'secret' });
  });

  it('does not lose the entries of another store on the same file', () => {
    const a = new FileTokenStore(file);
    const b = new FileTokenStore(file);
    a.set('a', { authorizationId: 'a1', token: 'ta' });
    b.set('b', { authorizationId: 'b1', token: 'tb' });
    a.delete('x');
    assert.equal(a.get('b')?.token, 'tb');
    assert.equal(b.get('a')?.token, 'ta');
  });

  it('forgets a deleted entry', () => {
    const store = new FileTokenStore(file);
    store.set('k', { authorizationId: 'a1', token: 'secret' });
    store.delete('k');
    assert.equal(new FileTokenStore(file).get('k'), undefined);
  });

  it('reports a damaged file instead of starting empty', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"k": ');
    assert.throws(() => new FileTokenStore(file), /device-tokens\.json is not valid JSON/);
  });

  it('gives nothing for a key the file does not hold, even a name Object has', () => {
    const store = new FileTokenStore(file);
    store.set('k', { authorizationId: 'a1', token: 'secret' });
    assert.equal(store.get('constructor'), undefined);
    assert.equal(store.get('toString'), undefined);
  });

  describe('with a registry', () => {
    let influx: Onboarded;
    beforeEach(async () => {
      influx = await startOnboarded();
    });
    afterEach(() => influx.emulator.close());

    const registry = (grantRead = false) =>
      new DeviceRegistry({
        influxDB: influx.influx,
        org: influx.org,
        bucket: influx.bucket,
        tokens: new FileTokenStore(file),
        grantRead,
      });

    it('hands out the same token after a restart', async () => {
      const first = await registry().register('dev1');
      const again = await registry().get('dev1');
      assert.equal(again?.token, first.token);
      assert.equal(again?.newlyRegistered, false);
      assert.ok(!fs.readFileSync(file, 'utf8').includes('"password'), 'only tokens in the file');
    });

    it('replaces the authorization when the read grant changes', async () => {
      const writeOnly = await registry(false).register('dev1');
      assert.equal(await registry(true).get('dev1'), undefined);
      const readWrite = await registry(true).register('dev1');
      assert.notEqual(readWrite.authorizationId, writeOnly.authorizationId);
      assert.deepEqual(
        (await registry(true).list()).map((d) => [d.deviceId, d.canRead]),
        [['dev1', true]],
      );
    });

    it('tolerates an authorization that another registry removes at the same time', async () => {
      await registry().register('dev1');
      const results = await Promise.all([registry().remove('dev1'), registry().remove('dev1')]);
      assert.ok(results.includes(true));
      assert.deepEqual(await registry().list(), []);
    });
  });
});
