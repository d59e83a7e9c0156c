// `npm run dev [-- start options]`: tsc --watch, the editor files copied on change, and `iot-center start`
// (emulator + Node-RED) restarted after each good compile or asset change. Ctrl-C stops everything.
// No watcher dependency: tsc watches the TypeScript, fs.watch (recursive on Node 20) the node assets.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { copyAssets } = require('./copy-assets');
const fluxLsp = require('./build-flux-lsp');

const root = path.join(__dirname, '..');
const startArgs = process.argv.slice(2);
const RESTART_DEBOUNCE_MS = 300;
// tsc prints this after every (re)compile in watch mode.
const COMPILED = /Found (\d+) errors?\. Watching for file changes\./;

let app;
let restartTimer;
let stopping = false;

function log(message) {
  process.stdout.write(`[dev] ${message}\n`);
}

function startApp() {
  app = spawn(
    process.execPath,
    ['--enable-source-maps', path.join(root, 'dist/bin/iot-center.js'), 'start', ...startArgs],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const child = app;
  child.once('exit', (code, signal) => {
    if (child === app) app = undefined;
    if (!stopping && code !== 0 && signal === null)
      log(`iot-center start exited with code ${code}; waiting for a change`);
  });
}

function stopApp() {
  const child = app;
  app = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** Several files change at once (a save-all, a tsc emit): restart once, after they settle. */
function scheduleRestart(why) {
  clearTimeout(restartTimer);
  restartTimer = setTimeout(async () => {
    log(`${why}: restarting`);
    await stopApp();
    if (!stopping) startApp();
  }, RESTART_DEBOUNCE_MS);
}

function watchAssets() {
  fs.watch(path.join(root, 'nodes'), { recursive: true }, (_event, file) => {
    if (!file || file.endsWith('.ts')) return;
    try {
      copyAssets();
      scheduleRestart(`nodes/${file} changed`);
    } catch (e) {
      log(`copying the node assets failed: ${e.message}`);
    }
  });
}

function watchTypeScript() {
  const tsc = spawn(
    process.execPath,
    [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', '.', '--watch', '--preserveWatchOutput'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let pending = '';
  tsc.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    pending += chunk.toString();
    let match;
    while ((match = COMPILED.exec(pending))) {
      pending = pending.slice(match.index + match[0].length);
      if (match[1] === '0') scheduleRestart(app ? 'compiled' : 'first compile done');
      else log('not restarting until the errors above are fixed');
    }
  });
  return tsc;
}

function main() {
  if (!fs.existsSync(path.join(fluxLsp.outDir, 'flux-lsp-browser_bg.wasm'))) fluxLsp.build();
  copyAssets();
  const tsc = watchTypeScript();
  watchAssets();
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(restartTimer);
    tsc.kill();
    await stopApp();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
