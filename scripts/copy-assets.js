// Copies what tsc does not emit (node editor HTML, locales, icons, resources) next to the compiled nodes,
// because Node-RED looks for <type>.html beside <type>.js. In the help files (locales/<lang>/<type>.html)
// `{{version}}` becomes the package's version, so each node's help says which release the user runs.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const copyExtensions = new Set(['.html', '.json', '.png', '.svg', '.md', '.wasm', '.mjs', '.css']);
const VERSION_PLACEHOLDER = /\{\{version\}\}/g;

function isHelpFile(file) {
  return path.extname(file) === '.html' && path.basename(path.dirname(path.dirname(file))) === 'locales';
}

function copyTree(from, to, version) {
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst, version);
    else if (copyExtensions.has(path.extname(entry.name))) {
      fs.mkdirSync(to, { recursive: true });
      if (isHelpFile(src)) fs.writeFileSync(dst, fs.readFileSync(src, 'utf8').replace(VERSION_PLACEHOLDER, version));
      else fs.copyFileSync(src, dst);
    }
  }
}

/** Copies nodes/ into `destination` (dist/nodes by default), with the version in the help files. */
function copyAssets(destination = path.join(root, 'dist', 'nodes')) {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  copyTree(path.join(root, 'nodes'), destination, version);
}

if (require.main === module) copyAssets();
module.exports = { copyAssets, isHelpFile };
