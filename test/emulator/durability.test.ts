import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { runCli } from '../support/cli';

describe('emulator durability', function () {
  this.timeout(120_000);
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-durability-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function start(dir = dataDir) {
    const cli = runCli(['emulator', '--port', '0', '--data-dir', dir]);
    const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/);
    return { cli, url };
  }

  it('keeps every acknowledged point after the process is killed with SIGKILL', async () => {
    const first = await start();
    const token = 'durability-token';
    await new SetupAPI(new InfluxDB({ url: first.url })).postSetup({
      body: { org: 'o', bucket: 'b', username: 'u', password: 'password1', token },
    });
    let acknowledged = 0;
    const writeApi = new InfluxDB({ url: first.url, token }).getWriteApi('o', 'b', 's', {
      batchSize: 500,
      writeSuccess: (lines) => void (acknowledged += lines.length),
    });
    const base = 1_700_000_000;
    for (let i = 0; i < 2000; i++) {
      writeApi.writePoint(
        new Point('m')
          .tag('dev', `d${i % 4}`)
          .floatField('v', i)
          .timestamp(base + i),
      );
    }
    await writeApi.close();
    // close() does not wait for batches already sent by size; count the 204s instead.
    const deadline = Date.now() + 30_000;
    while (acknowledged < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(acknowledged, 2000);
    first.cli.child.kill('SIGKILL');
    await first.cli.exited();

    const second = await start();
    try {
      const rows = await new InfluxDB({ url: second.url, token })
        .getQueryApi('o')
        .collectRows<{ _value: number }>(
          `from(bucket: "b") |> range(start: 2023-01-01T00:00:00Z) |> group() |> count()`,
        );
      assert.deepEqual(
        rows.map((r) => r._value),
        [2000],
      );
    } finally {
      second.cli.child.kill('SIGTERM');
      await second.cli.exited();
    }
  });

  it('keeps every acknowledged point after SIGKILL while the WAL is being checkpointed in the background', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-durability-wal-'));
    try {
      const first = await start(dir);
      const token = 'durability-wal-token';
      await new SetupAPI(new InfluxDB({ url: first.url })).postSetup({
        body: { org: 'o', bucket: 'b', username: 'u', password: 'password1', token },
      });
      // 1,000 points of 100 devices, 7 fields each, per request: each adds over a megabyte to the WAL, so
      // the background checkpoint (from 16 MiB) runs while the last ones are written and the kill comes.
      const requests = 20;
      let acknowledged = 0;
      for (let r = 0; r < requests; r++) {
        const lines = [];
        for (let i = 0; i < 1000; i++) {
          const values = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((f, k) => `${f}=${r * 1000 + i + k / 10}`);
          lines.push(
            `environment,device=d${i % 100} ${values.join(',')} ${1_700_000_000 + r * 10 + Math.floor(i / 100)}`,
          );
        }
        const response = await fetch(`${first.url}/api/v2/write?org=o&bucket=b&precision=s`, {
          method: 'POST',
          headers: { authorization: `Token ${token}` },
          body: lines.join('\n'),
        });
        assert.equal(response.status, 204);
        acknowledged += 1000 * 7;
      }
      const walFile = path.join(dir, 'influxd.sqlite-wal');
      assert.ok(fs.statSync(walFile).size > 0, 'the last writes are in the WAL when the process is killed');
      first.cli.child.kill('SIGKILL');
      await first.cli.exited();

      const second = await start(dir);
      try {
        const rows = await new InfluxDB({ url: second.url, token })
          .getQueryApi('o')
          .collectRows<{ _value: number }>(
            `from(bucket: "b") |> range(start: 2023-01-01T00:00:00Z) |> group() |> count()`,
          );
        assert.deepEqual(
          rows.map((r) => r._value),
          [acknowledged],
        );
      } finally {
        second.cli.child.kill('SIGTERM');
        await second.cli.exited();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
