/** The build puts the package's version into each node's help (scripts/copy-assets.js). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface CopyAssetsScript {
  copyAssets(destination?: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../scripts/copy-assets.js') as CopyAssetsScript;

const ROOT = path.join(__dirname, '..', '..');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  'node-red': { nodes: Record<string, string> };
};
const VERSION = MANIFEST.version;
/** The node types the package registers (nodes/shared holds code, not a node). */
const NODE_TYPES = Object.keys(MANIFEST['node-red'].nodes);

function helpFile(nodesDir: string, type: string): string {
  return path.join(nodesDir, type, 'locales', 'en-US', `${type}.html`);
}

describe('the version in node help', () => {
  let out: string;

  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-assets-'));
    script.copyAssets(out);
  });

  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('has the version line, as a placeholder, in the help of every node', () => {
    assert.ok(NODE_TYPES.length >= 5);
    for (const type of NODE_TYPES) {
      assert.match(
        fs.readFileSync(helpFile(path.join(ROOT, 'nodes'), type), 'utf8'),
        /Version \{\{version\}\} of @iot-center\/node-red/,
        type,
      );
    }
  });

  it("replaces the placeholder with package.json's version in the copied help", () => {
    for (const type of NODE_TYPES) {
      const help = fs.readFileSync(helpFile(out, type), 'utf8');
      assert.ok(help.includes(`Version ${VERSION} of @iot-center/node-red`), type);
      assert.ok(!help.includes('{{version}}'), `${type} has no placeholder left`);
    }
  });

  it('copies editor files other than help unchanged', () => {
    for (const type of NODE_TYPES) {
      const editor = `${type}.html`;
      assert.equal(
        fs.readFileSync(path.join(out, type, editor), 'utf8'),
        fs.readFileSync(path.join(ROOT, 'nodes', type, editor), 'utf8'),
      );
    }
  });
});
