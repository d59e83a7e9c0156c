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

  async function start() {
    const cli = runCli(['emulator', '--port', '0', '--data-dir', dataDir]);
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
});
