/**
 * What a user gets from the palette manager (or `npm install @iot-center/node-red` in ~/.node-red): the
 * packed tarball installed into a fresh Node-RED user dir with nothing else, then Node-RED 4 (our
 * devDependency, standing in for the user's own) started on that user dir. Through the admin API: every
 * node type registers, the examples are listed for Import > Examples, and a flow with each node deploys
 * and serves a device its configuration from the emulator the package itself ships.
 *
 * Install, offline and without a 100 s compile: npm's cache holds package tarballs, not build outputs, so
 * a plain install compiles better-sqlite3's SQLite again (its prebuilt-binary download needs GitHub, which
 * this machine cannot reach). So the install runs with --ignore-scripts and the test copies the
 * better_sqlite3.node the repository already built, after checking it is the same better-sqlite3 version.
 *
 * scripts/test-node-red-5.sh runs this file on Node 22 with IOT_CENTER_TEST_NODE_RED (Node-RED 5 to start
 * instead of the devDependency) and IOT_CENTER_TEST_BETTER_SQLITE3 (a better-sqlite3 built for Node 22, whose
 * binary is copied instead); npm, the emulator and Node-RED then all run on that Node (process.execPath, PATH).
 * The user dir's package.json pins the production tree to the lockfile's versions (`overrides`), so that
 * the install finds in npm's cache exactly the packages `npm ci` put there.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { freePort } from '../../bin/ports';
import { folderBytes, megabytes, PACKAGE_ROOT, type PackedPackage, packedPackage } from './support/packed';

const MODULE = '@iot-center/node-red';
const HOST = '127.0.0.1';
const ORG = 'package-org';
const BUCKET = 'package_bucket';
const ADMIN_TOKEN = 'package-test-admin-token';

/** Upper bounds that keep the download and the install light; raise them only knowingly. */
const MAX_TARBALL_BYTES = 2 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 8 * 1024 * 1024;

/** The Node-RED started on the user dir: the devDependency, or the one the matrix script names. */
const NODE_RED_DIR =
  process.env.IOT_CENTER_TEST_NODE_RED ??
  path.dirname(require.resolve('node-red/package.json', { paths: [PACKAGE_ROOT] }));
/** A better-sqlite3 built for the Node running the tests: the repository's, or the matrix script's. */
const BUILT_SQLITE =
  process.env.IOT_CENTER_TEST_BETTER_SQLITE3 ?? path.join(PACKAGE_ROOT, 'node_modules', 'better-sqlite3');

interface NodeSet {
  id: string;
  module: string;
  types: string[];
  enabled: boolean;
  version?: string;
  err?: unknown;
}

interface FlowNode {
  id: string;
  type: string;
  [key: string]: unknown;
}

interface Running {
  child: ChildProcess;
  output(): string;
}

/**
 * The environment of the child processes: no NODE_PATH, so nothing resolves from the repository by accident,
 * and none of the matrix script's redirects (its NODE_OPTIONS preload is inert without them).
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_PATH;
  delete env.IOT_CENTER_TEST_NODE_RED;
  delete env.IOT_CENTER_TEST_BETTER_SQLITE3;
  for (const key of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(key)) delete env[key];
  return env;
}

/** `overrides` pinning every production package to the version in the repository's lockfile. */
function lockfileOverrides(): Record<string, string | Record<string, string>> {
  const lock = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean }>;
  };
  const overrides: Record<string, string | Record<string, string>> = {};
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev || !entry.version) continue;
    const names = where
      .split('node_modules/')
      .slice(1)
      .map((n) => n.replace(/\/$/, ''));
    if (names.length === 1) {
      const current = overrides[names[0]];
      if (typeof current === 'object') current['.'] = entry.version;
      else overrides[names[0]] = entry.version;
    } else {
      // A nested copy (parent/node_modules/child) is pinned under its parent.
      const [parent, child] = names;
      const current = overrides[parent];
      const nested = typeof current === 'object' ? current : current ? { '.': current } : {};
      nested[child] = entry.version;
      overrides[parent] = nested;
    }
  }
  return overrides;
}

