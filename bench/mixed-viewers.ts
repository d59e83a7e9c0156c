/**
 * The dashboard viewers of bench/mixed-load.ts, in a process of their own as real dashboards are: their
 * CSV parsing must not delay the timing of the writes and /health checks the benchmark measures.
 * Usage: node --import tsx bench/mixed-viewers.ts URL TOKEN ORG BUCKET DEVICES VIEWERS SECONDS; prints `looping`
 * when the viewers start, then `{ refreshes: number[], failures: string[] }` as JSON when the time is up.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import { presetQuery } from '../lib/query';

async function main(): Promise<void> {
  const [url, token, org, bucket, devices, viewers, seconds] = process.argv.slice(2);
  const end = Date.now() + Number(seconds) * 1000;
  const refreshes: number[] = [];
  const failures: string[] = [];
  // A slow dashboard is measured, not failed: the client's 10 s default would end the run.
  const queryApi = new InfluxDB({ url, token, timeout: 300_000 }).getQueryApi(org);
  process.stdout.write('looping\n');
  const looping = Array.from({ length: Number(viewers) }, async (_, v) => {
    const deviceId = `device-${(v * 37) % Number(devices)}`;
    while (Date.now() < end) {
      const start = Date.now();
      try {
        await queryApi.collectRows(presetQuery('lastValues', { bucket, deviceId, range: '-1d' }));
        await queryApi.collectRows(presetQuery('downsampled', { bucket, deviceId, range: '-1d' }));
        await queryApi.collectRows(presetQuery('deviceList', { bucket, range: '-30d' }));
        refreshes.push(Date.now() - start);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  });
  await Promise.all(looping);
  process.stdout.write(`${JSON.stringify({ refreshes, failures })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
