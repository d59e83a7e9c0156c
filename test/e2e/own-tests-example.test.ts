/**
 * README's "Use it in your own tests": runs docs/own-tests exactly as a user does (`npm test` there, i.e.
 * its package.json's mocha command) so that the example cannot rot. `@iot-center/node-red` resolves to
 * this repository's emulator sources, the example's other packages to this repository's node_modules.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/cli';

const EXAMPLE = path.join(REPO_ROOT, 'docs', 'own-tests');

/** A node_modules folder holding only `@iot-center/node-red`, loading the emulator from its TypeScript sources. */
function linkThisPackage(dir: string): string {
  const modules = path.join(dir, 'node_modules');
  const pkg = path.join(modules, '@iot-center', 'node-red');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@iot-center/node-red', main: 'index.js' }));
  const source = [
    `require(${JSON.stringify(require.resolve('tsx/cjs'))});`,
    `module.exports = require(${JSON.stringify(path.join(REPO_ROOT, 'emulator', 'index.ts'))});`,
  ];
  fs.writeFileSync(path.join(pkg, 'index.js'), `${source.join('\n')}\n`);
  return modules;
}

describe('docs/own-tests: a user’s flow tested against the emulator', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-own-tests-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('passes its `npm test`', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8')) as {
      scripts: { test: string };
    };
    const [command, ...args] = manifest.scripts.test.split(' ');
    assert.equal(command, 'mocha');
    const result = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), ...args], {
      cwd: EXAMPLE,
      env: {
        ...process.env,
        NODE_PATH: [linkThisPackage(tmp), path.join(REPO_ROOT, 'node_modules')].join(path.delimiter),
      },
      encoding: 'utf8',
      timeout: 110_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 0, output);
    assert.match(result.stdout, /2 passing/);
  });
});