function installInto(userDir: string, pkg: PackedPackage): void {
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'node-red-project', private: true, overrides: lockfileOverrides() }, null, 2),
  );
  // The palette manager's own arguments (@node-red/registry installer.js), plus --ignore-scripts and a cache mode.
  const npmInstall = (cacheMode: '--offline' | '--prefer-offline') => {
    const args = ['install', '--no-audit', '--no-update-notifier', '--no-fund', '--save', '--save-prefix=~'];
    // An explicit log level: under `npm test --silent` the inherited npm_config_loglevel=silent would hide the
    // ENOTCACHED that the retry below looks for (CI failed so on a fresh machine, with an empty message).
    args.push('--omit=dev', '--engine-strict', '--ignore-scripts', '--loglevel=error', cacheMode, pkg.tarball);
    try {
      execFileSync('npm', args, { cwd: userDir, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return undefined;
    } catch (e) {
      const failure = e as { status?: number | null; stdout?: string; stderr?: string };
      const status = `exit status ${failure.status ?? 'none'}`;
      return `npm ${args.join(' ')} failed (${status}):\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`;
    }
  };
  // `npm ci` caches the tarballs but not always the registry metadata (the lockfile has no URLs to skip it
  // with), so on a fresh machine only the metadata comes from the registry; the packages still come from the cache.
  let failure = npmInstall('--offline');
  if (failure?.includes('ENOTCACHED')) failure = npmInstall('--prefer-offline');
  if (failure) throw new Error(failure);
  const installed = path.join(userDir, 'node_modules', 'better-sqlite3');
  const built = BUILT_SQLITE;
  const version = (dir: string) =>
    (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(version(installed), version(built), 'the copied better_sqlite3.node was built for this better-sqlite3');
  fs.mkdirSync(path.join(installed, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(
    path.join(built, 'build', 'Release', 'better_sqlite3.node'),
    path.join(installed, 'build', 'Release', 'better_sqlite3.node'),
  );
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, running: Running, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null)
      throw new Error(`exited (${running.child.exitCode}) before ${what}:\n${running.output()}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}:\n${running.output()}`);
}

function stop(running: Running | undefined): Promise<void> {
  const child = running?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

function writeSettings(userDir: string, port: number): string {
  const settings = {
    uiHost: HOST,
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: false,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false },
    // Node-RED also scans the node_modules it was started from (the repository's, with the dashboards):
    // a user's Node-RED has none of those, so only this package may load besides the core nodes.
    externalModules: { palette: { allowInstall: false, allowList: [MODULE], denyList: ['*'] } },
    editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  const file = path.join(userDir, 'settings.js');
  fs.writeFileSync(file, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  return file;
}

/** One node of each type, wired so that GET /package-test/devices/:deviceId registers that device. */
function flowWithEachNode(emulatorUrl: string): FlowNode[] {
  const z = 'pkg.tab';
  return [
    { id: z, type: 'tab', label: 'package test' },
    {
      id: 'pkg.cfg',
      type: 'iot-influxdb',
      name: 'emulator',
      url: emulatorUrl,
      org: ORG,
      bucket: BUCKET,
      timeout: '10',
      rejectUnauthorized: true,
      caFile: '',
      tokenSource: 'env',
      tokenEnv: 'INFLUX_TOKEN',
      healthInterval: '60',
    },
    { id: 'pkg.http', type: 'http in', z, url: '/package-test/devices/:deviceId', method: 'get', wires: [['pkg.id']] },
    {
      id: 'pkg.id',
      type: 'change',
      z,
      rules: [{ t: 'set', p: 'deviceId', pt: 'msg', to: 'req.params.deviceId', tot: 'msg' }],
      wires: [['pkg.register']],
    },
    {
      id: 'pkg.register',
      type: 'iot-register',
      z,
      influxdb: 'pkg.cfg',
      action: 'register',
      deviceId: 'deviceId',
      deviceIdType: 'msg',
      grantRead: false,
      registerOnGet: false,
      includeToken: false,
      format: 'json',
      wires: [['pkg.reply']],
    },
    { id: 'pkg.reply', type: 'http response', z, statusCode: '', headers: {}, wires: [] },
    {
      id: 'pkg.device',
      type: 'virtual-device',
      z,
      deviceId: 'pkg_virtual',
      deviceIdType: 'str',
      seed: '1',
      interval: '60',
      track: 'builtIn',
      trackFile: '',
      autoStart: false,
      influxdb: 'pkg.cfg',
      wires: [['pkg.write'], []],
    },
    {
      id: 'pkg.write',
      type: 'iot-write',
      z,
      influxdb: 'pkg.cfg',
      bucket: '',
      measurement: 'environment',
      precision: 'ms',
      batchSize: '100',
      flushInterval: '1000',
      clientId: 'deviceId',
      clientIdType: 'msg',
      forward: false,
      wires: [[]],
    },
    {
      id: 'pkg.query',
      type: 'iot-query',
      z,
      influxdb: 'pkg.cfg',
      source: 'preset',
      preset: 'lastValues',
      flux: '',
      bucket: '',
      bucketType: 'str',
      deviceId: 'pkg_virtual',
      deviceIdType: 'str',
      range: '-1h',
      rangeType: 'str',
      every: '',
      everyType: 'str',
      fields: '',
      fieldsType: 'str',
      fn: '',
      format: 'rows',
      gaugeMode: 'perField',
      rowLimit: '100',
      wires: [[]],
    },
    {
      id: 'pkg.downsample',
      type: 'iot-downsample',
      z,
      influxdb: 'pkg.cfg',
      sourceBucket: '',
      targetBucket: 'package_bucket_1h',
      retention: '400d',
      every: '1h',
      offset: '0s',
      measurement: 'environment',
      fn: 'mean',
      fields: '',
      backfillRange: '-7d',
      pollInterval: 60,
      deleteOnRemove: false,
      wires: [[]],
    },
  ];
}

describe('the package installed from its tarball into a fresh Node-RED user dir', function () {
  this.timeout(180_000);
  let pkg: PackedPackage;
  let userDir: string;
  let emulator: Running | undefined;
  let nodeRed: Running | undefined;
  let adminUrl: string;
  let emulatorUrl: string;

  const admin = (urlPath: string, init: RequestInit = {}) =>
    fetch(`${adminUrl}${urlPath}`, { ...init, headers: { Accept: 'application/json', ...init.headers } });

  before(async () => {
    pkg = packedPackage();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-install-'));
    installInto(userDir, pkg);
    const installed = path.join(userDir, 'node_modules', MODULE);

    // The emulator as a user starts it from the installed package.
    const emulatorPort = await freePort(HOST);
    emulator = run(
      process.execPath,
      [
        path.join(installed, 'dist/bin/iot-center.js'),
        'emulator',
        '--port',
        String(emulatorPort),
        '--data-dir',
        ':memory:',
      ],
      userDir,
      cleanEnv(),
    );
    emulatorUrl = await until(
      'the emulator to listen',
      async () => /listening on (http:\/\/\S+)/.exec(emulator?.output() ?? '')?.[1],
      emulator,
    );
    await new SetupAPI(new InfluxDB({ url: emulatorUrl })).postSetup({
      body: { username: 'admin', password: 'package-test-password', org: ORG, bucket: BUCKET, token: ADMIN_TOKEN },
    });

    const port = await freePort(HOST);
    const settings = writeSettings(userDir, port);
    const redJs = path.join(NODE_RED_DIR, 'red.js');
    nodeRed = run(
      process.execPath,
      [redJs, '-u', userDir, '-p', String(port), '-s', settings],
      userDir,
      cleanEnv({ INFLUX_TOKEN: ADMIN_TOKEN }),
    );
    adminUrl = `http://${HOST}:${port}`;
    await until(
      'Node-RED to answer',
      async () => ((await fetch(`${adminUrl}/settings`)).ok ? true : undefined),
      nodeRed,
    );
  });

  after(async () => {
    await stop(nodeRed);
    await stop(emulator);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("runs on the Node-RED and the Node it was given (the devDependency, or the matrix script's)", async () => {
    const settings = (await (await admin('/settings')).json()) as { version?: string };
    const expected = (
      JSON.parse(fs.readFileSync(path.join(NODE_RED_DIR, 'package.json'), 'utf8')) as { version: string }
    ).version;
    console.log(`      Node-RED ${settings.version} on Node ${process.version}`);
    // Node-RED adds "-git" when a .git folder sits four levels above its runtime (the repository's node_modules).
    assert.equal(settings.version?.replace(/-git$/, ''), expected);
  });

  it('is small to download and to install', () => {
    const installedBytes = folderBytes(path.join(userDir, 'node_modules'));
    const ownBytes = folderBytes(path.join(userDir, 'node_modules', MODULE));
    console.log(
      `      tarball ${megabytes(pkg.tarballBytes)} (${pkg.files.length} files), package unpacked ${megabytes(ownBytes)}, ` +
        `installed with its dependencies ${megabytes(installedBytes)}`,
    );
    assert.ok(pkg.tarballBytes <= MAX_TARBALL_BYTES, `tarball ${megabytes(pkg.tarballBytes)}`);
    assert.ok(ownBytes <= MAX_UNPACKED_BYTES, `unpacked ${megabytes(ownBytes)}`);
  });

  it('registers every node type of the package, enabled, without a load error', async () => {
    const response = await admin('/nodes');
    assert.equal(response.status, 200);
    const sets = ((await response.json()) as NodeSet[]).filter((set) => set.module === MODULE);
    const expected = Object.keys(pkg.manifest['node-red']?.nodes ?? {}).sort();
    assert.deepEqual(
      sets
        .map((set) => set.types)
        .flat()
        .sort(),
      expected,
    );
    for (const set of sets) {
      assert.equal(set.err, undefined, `${set.id}: ${JSON.stringify(set.err)}`);
      assert.ok(set.enabled, `${set.id} is enabled`);
      assert.equal(set.version, pkg.manifest.version);
    }
  });

  it('is a module the user installed (the palette manager can update and remove it)', async () => {
    const module = (await (await admin(`/nodes/${MODULE}`)).json()) as { user?: boolean; version?: string };
    assert.equal(module.user, true);
    assert.equal(module.version, pkg.manifest.version);
  });

  it("gives the editor each node's form and help, which names the installed version", async () => {
    const response = await fetch(`${adminUrl}/nodes`, { headers: { Accept: 'text/html', 'Accept-Language': 'en-US' } });
    assert.equal(response.status, 200);
    const html = await response.text();
    for (const type of Object.keys(pkg.manifest['node-red']?.nodes ?? {})) {
      assert.ok(html.includes(`data-template-name="${type}"`), `${type} form`);
      const help = new RegExp(`data-help-name="${type}"[\\s\\S]*?</script>`).exec(html)?.[0] ?? '';
      assert.ok(help.includes(`Version ${pkg.manifest.version} of ${MODULE}`), `${type} help names the version`);
    }
  });

  it('loads nothing but the core nodes and this package', async () => {
    const sets = (await (await admin('/nodes')).json()) as NodeSet[];
    assert.deepEqual([...new Set(sets.map((set) => set.module))].sort(), [MODULE, 'node-red']);
  });

  it('lists its example flows under Import > Examples, and serves each', async () => {
    const modules = (await (await admin('/library/examples/flows/')).json()) as string[];
    assert.ok(modules.includes(MODULE), `examples of ${modules.join(', ')}`);
    const entries = (await (await admin(`/library/examples/flows/${MODULE}`)).json()) as Array<{ fn?: string }>;
    const expected = pkg.files.filter((f) => /^examples\/[^/]+\.json$/.test(f)).map((f) => path.basename(f, '.json'));
    assert.deepEqual(entries.map((e) => e.fn).sort(), expected.sort());
    for (const name of expected) {
      const response = await admin(`/library/examples/flows/${MODULE}/${name}`);
      assert.equal(response.status, 200);
      assert.ok(Array.isArray(await response.json()), `${name} is a flow`);
    }
  });

  it('serves the Flux language server WASM to the editor from the package resources', async () => {
    const response = await fetch(`${adminUrl}/resources/${MODULE}/flux/generated/flux-lsp-browser_bg.wasm`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/wasm');
    assert.ok((await response.arrayBuffer()).byteLength > 1_000_000);
  });

  describe('a flow with one node of each type', () => {
    let deployStatus: number;
    let deployBody: string;
    let logBefore: number;

    before(async () => {
      const running = nodeRed as Running;
      logBefore = running.output().length;
      const started = (running.output().match(/Started flows/g) ?? []).length;
      const response = await admin('/flows', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Node-RED-Deployment-Type': 'full',
          'Node-RED-API-Version': 'v2',
        },
        body: JSON.stringify({ flows: flowWithEachNode(emulatorUrl) }),
      });
      deployStatus = response.status;
      deployBody = await response.text();
      if (deployStatus === 200) {
        await until(
          'the flows to start',
          async () => ((running.output().match(/Started flows/g) ?? []).length > started ? true : undefined),
          running,
        );
      }
    });

    it('deploys', async () => {
      assert.equal(deployStatus, 200, deployBody);
      assert.ok((JSON.parse(deployBody) as { rev?: string }).rev, 'a revision');
      const deployed = (await (await admin('/flows', { headers: { 'Node-RED-API-Version': 'v2' } })).json()) as {
        flows: FlowNode[];
      };
      const types = new Set(deployed.flows.map((n) => n.type));
      for (const type of Object.keys(pkg.manifest['node-red']?.nodes ?? {}))
        assert.ok(types.has(type), `${type} deployed`);
    });

    it('starts every node without an error or a warning in the log', () => {
      const log = (nodeRed as Running).output().slice(logBefore);
      assert.match(log, /Started flows/);
      assert.deepEqual(
        log.split('\n').filter((line) => /\[(error|warn)\]/.test(line)),
        [],
      );
    });

    it('registers a device through the installed nodes, against the installed emulator', async () => {
      const response = await fetch(`${adminUrl}/package-test/devices/pkg_device`);
      assert.equal(response.status, 200, await response.clone().text());
      const config = (await response.json()) as Record<string, unknown>;
      assert.equal(config.id, 'pkg_device');
      assert.equal(config.influx_org, ORG);
      assert.equal(config.influx_bucket, BUCKET);
    });
  });
});
