/**
 * Runs Node-RED 4 (the devDependency) as a child process with a user dir under `.iot-center/`, this package
 * linked into it, and the example flow (`--flow`) deployed on first start. Node-RED runs embedded behind the
 * request guard (node-red-host.ts): no other origin may call it. The admin token and the provisioning key
 * reach Node-RED only as environment variables; they are never written into the flow file.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AdminLogin } from './admin-login';
import { bcrypt } from './basic-auth';
import { nodeRedDir } from './node-red-modules';
import type { InfluxTarget } from './onboarding';
import { CREDENTIAL_SECRET_FILE, loadOrCreateSecret, PROVISIONING_KEY_ENV } from './secrets';

export interface NodeRedOptions {
  packageRoot: string;
  userDir: string;
  host: string;
  port: number;
  target: InfluxTarget;
  /** Example flow file deployed when the user dir has no flows yet. */
  exampleFlow: string;
  /** Host names Node-RED answers to (the request guard refuses others). */
  allowedHosts: ReadonlySet<string>;
  /** The editor's login; required unless Node-RED listens on loopback only. */
  adminLogin?: AdminLogin;
  /** The key devices present to the example flow's device API. */
  provisioningKey: string;
}

export interface RunningNodeRed {
  url: string;
  /** `/ui` (node-red-dashboard), or the ui-base path of a Dashboard 2.0 flow (`/dashboard`). */
  dashboardPath: string;
  child: ChildProcess;
  /** Node-RED's log (its console output). */
  logFile: string;
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

  nodeRedDir(); // fails at once, saying what to run instead, where Node-RED is not installed
  const args = [
    ...inspectArgs(),
    ...hostCommand(),
    '--settings',
    settingsFile,
    '--allowed-hosts',
    [...options.allowedHosts].join(','),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      [TOKEN_ENV]: options.target.token,
      INFLUX_URL: options.target.url,
      INFLUX_ORG: options.target.org,
      INFLUX_BUCKET: options.target.bucket,
      [PROVISIONING_KEY_ENV]: options.provisioningKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = path.join(options.userDir, 'node-red.log');
  const log = fs.createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const url = `http://${urlHost(options.host)}:${options.port}`;
  await waitUntilReady(url, child, logFile, options.adminLogin);
  return {
    url,
    dashboardPath: dashboardPathOf(flowFile),
    child,
    logFile,
    stop: () => stopChild(child),
  };
}

/** The host process, compiled (dist/) or, when the CLI runs from sources, through tsx. */
function hostCommand(): string[] {
  const host = path.join(__dirname, `node-red-host${path.extname(__filename)}`);
  return path.extname(__filename) === '.ts' ? ['--import', 'tsx', host] : [host];
}

/** A wildcard bind is reached at loopback; an IPv6 literal needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
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
  // Credentials a user enters (tokens of their own config nodes) are encrypted at rest with this secret.
  loadOrCreateSecret(path.join(options.userDir, CREDENTIAL_SECRET_FILE));
  const login = options.adminLogin;
  const passwordHash = login ? bcrypt().hashSync(login.password, 10) : undefined;
  const settings = {
    uiHost: options.host,
    uiPort: options.port,
    userDir: options.userDir,
    httpAdminRoot: '/',
    httpNodeRoot: '/',
    flowFile: 'flows.json',
    ...(login && passwordHash
      ? {
          adminAuth: {
            type: 'credentials',
            users: [{ username: login.user, password: passwordHash, permissions: '*' }],
          },
          httpNodeAuth: { user: login.user, pass: passwordHash },
        }
      : {}),
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false },
    // The palette manager installs from Node-RED's catalogue as in any Node-RED (credentials are encrypted now).
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  const secretFile = JSON.stringify(CREDENTIAL_SECRET_FILE);
  fs.writeFileSync(
    file,
    '// Written by iot-center start on every start. The credential secret stays in its own owner-only file.\n' +
      `const secret = require('fs').readFileSync(require('path').join(__dirname, ${secretFile}), 'utf8').trim();\n` +
      `module.exports = { ...${JSON.stringify(settings, null, 2)}, credentialSecret: secret };\n`,
    { mode: 0o600 },
  );
  // writeFileSync keeps the mode of an existing file: a settings file may hold a password hash.
  fs.chmodSync(file, 0o600);
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

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, login?: AdminLogin): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`Node-RED exited with code ${exited} while starting; see ${logFile}`);
    try {
      // With a login, /settings answers 401 until a session: any answer means the editor is up.
      const response = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2000) });
      if (login && response.status === 401) return;
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
