/**
 * Runs Node-RED 4 (the devDependency) as a child process with a user dir under `.iot-center/`, this package
 * linked into it, and the example flow (`--flow`) deployed on first start. The admin token reaches Node-RED
 * only as an environment variable that the config node reads; it is never written into the flow file.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { InfluxTarget } from './onboarding';

export interface NodeRedOptions {
  packageRoot: string;
  userDir: string;
  host: string;
  port: number;
  target: InfluxTarget;
  /** Example flow file deployed when the user dir has no flows yet. */
  exampleFlow: string;
}

export interface RunningNodeRed {
  url: string;
  /** `/ui` (node-red-dashboard), or the ui-base path of a Dashboard 2.0 flow (`/dashboard`). */
  dashboardPath: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export const TOKEN_ENV = 'INFLUX_TOKEN';

/** `IOT_CENTER_NODE_RED_INSPECT=127.0.0.1:9230` opens Node-RED's inspector there (VS Code "Attach to Node-RED"). */
export const INSPECT_ENV = 'IOT_CENTER_NODE_RED_INSPECT';

function inspectArgs(env = process.env): string[] {
  const where = env[INSPECT_ENV];
  return where ? [`--inspect=${where}`] : [];
}

export async function startNodeRed(options: NodeRedOptions): Promise<RunningNodeRed> {
  fs.mkdirSync(options.userDir, { recursive: true });
  linkPackage(options.packageRoot, options.userDir);
  const settingsFile = writeSettings(options);
  const flowFile = path.join(options.userDir, 'flows.json');
  if (!fs.existsSync(flowFile)) fs.writeFileSync(flowFile, JSON.stringify(exampleFlowFor(options), null, 2));

  const redJs = resolveNodeRed(options.packageRoot);
  const args = [...inspectArgs(), redJs, '--userDir', options.userDir, '--settings', settingsFile];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      [TOKEN_ENV]: options.target.token,
      INFLUX_URL: options.target.url,
      INFLUX_ORG: options.target.org,
      INFLUX_BUCKET: options.target.bucket,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(path.join(options.userDir, 'node-red.log'), { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const url = `http://${options.host}:${options.port}`;
  await waitUntilReady(url, child, path.join(options.userDir, 'node-red.log'));
  return {
    url,
    dashboardPath: dashboardPathOf(flowFile),
    child,
    stop: () => stopChild(child),
  };
}

/**
 * Node-RED is a devDependency: the repository has it, an installed package does not (a node package must
 * not bring a second runtime), so there `start` explains what to run instead.
 */
function resolveNodeRed(packageRoot: string): string {
  try {
    return require.resolve('node-red/red.js', { paths: [packageRoot] });
  } catch {
    throw new Error(
      '`iot-center start` runs the Node-RED of the repository (npm start in a clone), and none is installed here. ' +
        'With the package installed in ~/.node-red, start Node-RED as usual (the nodes are in its palette) and ' +
        'run `iot-center emulator` for a local InfluxDB 2.x API',
    );
  }
}

/** Node-RED finds packages in `<userDir>/node_modules`; a symlink makes it load this working copy. */
function linkPackage(packageRoot: string, userDir: string): void {
  const scopeDir = path.join(userDir, 'node_modules', '@iot-center');
  const link = path.join(scopeDir, 'node-red');
  fs.mkdirSync(scopeDir, { recursive: true });
  try {
    if (fs.readlinkSync(link) === packageRoot) return;
    fs.unlinkSync(link);
  } catch {
    fs.rmSync(link, { recursive: true, force: true });
  }
  fs.symlinkSync(packageRoot, link, 'dir');
}

function writeSettings(options: NodeRedOptions): string {
  const file = path.join(options.userDir, 'settings.js');
  const settings = {
    uiHost: options.host,
    uiPort: options.port,
    flowFile: 'flows.json',
    // Credentials of the example flow are empty (the token comes from INFLUX_TOKEN), so there is nothing to encrypt.
    credentialSecret: false,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false },
    externalModules: { palette: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  fs.writeFileSync(
    file,
    `// Written by iot-center start on every start.\nmodule.exports = ${JSON.stringify(settings, null, 2)};\n`,
  );
  return file;
}

interface FlowNode {
  type: string;
  [key: string]: unknown;
}

/** The example flow with its config node pointed at the target (the token stays an env var name). */
export function exampleFlowFor(options: Pick<NodeRedOptions, 'exampleFlow' | 'target'>): FlowNode[] {
  const flow = JSON.parse(fs.readFileSync(options.exampleFlow, 'utf8')) as FlowNode[];
  for (const node of flow) {
    if (node.type !== 'iot-influxdb') continue;
    node.url = options.target.url;
    node.org = options.target.org;
    node.bucket = options.target.bucket;
    node.tokenSource = 'env';
    node.tokenEnv = TOKEN_ENV;
  }
  return flow;
}

/** Where the deployed flows' dashboard is: a Dashboard 2.0 ui-base's path, else node-red-dashboard's `/ui`. */
function dashboardPathOf(flowFile: string): string {
  try {
    const flow = JSON.parse(fs.readFileSync(flowFile, 'utf8')) as FlowNode[];
    const base = flow.find((node) => node.type === 'ui-base');
    if (base) return typeof base.path === 'string' && base.path !== '' ? base.path : '/dashboard';
  } catch {
    // a flow file Node-RED cannot read either: it reports that itself
  }
  return '/ui';
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`Node-RED exited with code ${exited} while starting; see ${logFile}`);
    try {
      const response = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        const flows = await fetch(`${url}/flows/state`).catch(() => undefined);
        if (!flows || flows.ok) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`Node-RED did not answer on ${url} within 60 s; see ${logFile}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}
