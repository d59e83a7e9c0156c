/**
 * The test runner's end, which CI reads: one "failed test: <title> (<file>): <message>" line per failure just
 * above the last line "N passed, N failed", so that the tail of a CI log names what failed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RUNNER = path.join(__dirname, '..', '..', 'scripts', 'run-tests.js');

describe('scripts/run-tests.js', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-runner-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (source: string) => {
    const file = path.join(dir, `case-${fs.readdirSync(dir).length}.test.ts`);
    fs.writeFileSync(file, source);
    const result = spawnSync(process.execPath, [RUNNER, file], { encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, lines: result.stdout.trimEnd().split('\n') };
  };

  it('ends with the counts, each failure named with its file and message just above them, and exit 1', () => {
    const { status, lines } = run(
      "import assert from 'node:assert/strict';\n" +
        "describe('suite', () => {\n" +
        "  it('passes', () => assert.ok(true));\n" +
        "  it('fails', () => assert.equal(1, 2, 'one is not\\ntwo'));\n" +
        '});\n',
    );
    assert.equal(status, 1);
    assert.equal(lines[lines.length - 1], '1 passed, 1 failed');
    const failures = lines.filter((l) => l.startsWith('failed test: '));
    assert.equal(failures.length, 1);
    assert.match(failures[0], /^failed test: suite fails \(.*case-0\.test\.ts\): one is not two( |$)/);
    assert.ok(lines.indexOf(failures[0]) > lines.findIndex((l) => /1 failing/.test(l)), 'after mocha report');
  });

  it('names no failure and exits 0 when every test passes', () => {
    const { status, lines } = run("it('passes', () => {});\n");
    assert.equal(status, 0);
    assert.equal(lines[lines.length - 1], '1 passed, 0 failed');
    assert.ok(!lines.some((l) => l.startsWith('failed test: ')));
  });
});
