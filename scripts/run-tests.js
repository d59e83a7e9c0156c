// Runs every test with mocha (sources through tsx, so a test needs no separate build) and ends with the
// plain line "N passed, N failed" that CI reads. Usage: node scripts/run-tests.js [glob-or-file ...]
'use strict';
const path = require('path');
const fs = require('fs');
require('tsx/cjs');
const Mocha = require('mocha');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);

function collect(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...collect(p));
    else if (entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const files = args.length ? args.map((a) => path.resolve(a)) : collect(path.join(root, 'test'));
const mocha = new Mocha({ timeout: 30000, reporter: 'spec' });
files.forEach((f) => mocha.addFile(f));

let passed = 0;
let failed = 0;
// One line per failure, repeated just above the last line: CI logs are often read from their tail, and
// mocha's own failure report sits far above it once another stage has run.
const failures = [];
const runner = mocha.run();
runner.on('pass', () => passed++);
runner.on('fail', (test, err) => {
  failed++;
  const file = test.file ? path.relative(root, test.file) : 'unknown file';
  const message = String((err && err.message) || err)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
  failures.push(`failed test: ${test.fullTitle()} (${file}): ${message}`);
});
runner.on('end', () => {
  // mocha prints its summary first; the plain line below is what CI reads, so it must be last.
  setImmediate(() => {
    if (failures.length) process.stdout.write(`\n${failures.join('\n')}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
    process.exit(failed > 0 || passed === 0 ? 1 : 0);
  });
});
