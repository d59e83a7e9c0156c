/**
 * The Flux standard library's own testcases (test/fixtures/flux-stdlib-testcases/, from influxdata/flux v0.196.1)
 * for the packages the emulator claims, each run end to end over HTTP and compared as `testing.diff` does.
 * Every case passes, or is listed in stdlib-known-gaps.json with the refusal it gets: a known gap must answer
 * an error containing its reason (a 400 or an in-band error naming what is unsupported), never a 200 with other
 * tables, and a listed case that starts passing fails here until it is removed from the list.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { startEmulator, RunningEmulator } from '../../emulator';
import { loadStdlibCases, Outcome, runStdlibCase } from '../support/stdlib-testcases';
import { COMPAT_FILE, compatibilityMarkdown } from '../../scripts/compat';

const GAPS_FILE = path.join(__dirname, 'stdlib-known-gaps.json');
const gaps = JSON.parse(fs.readFileSync(GAPS_FILE, 'utf8')) as { gaps: Record<string, string> };
const cases = loadStdlibCases();
const REFUSED = 'refused: ';

function describeOutcome(o: Outcome): string {
  switch (o.status) {
    case 'pass':
      return 'passes';
    case 'refused':
      return `refused: ${o.message}`;
    case 'wrong':
      return `WRONG ANSWER (200 with other tables):\n${o.diffs.join('\n')}\nquery:\n${o.query}`;
    case 'failed':
      return `failed: ${o.message}\nquery:\n${o.query}`;
  }
}

describe('Flux stdlib testcases (end to end over HTTP, compared as testing.diff)', () => {
  const token = 'stdlib-token';
  let emulator: RunningEmulator;
  const tally = { pass: 0, refused: 0 };

  const query = async (flux: string) => {
    const res = await fetch(`${emulator.url}/api/v2/query?org=stdlib`, {
      method: 'POST',
      headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: flux, type: 'flux', dialect: { annotations: ['datatype', 'group', 'default'] } }),
    });
    return { status: res.status, body: await res.text() };
  };

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    await new SetupAPI(new InfluxDB({ url: emulator.url })).postSetup({
      body: { org: 'stdlib', bucket: 'unused', username: 'tester', password: 'password1', token },
    });
  });
  after(() => emulator?.close());

  it('has fixtures for the claimed packages, with unique ids', () => {
    const ids = cases.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const dir of [
      'universe/',
      'strings/',
      'csv/',
      'influxdata/influxdb/schema/',
      'date/',
      'bitwise/',
      'array/',
      'join/',
      'experimental/',
      'sampledata/',
      'generate/',
      'interpolate/',
      'influxdata/influxdb/monitor/',
    ]) {
      assert.ok(
        ids.some((id) => id.startsWith(dir)),
        `no cases from ${dir}`,
      );
    }
  });

  it('lists in the known gaps only cases that exist and run, each reason "refused: <what the error says>"', () => {
    const runnable = new Set(cases.filter((c) => !c.upstreamSkip).map((c) => c.id));
    for (const [id, reason] of Object.entries(gaps.gaps)) {
      assert.ok(runnable.has(id), `known gap ${id} is not a runnable case: remove it`);
      assert.ok(
        reason.startsWith(REFUSED) && reason.length > REFUSED.length,
        `${id}: reason must be "refused: <what>"`,
      );
    }
  });

  for (const c of cases.filter((x) => !x.upstreamSkip)) {
    const gap = gaps.gaps[c.id];
    it(`${c.id}${gap ? ` (known gap: ${gap})` : ''}`, async () => {
      const outcome = await runStdlibCase(c, query);
      if (!gap) {
        assert.equal(outcome.status, 'pass', `${c.id} ${describeOutcome(outcome)}`);
        tally.pass++;
        return;
      }
      assert.notEqual(outcome.status, 'pass', `${c.id} passes now: remove it from ${path.basename(GAPS_FILE)}`);
      assert.equal(outcome.status, 'refused', `${c.id} is a known gap but ${describeOutcome(outcome)}`);
      const what = gap.slice(REFUSED.length);
      assert.ok(
        outcome.status === 'refused' && outcome.message.includes(what),
        `${c.id} is refused, but not as listed: want "${what}" in ${describeOutcome(outcome)}`,
      );
      tally.refused++;
    });
  }

  it('has docs/COMPATIBILITY.md as `npm run compat` writes it', () => {
    const current = fs.existsSync(COMPAT_FILE) ? fs.readFileSync(COMPAT_FILE, 'utf8') : '';
    assert.ok(current === compatibilityMarkdown(), 'docs/COMPATIBILITY.md is out of date: run `npm run compat`');
  });

  it('matches the coverage README states (cases, pass, refused)', () => {
    const runnable = cases.filter((c) => !c.upstreamSkip).length;
    // Only meaningful when every case ran and held; a case that did not has failed above.
    assert.equal(tally.pass + tally.refused, runnable, 'every testcase passed or was refused as listed');
    assert.equal(runnable - Object.keys(gaps.gaps).length, tally.pass);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const claim = `${runnable} stdlib testcases: ${tally.pass} pass, ${tally.refused} refused`;
    assert.ok(readme.includes(claim), `README's emulator section should say "${claim}"`);
  });
});
