/**
 * Node tests: Node-RED 4 through node-red-node-test-helper, our nodes loaded from source with their
 * en-US message catalogs (so statuses and errors read as users see them), against an onboarded emulator.
 *
 *   const fixture = useNodeRedWithEmulator({ lifetime: 'test' });   // hooks: server, userDir, emulator, unload
 *   await fixture.deploy([writeNode], [{ id: 'w', type: 'iot-write', z: TAB, influxdb: 'influx' }, ...watch('w')]);
 *   const outcome = await send('w', { payload });        // waits for done() / done(err) of that msg
 *   await waitForStatus('w', (s) => s.text?.startsWith('buffered') === true, 'counts shown');
 *   fixture.influx.influx.getQueryApi(fixture.influx.org) // the onboarded emulator, with a real client
 *
 * Without an emulator, or with one set up by hand: useNodeRed(), startOnboarded(), influxConfig() and
 * loadFlow(). Call useNodeRed() before the file's own hooks, so that the flow is unloaded (pipelines closed)
 * before an afterEach of the test closes the emulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import type { EmulatorOptions } from '../../emulator/state';
import influxdbNode = require('../../nodes/iot-influxdb/iot-influxdb');
import { type Onboarded, startOnboarded } from './emulator';

export { startOnboarded, TEST_TOKEN } from './emulator';
export type { Onboarded } from './emulator';

/** A node module as Node-RED loads it: `export = function (RED) {...}`. */
export type NodeModule = (RED: NodeAPI) => void | Promise<void>;

/** A node of a flow, as in flows.json. */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

export type Credentials = Record<string, Record<string, string>>;

interface TestResponse {
  status: number;
  body: unknown;
}

/** The part of node-red-node-test-helper 0.3 these tests use (it ships no types). */
export interface TestHelper {
  init(runtimePath: string, settings?: object): void;
  settings(settings: object): object;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  load(modules: NodeModule[], flow: FlowNode[], credentials?: Credentials): Promise<void>;
  setFlows(flow: FlowNode[], type: 'full' | 'flows' | 'nodes', credentials?: Credentials): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): Node | null;
  /** supertest against the admin app (RED.httpAdmin). */
  request(): {
    post(url: string): { send(body: object): PromiseLike<TestResponse> };
    get(url: string): PromiseLike<TestResponse>;
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as TestHelper;
// IOT_CENTER_TEST_NODE_RED: another Node-RED to test on (scripts/test-node-red-5.sh: Node-RED 5 on Node 22).
helper.init(require.resolve(process.env.IOT_CENTER_TEST_NODE_RED ?? 'node-red'));

/** The tab every test flow lives on (catch, complete and status nodes need one). */
export const TAB = 'f1';

let currentUserDir: string | undefined;

/** Registers the hooks of a node test file: Node-RED server, a fresh userDir per test, unload after each test. */
export function useNodeRed(): void {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(() => {
    currentUserDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-node-test-'));
    helper.settings({ userDir: currentUserDir });
  });
  afterEach(async () => {
    await helper.unload();
    if (currentUserDir) fs.rmSync(currentUserDir, { recursive: true, force: true });
    currentUserDir = undefined;
  });
}

/** Node-RED's userDir of the running test (our nodes keep spools and device tokens in `<userDir>/.iot-center`). */
export function userDir(): string {
  if (!currentUserDir) throw new Error('userDir() needs useNodeRed() in the describe block');
  return currentUserDir;
}

/** Loads the flow (plus a tab) with our nodes, whose `RED._` reads the en-US catalogs. */
export async function loadFlow(modules: NodeModule[], flow: FlowNode[], credentials: Credentials = {}): Promise<void> {
  const nodes = flow.some((n) => n.id === TAB) ? flow : [{ id: TAB, type: 'tab', label: 'test' }, ...flow];
  await helper.load(modules.map(withCatalogs), nodes, credentials);
}

/** The `iot-influxdb` config node (id `influx` unless given) for an onboarded emulator, and its token credential. */
export function influxConfig(
  influx: Onboarded,
  fields: Partial<FlowNode> = {},
  token: string = influx.token,
): { node: FlowNode; credentials: Credentials } {
  const node: FlowNode = {
    id: 'influx',
    type: 'iot-influxdb',
    name: 'emulator',
    url: influx.emulator.url,
    org: influx.org,
    bucket: influx.bucket,
    timeout: 10,
    rejectUnauthorized: true,
    caFile: '',
    tokenSource: 'cred',
    tokenEnv: '',
    healthInterval: 0,
    ...fields,
  };
  return { node, credentials: { [node.id]: { token } } };
}

/** Node-RED with our nodes against an onboarded emulator, as `useNodeRedWithEmulator` sets them up. */
export interface NodeRedWithEmulator {
  /** The emulator of the running test: org `my-org`, bucket `my-bucket`, operator token, a real client. */
  readonly influx: Onboarded;
  /**
   * Loads the flow with the `iot-influxdb` config node `influx` in front (fields and token as `influxConfig`
   * takes them) and its module added to `modules`.
   */
  deploy(modules: NodeModule[], flow: FlowNode[], config?: Partial<FlowNode>, token?: string): Promise<void>;
  /** Closes the emulator (if a test has not) and starts a fresh onboarded one on the same port: an outage ends. */
  restartEmulator(): Promise<void>;
}

/**
 * useNodeRed() plus an onboarded emulator that lives for one test or for the whole describe block (tests that
 * read data seeded once). Its hooks come after useNodeRed's, so the flow is unloaded before the emulator closes.
 */
export function useNodeRedWithEmulator(options: {
  lifetime: 'test' | 'describe';
  emulator?: Partial<EmulatorOptions>;
}): NodeRedWithEmulator {
  useNodeRed();
  let running: Onboarded | undefined;
  const start = async (): Promise<void> => {
    running = await startOnboarded(options.emulator);
  };
  const close = async (): Promise<void> => {
    await running?.emulator.close();
    running = undefined;
  };
  if (options.lifetime === 'test') {
    beforeEach(start);
    afterEach(close);
  } else {
    before(start);
    after(close);
  }
  const fixture: NodeRedWithEmulator = {
    get influx(): Onboarded {
      if (!running) throw new Error('the emulator runs only inside the hooks and tests of its describe block');
      return running;
    },
    deploy: async (modules, flow, config = {}, token) => {
      const cfg = influxConfig(fixture.influx, config, token);
      await loadFlow([influxdbNode, ...modules], [cfg.node, ...flow], cfg.credentials);
    },
    restartEmulator: async () => {
      const port = fixture.influx.emulator.port;
      await close();
      running = await startOnboarded({ ...options.emulator, port });
    },
  };
  return fixture;
}

/** Catch and complete nodes scoped to `id`, so that `send()` learns how each msg ended. */
export function watch(id: string): FlowNode[] {
  return [
    { id: `${id}-catch`, type: 'catch', z: TAB, scope: [id], uncaught: false, wires: [[`${id}-errors`]] },
    { id: `${id}-complete`, type: 'complete', z: TAB, scope: [id], wires: [[`${id}-done`]] },
    { id: `${id}-errors`, type: 'helper', z: TAB },
    { id: `${id}-done`, type: 'helper', z: TAB },
  ];
}

export type Outcome = { ok: true; msg: NodeMessage } | { ok: false; error: string; msg: NodeMessage };

/** Gives the node a msg and waits until it calls done() (ok) or done(err) for it. Needs `watch(id)` in the flow. */
export function send(id: string, msg: NodeMessage, ms = 20_000): Promise<Outcome> {
  const node = requireNode(id);
  const done = requireNode(`${id}-done`);
  const errors = requireNode(`${id}-errors`);
  return new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new Error(`node ${id} did not call done() within ${ms} ms`))),
      ms,
    );
    const onDone = (m: NodeMessage): void => {
      if (m._msgid === msg._msgid) finish(() => resolve({ ok: true, msg: m }));
    };
    const onError = (m: NodeMessage): void => {
      if (m._msgid !== msg._msgid) return;
      const error = (m.error as { message?: unknown } | undefined)?.message;
      finish(() => resolve({ ok: false, error: String(error), msg: m }));
    };
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      done.removeListener('input', onDone);
      errors.removeListener('input', onError);
      settle();
    };
    done.on('input', onDone);
    errors.on('input', onError);
    node.receive(msg); // sets msg._msgid before any handler runs
  });
}

