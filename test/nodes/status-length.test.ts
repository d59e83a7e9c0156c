/**
 * Our nodes' status lines stay within MAX_STATUS_LENGTH whatever they report, so that they never run over
 * the neighbouring nodes: every status text of the catalogs, filled with long values, once cut to fit.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compactCount, MAX_STATUS_LENGTH, shortStatus, shortText } from '../../nodes/shared/status';
import { statusText } from '../../nodes/shared/to-error';

const NODES = path.join(__dirname, '..', '..', 'nodes');

function catalogStatuses(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const type of fs.readdirSync(NODES)) {
    const file = path.join(NODES, type, 'locales', 'en-US', `${type}.json`);
    if (!fs.existsSync(file)) continue;
    const catalog = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { status?: Record<string, string> }>;
    for (const [key, text] of Object.entries(catalog[type]?.status ?? {})) out.push([`${type}.status.${key}`, text]);
  }
  return out;
}

describe('node status length', () => {
  it('cuts any text to the limit with an ellipsis, counting characters, not UTF-16 units', () => {
    assert.equal(shortText('short'), 'short');
    const long = shortText('x'.repeat(100));
    assert.equal(Array.from(long).length, MAX_STATUS_LENGTH);
    assert.ok(long.endsWith('…'));
    assert.equal(Array.from(shortText('°'.repeat(41))).length, MAX_STATUS_LENGTH);
    assert.equal(Array.from(shortText('😀'.repeat(41))).length, MAX_STATUS_LENGTH, 'no emoji is split in half');
    assert.deepEqual(shortStatus({ fill: 'red', shape: 'ring' }), { fill: 'red', shape: 'ring' });
    assert.equal(statusText(new Error('e'.repeat(500))).length, MAX_STATUS_LENGTH);
  });

  it('writes counts compactly', () => {
    assert.deepEqual([9_999, 10_000, 12_499, 999_999, 1_250_000].map(compactCount), [
      '9999',
      '10k',
      '12k',
      '1000k',
      '1.3M',
    ]);
  });

  it('keeps every status of the catalogs short with usual values, and cuts the rare long one', () => {
    const usual: Record<string, string> = {
      buffered: '12k',
      written: '350k',
      failed: '12',
      seconds: '60',
      reason: 'token refused 401',
      deviceId: 'virtual_device',
      count: '120',
      rows: '10000',
      ms: '1234',
      percent: '45',
      total: '10080',
      summary: '21.4 °C · 45.2 %',
      message: 'InfluxDB unreachable',
    };
    for (const [key, template] of catalogStatuses()) {
      const text = template.replace(/__(\w+)__/g, (_, name: string) => usual[name] ?? name);
      if (key.endsWith('.error')) continue; // the message itself: cut by statusText
      assert.ok(Array.from(text).length <= MAX_STATUS_LENGTH, `${key} is ${Array.from(text).length} long: "${text}"`);
    }
  });
});
