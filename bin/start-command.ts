/**
 * `iot-center start`: the emulator (unless INFLUX_URL points at a real InfluxDB) and Node-RED with the
 * example flow, until Ctrl-C stops both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, RunningEmulator } from '../emulator';
import { intOption, ParsedArgs, stringOption } from './args';
import { startNodeRed } from './node-red-launcher';
import { InfluxTarget, onboardIfNeeded } from './onboarding';
import { packageRoot } from './package-root';
import { ensurePortFree } from './ports';

export interface StartedStack {
  editorUrl: string;
  dashboardUrl: string;
  target: InfluxTarget;
  stop(): Promise<void>;
}

export async function startStack(args: ParsedArgs, env = process.env): Promise<StartedStack> {
  const host = stringOption(args.options, 'host', '127.0.0.1');
  const port = intOption(args.options, 'port', 1880);
  const emulatorPort = intOption(args.options, 'emulator-port', 8086);
  const dir = path.resolve(stringOption(args.options, 'dir', '.iot-center'));
  const root = packageRoot();
  const flowOption = stringOption(args.options, 'flow', '');
  const exampleFlow = flowOption ? exampleFlowFile(flowOption, root) : path.join(root, 'examples', 'flows.json');

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
    });
    return {
      editorUrl: `${nodeRed.url}/`,
      dashboardUrl: `${nodeRed.url}${nodeRed.dashboardPath}`,
      target,
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

export async function runStartCommand(args: ParsedArgs): Promise<void> {
  const stack = await startStack(args);
  const where = process.env.INFLUX_URL ? `InfluxDB at ${stack.target.url}` : `the emulator at ${stack.target.url}`;
  process.stdout.write(
    `IoT Center for Node-RED is running with ${where} (org ${stack.target.org}, bucket ${stack.target.bucket})\n` +
      `  editor:    ${stack.editorUrl}\n` +
      `  dashboard: ${stack.dashboardUrl}\n` +
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
