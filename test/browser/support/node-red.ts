/**
 * Node-RED 4 (the devDependency) for browser tests: a child process on a free port with a temporary user
 * dir that has this package symlinked into `<userDir>/node_modules/@iot-center/node-red` (as
 * `iot-center start` does), flows deployed through the admin API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../bin/ports';
import { PACKAGE_ROOT } from './build';

export interface FlowNode {
  id: string;
  type: string;
  [key: string]: unknown;
}

export interface NodeRedOptions {
  /** Extra environment of the Node-RED process (e.g. INFLUX_TOKEN for the config node). */
  env?: Record<string, string>;
  /** `editorTheme.codeEditor.lib`; Node-RED's default is monaco. */
  codeEditor?: 'monaco' | 'ace';
}

export interface TestNodeRed {
  url: string;
  userDir: string;
  /** Replaces all flows (full deploy) and resolves when Node-RED has started them. */
  deploy(flows: FlowNode[]): Promise<void>;
  /** What Node-RED wrote to stdout/stderr so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startTestNodeRed(options: NodeRedOptions = {}): Promise<TestNodeRed> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-browser-'));
  const scope = path.join(userDir, 'node_modules', '@iot-center');
  fs.mkdirSync(scope, { recursive: true });
  fs.symlinkSync(PACKAGE_ROOT, path.join(scope, 'node-red'), 'dir');
  const port = await freePort(HOST);
  const settings = {
    uiHost: HOST,
    uiPort: port,
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false },
    externalModules: { palette: { allowInstall: false } },
    editorTheme: {
      tours: false,
      projects: { enabled: false },
      palette: { catalogues: [] },
      codeEditor: { lib: options.codeEditor ?? 'monaco' },
    },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
  };
  const settingsFile = path.join(userDir, 'settings.js');
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);

  const redJs = require.resolve('node-red/red.js', { paths: [PACKAGE_ROOT] });
  const child = spawn(process.execPath, [redJs, '--userDir', userDir, '--settings', settingsFile], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://${HOST}:${port}`;
  const stop = async (): Promise<void> => {
    await stopChild(child);
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    userDir,
    log: () => output,
    stop,
    deploy: async (flows) => {
      const response = await fetch(`${url}/flows`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Node-RED-Deployment-Type': 'full',
          'Node-RED-API-Version': 'v2',
        },
        body: JSON.stringify({ flows }),
      });
      if (!response.ok)
        throw new Error(`deploying the test flow failed: HTTP ${response.status} ${await response.text()}`);
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Node-RED exited with code ${child.exitCode} while starting:\n${output()}`);
    try {
      const response = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Node-RED did not answer on ${url} within 60 s:\n${output()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}
