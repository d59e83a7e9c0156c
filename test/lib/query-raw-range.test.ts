/** When iot-query should say "read the downsampled bucket": what a query scans, and the decision. */
import assert from 'node:assert/strict';
import { fluxScan, presetScan } from '../../lib/query/query-scan';
import { type DownsampledBucket, LONG_RAW_RANGE_MS, rawRangeAdvice } from '../../lib/query/raw-range-advice';

const DAY = 86_400_000;
const HOURLY: DownsampledBucket = {
  sourceBucket: 'iot_center',
  targetBucket: 'iot_center_1h',
  measurement: 'environment',
  every: '1h',
};

describe('raw range advice', () => {
  describe('what a query scans', () => {
    it('reads bucket, range and measurement of the series presets, with the preset defaults', () => {
      assert.deepEqual(presetScan('measurements', { bucket: 'iot_center', range: '-30d' }), {
        bucket: 'iot_center',
        rangeMs: 30 * DAY,
        measurement: 'environment',
      });
      assert.deepEqual(presetScan('downsampled', { bucket: 'b', measurement: 'air' }), {
        bucket: 'b',
        rangeMs: DAY,
        measurement: 'air',
      });
    });

    it('leaves out presets that need the raw points, and ranges it cannot read', () => {
      assert.equal(presetScan('lastSeen', { bucket: 'b', range: '-30d' }), undefined);
      assert.equal(presetScan('missingMinutes', { bucket: 'b', range: '-30d' }), undefined);
      assert.equal(presetScan('measurements', { bucket: 'b', range: 30 }), undefined);
      assert.equal(presetScan('measurements', { range: '-30d' }), undefined);
    });

    it('reads literals and params.* of Flux text', () => {
      const flux =
        'from(bucket: "iot_center")\n  |> range(start: -30d)\n  |> filter(fn: (r) => r._measurement == "environment")';
      assert.deepEqual(fluxScan(flux, {}), { bucket: 'iot_center', rangeMs: 30 * DAY, measurement: 'environment' });
      assert.deepEqual(
        fluxScan('from(bucket: params.bucket) |> range(start: params.range, stop: now())', {
          bucket: 'iot_center',
          range: '-2w',
        }),
        { bucket: 'iot_center', rangeMs: 14 * DAY },
      );
    });

    it('gives up on Flux it cannot be sure of', () => {
      assert.equal(fluxScan('from(bucket: "b") |> range(start: 2024-01-01T00:00:00Z)', {}), undefined);
      assert.equal(fluxScan('from(bucket: b) |> range(start: -30d)', {}), undefined);
      const two = 'a = from(bucket: "x") |> range(start: -30d)\nb = from(bucket: "y") |> range(start: -30d)';
      assert.equal(fluxScan(two, {}), undefined);
      assert.equal(fluxScan('from(bucket: params.bucket) |> range(start: -30d)', {}), undefined);
    });
  });

  describe('the decision', () => {
    const scan = (days: number, bucket = 'iot_center', measurement?: string) => ({
      bucket,
      rangeMs: days * DAY,
      ...(measurement ? { measurement } : {}),
    });

    it('advises the downsampled bucket for more than 7 days of raw points', () => {
      assert.deepEqual(rawRangeAdvice(scan(30, 'iot_center', 'environment'), [HOURLY]), {
        bucket: 'iot_center',
        rangeMs: 30 * DAY,
        days: 30,
        downsampledBucket: 'iot_center_1h',
        every: '1h',
      });
    });

    it('stays quiet up to 7 days, and when no downsampling keeps the bucket or measurement', () => {
      assert.equal(rawRangeAdvice(scan(7), [HOURLY]), undefined);
      assert.equal(LONG_RAW_RANGE_MS, 7 * DAY);
      assert.equal(rawRangeAdvice(scan(30), []), undefined);
      assert.equal(rawRangeAdvice(scan(30, 'other'), [HOURLY]), undefined);
      assert.equal(rawRangeAdvice(scan(30, 'iot_center_1h'), [HOURLY]), undefined, 'already downsampled');
      assert.equal(rawRangeAdvice(scan(30, 'iot_center', 'memory'), [HOURLY]), undefined);
      assert.equal(rawRangeAdvice(undefined, [HOURLY]), undefined);
    });

    it('takes a threshold of its own', () => {
      assert.equal(rawRangeAdvice(scan(2), [HOURLY], DAY)?.downsampledBucket, 'iot_center_1h');
    });
  });
});
