// Copies what tsc does not emit (node editor HTML, locales, icons, resources) next to the compiled nodes,
// because Node-RED looks for <type>.html beside <type>.js.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const copyExtensions = new Set(['.html', '.json', '.png', '.svg', '.md', '.wasm', '.mjs', '.css']);

function copyTree(from, to) {
  if (!fs.existsSync(from)) return;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst);
    else if (copyExtensions.has(path.extname(entry.name))) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

copyTree(path.join(root, 'nodes'), path.join(root, 'dist', 'nodes'));
