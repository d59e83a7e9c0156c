/**
 * The write path as a user runs it, with faults: Node-RED (a real child process, as `iot-center start` runs
 * it) with the example flow's `iot-write` fed by an HTTP-in route, against an emulator on a fixed port and
 * data folder that a test can stop, restart or throttle. Node-RED can be killed with SIGKILL and started
 * again on the same user dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { startNodeRed, type RunningNodeRed } from '../../bin/node-red-launcher';
import { onboardIfNeeded, type InfluxTarget } from '../../bin/onboarding';
import { freePort } from '../../bin/ports';
import { startEmulator, type FaultRule, type RunningEmulator } from '../../emulator';
import { ensureBuilt } from '../browser/support/build';
import { REPO_ROOT } from './cli';
import { readExample } from './examples';

/** Points are `ingest,clientId=dev<i%10> seq=<i>i <BASE+i>` (ms): one series-and-time per seq, so a count is exact. */
export const BASE_MS = Date.UTC(2026, 0, 1);

export interface WriteStack {
  dir: string;
  target: InfluxTarget;
  emulator(): RunningEmulator | undefined;
  startEmulator(faults?: FaultRule[]): Promise<RunningEmulator>;
  stopEmulator(): Promise<void>;
  nodeRed(): RunningNodeRed;
  killNodeRed(): Promise<void>;
  startNodeRed(): Promise<RunningNodeRed>;
  /** Posts points seq from..from+count-1 as one msg; resolves once Node-RED acknowledged them (retries until it can). */
  post(from: number, count: number): Promise<void>;
  /** How many distinct points of the `ingest` measurement the bucket holds, and the sum of their seq. */
  stored(): Promise<{ count: number; sum: number }>;
  /** Node-RED's log so far. */
  log(): string;
  stop(): Promise<void>;
}

export async function startWriteStack(name: string): Promise<WriteStack> {
  ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iot-${name}-`));
  const emulatorPort = await freePort();
  const nodeRedPort = await freePort();
  let emulator: RunningEmulator | undefined;
  const start = async (faults: FaultRule[] = []) => {
    emulator = await startEmulator({ port: emulatorPort, dataDir: path.join(dir, 'influxdb'), faults });
    return emulator;
  };
  await start();
  const target = await onboardIfNeeded((emulator as RunningEmulator).url, dir);
  const flowFile = path.join(dir, 'ingest-flow.json');
  fs.writeFileSync(flowFile, JSON.stringify(ingestFlow()));
  const options = {
    packageRoot: REPO_ROOT,
    userDir: path.join(dir, 'node-red'),
    host: '127.0.0.1',
    port: nodeRedPort,
    target,
    exampleFlow: flowFile,
    allowedHosts: new Set(['127.0.0.1', 'localhost']),
    provisioningKey: 'write-stack-provisioning-key',
  };
  let nodeRed = await startNodeRed(options);
  const url = `http://127.0.0.1:${nodeRedPort}`;

  return {
    dir,
    target,
    emulator: () => emulator,
    startEmulator: start,
    stopEmulator: async () => {
      await emulator?.close();
      emulator = undefined;
    },
    nodeRed: () => nodeRed,
    killNodeRed: async () => {
      const exited = new Promise((resolve) => nodeRed.child.once('exit', resolve));
      nodeRed.child.kill('SIGKILL');
      await exited;
    },
    startNodeRed: async () => {
      nodeRed = await startNodeRed(options);
      return nodeRed;
    },
    post: async (from, count) => {
      const body = lines(from, count).join('\n');
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await fetch(`${url}/ingest`, {
            method: 'POST',
            headers: { 'Content-Type': 'text/plain' },
            body,
          });
          const answer = await response.text();
          if (response.status === 200) return;
          throw new Error(`Node-RED answered ${response.status}: ${answer}`);
        } catch (e) {
          // Node-RED is being restarted: the msg was not acknowledged, so it is sent again.
          if (attempt > 200) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    stored: async () => {
      const running = emulator;
      if (!running) throw new Error('the emulator is stopped');
      const query = new InfluxDB({ url: running.url, token: target.token }).getQueryApi(target.org);
      const points = `from(bucket: "${target.bucket}") |> range(start: 2025-12-01T00:00:00Z)
        |> filter(fn: (r) => r._measurement == "ingest" and r._field == "seq") |> group()`;
      const [counted] = await query.collectRows<{ _value: number }>(`${points} |> count()`);
      const [summed] = await query.collectRows<{ _value: number }>(`${points} |> sum()`);
      return { count: counted?._value ?? 0, sum: summed?._value ?? 0 };
    },
    log: () => readIfThere(path.join(dir, 'node-red', 'node-red.log')),
    stop: async () => {
      if (nodeRed.child.exitCode === null && nodeRed.child.signalCode === null) await nodeRed.stop();
      await emulator?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function lines(from: number, count: number): string[] {
  const out: string[] = [];
  for (let i = from; i < from + count; i++) out.push(`ingest,clientId=dev${i % 10} seq=${i}i ${BASE_MS + i}`);
  return out;
}

/** Sum of seq over 0..n-1. */
export function seqSum(n: number): number {
  return (n * (n - 1)) / 2;
}

/** The example flow's iot-write (same settings), fed by POST /ingest and answering once it took the points. */
function ingestFlow(): Array<Record<string, unknown>> {
  const example = readExample('flows.json');
  const config = example.find((n) => n.type === 'iot-influxdb');
  const write = example.find((n) => n.id === 'iotc.write');
  if (!config || !write) throw new Error('examples/flows.json has no iot-influxdb or iotc.write node');
  return [
    { id: 'ingest.tab', type: 'tab', label: 'ingest' },
    config,
    {
      id: 'ingest.in',
      type: 'http in',
      z: 'ingest.tab',
      url: '/ingest',
      method: 'post',
      x: 100,
      y: 100,
      wires: [['ingest.write']],
    },
    { ...write, id: 'ingest.write', z: 'ingest.tab', forward: true, x: 300, y: 100, wires: [['ingest.reply']] },
    { id: 'ingest.reply', type: 'http response', z: 'ingest.tab', x: 500, y: 100, wires: [] },
  ];
}

function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
