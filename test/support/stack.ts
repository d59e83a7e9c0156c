/**
 * `iot-center start` as the e2e and dashboard tests run it: a fresh folder, free ports, no INFLUX_URL, the
 * built package (Node-RED loads dist/), and a stop that Ctrl-Cs the command and removes the folder. The
 * command itself runs from sources through tsx, or as installed (dist/bin) with `{ built: true }`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../bin/ports';
import { ensureBuilt } from '../browser/support/build';
import { CliProcess, runBuiltCli, runCli } from './cli';

export interface TestStack {
  cli: CliProcess;
  /** The `--dir` folder: node-red/ (user dir, flows.json), influxdb/, admin-token. */
  dir: string;
  /** Without a trailing slash. */
  editorUrl: string;
  dashboardUrl: string;
  stop(): Promise<void>;
}

export async function startStack(
  name: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: { built?: boolean } = {},
): Promise<TestStack> {
  ensureBuilt();
  const ports = ['--port', String(await freePort()), '--emulator-port', String(await freePort())];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iot-${name}-`));
  const run = options.built ? runBuiltCli : runCli;
  const cli = run(['start', ...ports, '--dir', dir, ...extraArgs], { INFLUX_URL: '', ...env });
  const stop = async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [, dashboardUrl] = await cli.waitFor(/dashboard:\s+(http:\/\/\S+)\n/, 150_000);
    const [, editorUrl] = cli.output().match(/editor:\s+(http:\/\/\S+?)\/?\n/) ?? [];
    return { cli, dir, editorUrl, dashboardUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
