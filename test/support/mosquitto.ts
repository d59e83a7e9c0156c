/**
 * A real mosquitto broker of its own for a test: Debian's binary (or MOSQUITTO_PATH) on a free port of 127.0.0.1,
 * anonymous, in memory. A missing binary fails the test with the command that installs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { until } from './node-red';
import { freePort } from './scripted-influx';

const INSTALL_HINT = 'install it with: apt-get install --no-install-recommends mosquitto';

export interface Broker {
  port: number;
  stop(): Promise<void>;
}

/** Debian's mosquitto (or MOSQUITTO_PATH); a missing binary fails the tests with the command that installs it. */
function mosquittoBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  const candidates = process.env.MOSQUITTO_PATH
    ? [process.env.MOSQUITTO_PATH]
    : dirs.map((d) => path.join(d, 'mosquitto'));
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`the MQTT example's test needs the mosquitto broker, which is missing: ${INSTALL_HINT}`);
  return found;
}

/** A mosquitto of its own on a free port of 127.0.0.1, anonymous, in memory; resolves once it accepts connections. */
export async function startMosquitto(): Promise<Broker> {
  const binary = mosquittoBinary();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-mosquitto-'));
  const configFile = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    configFile,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`,
  );
  const child: ChildProcess = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${log.trim()}`);
        return accepts(port);
      },
      `mosquitto listens on port ${port}`,
      10_000,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
