/**
 * The processes the benchmarks drive: the emulator as its own process (the built `iot-center emulator`, as
 * installed, so that it has a core of its own and its memory is its own), onboarded with the real SetupAPI;
 * and Node-RED embedded in the benchmark process through node-red-node-test-helper, with our nodes and
 * node-red-contrib-influxdb loaded side by side.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { BucketsAPI, SetupAPI } from '@influxdata/influxdb-client-apis';
import type { Node, NodeMessage } from 'node-red';
import { runBuiltCli } from '../test/support/cli';

export const ROOT = path.join(__dirname, '..');
export const TOKEN = 'bench-operator-token';
export const ORG = 'bench';

export interface EmulatorProcess {
  url: string;
  pid: number;
  orgID: string;
  dataDir: string;
  /** Creates a bucket (infinite retention) and returns its name. */
  bucket(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts `iot-center emulator` on a fresh data directory and onboards it. If either fails, the process is
 * stopped and the directory removed.
 */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-emulator-'));
  const cli = runBuiltCli(['emulator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir]);
  const child = cli.child;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await cli.exited();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let url: string;
  let orgID: string;
  try {
    [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/, 60_000);
    const setup = await new SetupAPI(new InfluxDB({ url })).postSetup({
      body: { org: ORG, bucket: 'default', username: 'bench', password: 'password1', token: TOKEN },
    });
    orgID = setup.org?.id ?? '';
  } catch (e) {
    await stop();
    throw e;
  }
  const buckets = new BucketsAPI(new InfluxDB({ url, token: TOKEN }));
  const emulator: EmulatorProcess = {
    url,
    pid: child.pid ?? 0,
    orgID,
    dataDir,
    async bucket(name) {
      await buckets.postBuckets({ body: { orgID, name, retentionRules: [] } });
      return name;
    },
    async close() {
      runningEmulators.delete(emulator.pid);
      await stop();
    },
  };
  runningEmulators.set(emulator.pid, emulator);
  return emulator;
}

export interface EmulatorOnDir {
  url: string;
  pid: number;
  /** What it printed, for when something fails. */
  output(): string;
  /** Stops it (its data directory stays). */
  close(): Promise<void>;
}

/** Starts `iot-center emulator` on a data directory as it is: neither onboarded nor removed here. */
export async function startEmulatorOnDir(dataDir: string): Promise<EmulatorOnDir> {
  const cli = runBuiltCli(['emulator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir]);
  const child = cli.child;
  try {
    const [, url] = await cli.waitFor(/listening on (http:\/\/\S+)/, 60_000);
    return {
      url,
      pid: child.pid ?? 0,
      output: () => cli.output(),
      async close() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await cli.exited();
        }
      },
    };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

/** Resident set size of a process, in MB (Linux /proc; else undefined). */
export function rssMB(pid: number): number | undefined {
  return procStatusMB(pid, 'VmRSS');
}

/** A memory line of /proc/<pid>/status in MB: VmRSS (resident now) or VmHWM (its peak); else undefined. */
export function procStatusMB(pid: number, key: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The emulator processes this benchmark started and has not closed, by pid. */
const runningEmulators = new Map<number, EmulatorProcess>();

export function emulatorByPid(pid: number): EmulatorProcess | undefined {
  return runningEmulators.get(pid);
}

/** Waits until check() holds, polling every few ms. */
export async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/* ------------------------------------------------------------------------------------------------------ */
/* Embedded Node-RED                                                                                       */

/** A node module as Node-RED loads it. */
type NodeModule = (RED: never) => void | Promise<void>;

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

interface TestHelper {
  init(runtimePath: string, settings?: object): void;
  settings(settings: object): object;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  load(modules: NodeModule[], flow: FlowNode[], credentials?: Record<string, Record<string, string>>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): Node | null;
}

export const TAB = 'bench-tab';

export interface EmbeddedNodeRed {
  userDir: string;
  /** Loads a flow (on one tab) with these node modules. */
  load(modules: unknown[], flow: FlowNode[], credentials?: Record<string, Record<string, string>>): Promise<void>;
  node(id: string): Node;
  /**
   * One `complete` and one `catch` node for these nodes (the test helper loads a core node's module once per
   * node of its type, so there can be only one of each). They count done() calls by `msg.bench`:
   * `completed(key)` is how many msgs tagged `key` finished, `failed(key)` how many ended in done(err).
   */
  completed(key: string): number;
  failed(key: string): number;
  unload(): Promise<void>;
  stop(): Promise<void>;
}

const HOOK_LABEL = 'bench';

/** Node-RED's hooks (the runtime's own module instance: the helper runs the node-red installed here). */
function nodeRedHooks(): {
  add(name: string, hook: (event: never) => void): void;
  remove(name: string): void;
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@node-red/util') as { hooks: ReturnType<typeof nodeRedHooks> }).hooks;
}

/** The Node methods node-red-node-test-helper wraps in a sinon spy when it loads a flow. */
const SPIED_NODE_METHODS = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'];

export async function startNodeRed(): Promise<EmbeddedNodeRed> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const helper = require('node-red-node-test-helper') as TestHelper;
  helper.init(require.resolve('node-red'));
  // `Node.prototype` of the runtime the helper drives, and its methods before the helper wraps them.
  const nodePrototype = (helper as unknown as { _NodePrototype: Record<string, unknown> })._NodePrototype;
  const nodeMethods = SPIED_NODE_METHODS.map((name) => [name, nodePrototype[name]] as const);
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-node-red-'));
  helper.settings({ userDir, logging: { console: { level: 'off' } } });
  try {
    await helper.startServer();
  } catch (e) {
    fs.rmSync(userDir, { recursive: true, force: true });
    throw e;
  }
  // done() of each msg that carries a `bench` key, counted by Node-RED's onComplete hook: complete and catch nodes
  // would deep-clone every msg (~3 µs each), a cost of the measuring, not of the nodes measured.
  const counts = new Map<string, { done: number; failed: number }>();
  nodeRedHooks().add(
    `onComplete.${HOOK_LABEL}`,
    (event: { msg: NodeMessage & { bench?: unknown }; error?: unknown }) => {
      if (event.msg.bench === undefined) return;
      const key = String(event.msg.bench);
      const c = counts.get(key) ?? { done: 0, failed: 0 };
      counts.set(key, c);
      c[event.error ? 'failed' : 'done']++;
    },
  );
  const requireNode = (id: string): Node => {
    const n = helper.getNode(id);
    if (!n) throw new Error(`bench: no node ${id} in the flow`);
    return n;
  };
  return {
    userDir,
    async load(modules, flow, credentials = {}) {
      counts.clear();
      await helper.load(modules as NodeModule[], [{ id: TAB, type: 'tab', label: 'bench' }, ...flow], credentials);
      // The helper spies on Node methods (send, status, log...) with sinon, which records each call: a
      // benchmark would measure sinon. Restoring its sandbox is not enough, as the helper puts a Proxy over
      // each spy, and a node with wires keeps its own copy of `send`: Node-RED's own methods are put back.
      const proxiedSend = nodePrototype.send;
      const spied = helper as unknown as { _sandbox: { restore(): void } };
      spied._sandbox.restore();
      for (const [name, method] of nodeMethods) nodePrototype[name] = method;
      for (const { id } of flow) {
        const n = helper.getNode(id) as (Node & Record<string, unknown>) | null;
        if (n && n.send === proxiedSend) n.send = nodePrototype.send as Node['send'];
      }
    },
    node: requireNode,
    completed: (key) => counts.get(key)?.done ?? 0,
    failed: (key) => counts.get(key)?.failed ?? 0,
    unload: () => helper.unload(),
    async stop() {
      nodeRedHooks().remove(`*.${HOOK_LABEL}`);
      await helper.unload();
      await helper.stopServer();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** Hands msgs to a node, yielding to the event loop every `chunk` msgs as a busy flow would. */
export async function feed(node: Node, msgs: readonly NodeMessage[], chunk = 500): Promise<void> {
  for (let i = 0; i < msgs.length; i++) {
    node.receive(msgs[i]);
    if ((i + 1) % chunk === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
