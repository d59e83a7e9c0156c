/**
 * `iot-center start`: the emulator (unless INFLUX_URL points at a real InfluxDB) and Node-RED with the
 * example flow, until Ctrl-C stops both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, RunningEmulator } from '../emulator';
import { allowedHostsFor } from '../lib/http-guard/allowed-hosts';
import { adminLoginFor } from './admin-login';
import type { OptionValues } from './cli/option';
import { startNodeRed } from './node-red-launcher';
import { InfluxTarget, onboardIfNeeded } from './onboarding';
import { packageRoot } from './package-root';
import { ensurePortFree } from './ports';
import { loadOrCreateSecret, PROVISIONING_KEY_ENV, PROVISIONING_KEY_FILE, type StoredSecret } from './secrets';
import type { START_OPTIONS } from './start-options';

type StartValues = OptionValues<typeof START_OPTIONS>;

export interface StartedStack {
  editorUrl: string;
  dashboardUrl: string;
  target: InfluxTarget;
  /** Node-RED's log file. */
  logFile: string;
  /** The device API's key; `created` on the first start (the only time it is printed). */
  provisioningKey: StoredSecret;
  stop(): Promise<void>;
}

export async function startStack(values: StartValues, env = process.env): Promise<StartedStack> {
  const { host, port } = values;
  const emulatorPort = values['emulator-port'];
  const dir = path.resolve(values.dir);
  const root = packageRoot();
  const exampleFlow = values.flow ? exampleFlowFile(values.flow, root) : path.join(root, 'examples', 'flows.json');
  // Checked before anything starts: an exposed editor without a login is refused outright.
  const adminLogin = adminLoginFor(host, values['admin-user'], env);
  const extraHosts = values['allowed-hosts']
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const provisioningKey = env[PROVISIONING_KEY_ENV]
    ? { value: env[PROVISIONING_KEY_ENV], file: `$${PROVISIONING_KEY_ENV}`, created: false }
    : loadOrCreateSecret(path.join(dir, PROVISIONING_KEY_FILE));

  let emulator: RunningEmulator | undefined;
  let target: InfluxTarget;
  await ensurePortFree(host, port, 'Node-RED editor', '--port');
  if (env.INFLUX_URL) {
    target = externalTarget(env);
  } else {
    await ensurePortFree(host, emulatorPort, 'InfluxDB emulator', '--emulator-port');
    emulator = await startEmulator({ host, port: emulatorPort, dataDir: path.join(dir, 'influxdb') });
    target = await onboardIfNeeded(emulator.url, dir);
  }

  try {
    const nodeRed = await startNodeRed({
      packageRoot: root,
      userDir: path.join(dir, 'node-red'),
      host,
      port,
      target,
      exampleFlow,
      allowedHosts: allowedHostsFor(host, extraHosts),
      adminLogin,
      provisioningKey: provisioningKey.value,
    });
    return {
      editorUrl: `${nodeRed.url}/`,
      dashboardUrl: `${nodeRed.url}${nodeRed.dashboardPath}`,
      target,
      logFile: nodeRed.logFile,
      provisioningKey,
      stop: async () => {
        await nodeRed.stop();
        await emulator?.close();
      },
    };
  } catch (e) {
    await emulator?.close();
    throw e;
  }
}

/** `--flow`: a path from the current directory, else one of the package's (`examples/dashboard-2.json`). */
function exampleFlowFile(option: string, root: string): string {
  const candidates = [path.resolve(option), path.resolve(root, option)];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`--flow: no flow file at ${[...new Set(candidates)].join(' or ')}`);
  return found;
}

function externalTarget(env: NodeJS.ProcessEnv): InfluxTarget {
  const missing = ['INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET'].filter((name) => !env[name]);
  if (missing.length) throw new Error(`INFLUX_URL is set, so ${missing.join(', ')} must be set too`);
  return {
    url: env.INFLUX_URL as string,
    token: env.INFLUX_TOKEN as string,
    org: env.INFLUX_ORG as string,
    bucket: env.INFLUX_BUCKET as string,
  };
}

/** The key is shown once, when it is made; later starts say where it is. */
function provisioningKeyNotice(key: StoredSecret): string {
  const how = 'devices send it as "Authorization: Bearer <key>" to /api/env/<deviceId>';
  if (key.created) return `  device API key: ${key.value}\n    (shown once; kept in ${key.file}; ${how})\n`;
  return `  device API key: in ${key.file} (${how})\n`;
}

export async function runStartCommand(values: StartValues): Promise<void> {
  const stack = await startStack(values);
  const where = process.env.INFLUX_URL ? `InfluxDB at ${stack.target.url}` : `the emulator at ${stack.target.url}`;
  process.stdout.write(
    `IoT Center for Node-RED is running with ${where} (org ${stack.target.org}, bucket ${stack.target.bucket})\n` +
      `  editor:    ${stack.editorUrl}\n` +
      `  dashboard: ${stack.dashboardUrl}\n` +
      `  log:       ${stack.logFile}\n` +
      provisioningKeyNotice(stack.provisioningKey) +
      `Press Ctrl-C to stop.\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping Node-RED and the emulator...\n');
    stack.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`iot-center: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
