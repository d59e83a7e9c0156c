/** The command line's building blocks: influx durations, retention, the nearest-name hint. */
import assert from 'node:assert/strict';
import { INVALID_UNIT, parseGoDuration, parseInfluxDuration } from '../../bin/cli/duration';
import { levenshtein, nearest } from '../../bin/cli/nearest';
import { retentionSeconds } from '../../bin/docker-init/retention';

const S = 1_000_000_000n;

describe('command line values', () => {
  it('reads durations as `influx setup --retention` does', () => {
    const cases: Array<[string, bigint]> = [
      ['', 0n],
      ['0', 0n],
      ['72h', 72n * 3600n * S],
      ['1h30m', 5400n * S],
      ['1.5h', 5400n * S],
      ['30d', 30n * 86400n * S],
      ['1w2d', 9n * 86400n * S],
      ['2d12h', 60n * 3600n * S],
      ['1500ms', 1_500_000_000n],
      ['3µs', 3000n],
      ['-1h', -3600n * S],
    ];
    for (const [text, ns] of cases) assert.equal(parseInfluxDuration(text), ns, text);
    assert.throws(() => parseInfluxDuration('30x'), new Error(INVALID_UNIT));
    assert.throws(() => parseInfluxDuration('-1d'), /^Error: must be greater than 0$/);
    assert.throws(() => parseInfluxDuration('1.5d'), /^Error: duration is missing a unit: 1.5d$/);
    assert.throws(() => parseInfluxDuration('d'), /^Error: invalid duration d$/);
    assert.throws(() => parseInfluxDuration('30'), /duration is missing a unit: 30/);
  });

  it("gives Go's time.ParseDuration messages", () => {
    assert.equal(String(parseGoDuration('.')), 'Error: time: invalid duration "."');
    assert.equal(String(parseGoDuration('5')), 'Error: time: missing unit in duration "5"');
    assert.equal(String(parseGoDuration('5d')), 'Error: time: unknown unit "d" in duration "5d"');
    assert.equal(String(parseGoDuration('9999999999h')), 'Error: time: invalid duration "9999999999h"');
  });

  it('takes a retention of whole seconds, 0 or at least an hour', () => {
    assert.equal(retentionSeconds('30d', '--r'), 30 * 86400);
    assert.equal(retentionSeconds('0', '--r'), 0);
    assert.equal(retentionSeconds('1h', '--r'), 3600);
    assert.throws(() => retentionSeconds('1500ms', '--r'), /too precise, must be divisible by 1s/);
    assert.throws(() => retentionSeconds('59m', '--r'), /must be at least 1h0m0s/);
    assert.throws(() => retentionSeconds('-2h', '--r'), /is negative/);
  });

  it('finds the nearest option within two edits', () => {
    assert.equal(levenshtein('prot', 'port'), 2);
    assert.equal(nearest('prot', ['host', 'port', 'dir']), 'port');
    assert.equal(nearest('data-dri', ['dir', 'data-dir']), 'data-dir');
    assert.equal(nearest('verbose', ['port', 'host']), undefined);
  });
});
