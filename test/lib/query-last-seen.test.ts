/** The lastSeen preset (device health): every device's last entry, whatever its series, against the emulator. */
import assert from 'node:assert/strict';
import { presetQuery } from '../../lib/query/preset-request';
import { lastSeenQuery } from '../../lib/query/presets';
import { isValidFlux } from '../support/flux-validate';
import { type Onboarded, startOnboarded } from '../support/emulator';

describe('lastSeen preset', () => {
  let influx: Onboarded;
  beforeEach(async () => {
    influx = await startOnboarded();
  });
  afterEach(() => influx.emulator.close());

  it('is valid Flux that reads the last point of each series first', () => {
    const source = lastSeenQuery({ bucket: 'iot_center' }).toString();
    assert.ok(isValidFlux(source), source);
    assert.match(source, /range\(start: -30d\)[\s\S]*\|> last\(\)[\s\S]*max\(column: "_time"\)/);
    assert.equal(presetQuery('lastSeen', { bucket: 'iot_center', range: '-7d' }).toString().includes('-7d'), true);
  });

  it('gives one row per device with its newest time over all its fields and sensor tags', async () => {
    const now = Date.now();
    const write = influx.influx.getWriteApi(influx.org, influx.bucket, 'ms');
    write.writeRecords([
      `environment,clientId=dev1,TemperatureSensor=a Temperature=20 ${now - 120_000}`,
      `environment,clientId=dev1,TemperatureSensor=b Temperature=21 ${now - 60_000}`,
      `environment,clientId=dev1 CO2=400i ${now - 90_000}`,
      `environment,clientId=dev2 Humidity=40 ${now - 3_600_000}`,
      `other,clientId=dev3 x=1 ${now}`,
    ]);
    await write.close();
    const rows = await influx.influx
      .getQueryApi(influx.org)
      .collectRows<{ deviceId: string; lastSeen: string }>(lastSeenQuery({ bucket: influx.bucket }));
    assert.deepEqual(
      rows.map((r) => [r.deviceId, Date.parse(r.lastSeen)]),
      [
        ['dev1', now - 60_000],
        ['dev2', now - 3_600_000],
      ],
    );
  });
});
