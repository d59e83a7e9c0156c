// Loaded through NODE_OPTIONS=--require by scripts/test-node-red-5.sh, before the tests and in their worker
// threads: makes the repository's code and tests use the Node-RED and the better-sqlite3 of the matrix folder
// (Node-RED 5, better-sqlite3 built for this Node) instead of the repository's node_modules (Node-RED 4,
// better-sqlite3 built for Node 20), without touching them.
//
//   IOT_CENTER_TEST_NODE_RED=<dir of the node-red package>   `node-red`, `node-red/...` and `@node-red/...`
//   IOT_CENTER_TEST_BETTER_SQLITE3=<dir of better-sqlite3>   `better-sqlite3` (the emulator's storage)
//
// Node's NODE_PATH cannot do this: it is only consulted when the normal node_modules lookup fails, and the
// repository's node_modules has both packages. Without these variables (which the package install test removes
// for its child processes) it changes nothing.
'use strict';
const Module = require('module');
const path = require('path');

const redirects = [];
const nodeRed = process.env.IOT_CENTER_TEST_NODE_RED;
if (nodeRed) {
  // <tree>/node_modules/node-red: the tree whose node_modules also holds Node-RED 5's @node-red/* packages.
  const tree = path.resolve(nodeRed, '..', '..');
  redirects.push({ test: (r) => r === 'node-red' || r.startsWith('node-red/') || r.startsWith('@node-red/'), tree });
}
const sqlite = process.env.IOT_CENTER_TEST_BETTER_SQLITE3;
if (sqlite) {
  const tree = path.resolve(sqlite, '..', '..');
  redirects.push({ test: (r) => r === 'better-sqlite3' || r.startsWith('better-sqlite3/'), tree });
}

if (redirects.length > 0) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    const redirect = redirects.find((r) => r.test(request));
    // Requests from inside the matrix tree already resolve there.
    if (redirect && !(parent && parent.filename && parent.filename.startsWith(redirect.tree + path.sep))) {
      return resolve.call(this, request, parent, isMain, { ...options, paths: [redirect.tree] });
    }
    return resolve.call(this, request, parent, isMain, options);
  };
}
