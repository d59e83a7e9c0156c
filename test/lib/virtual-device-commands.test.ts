/** What a message asks the virtual device to do: parsed at the edge, and anything else refused clearly. */
import assert from 'node:assert/strict';
import { CommandError, parseCommand } from '../../lib/virtual-device/commands';

/** The CommandError's message; fails on any other outcome (a TypeError above all). */
function refusal(msg: Record<string, unknown>): string {
  try {
    parseCommand(msg);
  } catch (e) {
    assert.ok(e instanceof CommandError, `not a CommandError: ${String(e)}`);
    return e.message;
  }
  return assert.fail('the message was accepted');
}

describe('virtual-device commands', () => {
  it('reads msg.command, a text payload, or ticks', () => {
    assert.deepEqual(parseCommand({ command: 'start', interval: '2.5' }), { name: 'start', intervalMs: 2500 });
    assert.deepEqual(parseCommand({ payload: 'stop' }), { name: 'stop' });
    assert.deepEqual(parseCommand({ payload: 1700000000000 }), { name: 'tick' });
    assert.deepEqual(parseCommand({ command: 'tick', timestamp: 60_000 }), { name: 'tick', timeMs: 60_000 });
  });

  it('names an unknown command of any type briefly, without a TypeError', () => {
    assert.equal(refusal({ command: 'strat' }), 'unknown command "strat": use start, stop, tick, backfill');
    assert.match(refusal({ command: 12n }), /^unknown command 12n:/);
    assert.match(refusal({ command: Object.create(null) }), /^unknown command an object:/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.match(refusal({ command: cyclic }), /^unknown command an object:/);
    assert.match(refusal({ command: 'x'.repeat(1_000_000) }), /^unknown command "x{60}…": use/);
  });

  it('refuses an interval that is not a number of seconds of at least 0.01', () => {
    for (const interval of [0, -1, NaN, Infinity, '', 'fast', 10n, null, [1]]) {
      assert.match(refusal({ command: 'start', interval }), /^msg.interval must be a number of seconds, at least 0.01/);
    }
  });

  it('refuses a time outside what InfluxDB can store, which would make an invalid Date', () => {
    for (const timestamp of [1e300, -1e300, 9.3e12, Infinity, 'yesterday', {}]) {
      assert.match(refusal({ command: 'tick', timestamp }), /^msg.timestamp must be a time from 1677 to 2262/);
    }
    assert.match(refusal({ command: 'backfill', since: 8.64e15 }), /^msg.since must be a time from 1677 to 2262/);
    assert.deepEqual(parseCommand({ command: 'tick', timestamp: '2262-01-01T00:00:00Z' }), {
      name: 'tick',
      timeMs: Date.parse('2262-01-01T00:00:00Z'),
    });
  });
});