/** The next msg that reaches the helper node `id`. */
export function nextMessage(id: string, ms = 20_000): Promise<NodeMessage> {
  const node = requireNode(id);
  return new Promise<NodeMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no msg reached ${id} within ${ms} ms`)), ms);
    node.once('input', (m: NodeMessage) => {
      clearTimeout(timer);
      resolve(m);
    });
  });
}

interface StatusSpy {
  getCalls(): Array<{ thisValue: unknown; args: unknown[] }>;
}

/** Every status the node has set since the flow was loaded (the helper spies on Node.prototype.status). */
export function statuses(id: string): NodeStatus[] {
  const node = requireNode(id);
  const spy = (helper as unknown as { _NodePrototype: { status: StatusSpy } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue === node)
    .map((c) => (typeof c.args[0] === 'string' ? { text: c.args[0] } : ((c.args[0] ?? {}) as NodeStatus)));
}

/** The node's current status ({} when none was set). */
export function lastStatus(id: string): NodeStatus {
  const all = statuses(id);
  return all[all.length - 1] ?? {};
}

/** Polls the node's current status until `check` holds; fails with the last status after `ms`. */
export async function waitForStatus(
  id: string,
  check: (s: NodeStatus) => boolean,
  what: string,
  ms = 15_000,
): Promise<NodeStatus> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = lastStatus(id);
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}; status is ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls until `check` holds (async checks allowed). */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function requireNode(id: string): Node {
  const node = helper.getNode(id);
  if (!node) throw new Error(`no node "${id}" in the loaded flow`);
  return node;
}

// The helper's RED._ returns the key; ours reads nodes/*/locales/en-US/*.json as Node-RED would.
const NODES_DIR = path.join(__dirname, '..', '..', 'nodes');
let catalog: Record<string, unknown> | undefined;

function messages(): Record<string, unknown> {
  if (catalog) return catalog;
  catalog = {};
  for (const type of fs.readdirSync(NODES_DIR)) {
    const dir = path.join(NODES_DIR, type, 'locales', 'en-US');
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      Object.assign(catalog, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>);
    }
  }
  return catalog;
}

/** i18next as Node-RED sets it up: dotted keys, `__name__` placeholders; an unknown key comes back as is. */
export function translate(key: string, vars: Record<string, unknown> = {}): string {
  const bare = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
  let value: unknown = messages();
  for (const part of bare.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  if (typeof value !== 'string') return key;
  return value.replace(/__([A-Za-z0-9_]+)__/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

function withCatalogs(module: NodeModule): NodeModule {
  return (RED) =>
    module(
      new Proxy(RED, { get: (target, p, receiver) => (p === '_' ? translate : Reflect.get(target, p, receiver)) }),
    );
}
