import assert from 'node:assert/strict';
import { FluxError } from '../../emulator/flux/interpreter/errors';
import { Zone } from '../../emulator/flux/stdlib/timezone';
import { column, FluxFixture, t } from './flux-harness';

/** A wall-clock time written as if it were UTC (what Flux's zoneinfo calls a local clock). */
const wall = (text: string) => t(`${text}Z`);

describe('flux engine: named time zones (Intl tz data, converted as Flux internal/zoneinfo)', () => {
  it('reads the wall clock of an instant, across DST changes', () => {
    const la = Zone.load('America/Los_Angeles');
    assert.equal(la.fromLocalClock(t('2017-02-24T20:00:00Z')), wall('2017-02-24T12:00:00'));
    assert.equal(la.fromLocalClock(t('2017-09-03T19:00:00Z')), wall('2017-09-03T12:00:00'));
    // The last second of PST, then PDT.
    assert.equal(la.fromLocalClock(t('2017-03-12T09:59:59Z')), wall('2017-03-12T01:59:59'));
    assert.equal(la.fromLocalClock(t('2017-03-12T10:00:00Z')), wall('2017-03-12T03:00:00'));
    assert.equal(Zone.load('Asia/Kolkata').fromLocalClock(t('2021-03-01T00:00:00Z')), wall('2021-03-01T05:30:00'));
  });

  it('maps a wall clock to its instant: the transition in a gap, the earliest when ambiguous', () => {
    const la = Zone.load('America/Los_Angeles');
    assert.equal(la.toLocalClock(wall('2017-02-24T00:00:00')), t('2017-02-24T08:00:00Z'));
    assert.equal(la.toLocalClock(wall('2017-03-12T02:30:00')), t('2017-03-12T10:00:00Z'));
    assert.equal(la.toLocalClock(wall('2017-11-05T01:30:00')), t('2017-11-05T08:30:00Z'));
    assert.equal(la.toLocalClock(wall('2017-11-05T02:00:00')), t('2017-11-05T10:00:00Z'));
    // Samoa skipped 2011-12-30: its wall clock maps to the first instant of the 31st.
    const apia = Zone.load('Pacific/Apia');
    assert.equal(apia.toLocalClock(wall('2011-12-30T12:00:00')), t('2011-12-30T10:00:00Z'));
    assert.equal(apia.toLocalClock(wall('2011-12-31T00:00:00')), t('2011-12-30T10:00:00Z'));
  });

  it('refuses what Intl cannot answer as Go does: unknown or miscased names, times before 1970', () => {
    assert.throws(() => Zone.load('Mars/Olympus_Mons'), FluxError);
    assert.throws(() => Zone.load('america/los_angeles'), /unknown time zone/);
    assert.throws(() => Zone.load('+01:00'), /unknown time zone/);
    assert.throws(() => Zone.load('Europe/Berlin').fromLocalClock(t('1969-12-31T00:00:00Z')), /before 1970/);
  });

  it('follows option location in date functions, window and hourSelection', async () => {
    const fixture = new FluxFixture();
    try {
      const tables = await fixture.tables(`
import "array"
import "date"
import "timezone"
option location = timezone.location(name: "Europe/Berlin")
array.from(rows: [{_time: 2021-03-28T00:30:00Z, _value: 1}, {_time: 2021-03-28T01:30:00Z, _value: 2}])
  |> map(fn: (r) => ({r with hour: date.hour(t: r._time), day: date.truncate(t: r._time, unit: 1d)}))
  |> range(start: 2021-03-27T00:00:00Z, stop: 2021-03-30T00:00:00Z)
  |> window(every: 1d)
  |> hourSelection(start: 1, stop: 3)`);
      assert.equal(tables.length, 1);
      assert.deepEqual(column(tables[0], 'hour'), [1n, 3n]);
      assert.deepEqual(column(tables[0], 'day'), [t('2021-03-27T23:00:00Z'), t('2021-03-27T23:00:00Z')]);
      assert.deepEqual(column(tables[0], '_start'), [t('2021-03-27T23:00:00Z'), t('2021-03-27T23:00:00Z')]);
      // The day of the spring change has 23 hours.
      assert.deepEqual(column(tables[0], '_stop'), [t('2021-03-28T22:00:00Z'), t('2021-03-28T22:00:00Z')]);
    } finally {
      fixture.close();
    }
  });
});
