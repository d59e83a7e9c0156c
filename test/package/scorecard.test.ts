/**
 * The checks of the Node-RED Flow Library's scorecard (`node-red-dev validate`) that need no network,
 * run against the package as `npm pack` makes it, so that none regresses unnoticed. The codes are the
 * scorecard's (P01 licence, P03 repository/bugs, P04 scoped name, N02 examples, D01/D02 dependencies);
 * the online ones (P02 name in the repository, P08/N01 unique names, D03 latest versions) are in README.
 */
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { type Manifest, PACKAGE_ROOT, type PackedPackage, packedPackage, registeredTypes } from './support/packed';

/** node-red-dev's own patterns (src/libs/checkpackage.js). */
const SCOPED_NAME = /@[a-z\d][\w-.]+\/[a-z\d][\w-.]*/;
const GIT_URL = /(?:git|ssh|https?|git@[-\w.]+):(\/\/)?(.*?)(\/?|#[-\d\w._]+?)$/;

/** What a node package must not pull in: a second Node-RED runtime or a dashboard, and node-red-dev's badpackages.json. */
const INCOMPATIBLE = [
  /^node-red$/,
  /^@node-red\//,
  /^node-red-dashboard$/,
  /^@flowfuse\/node-red-dashboard$/,
  /^node-red-node-test-helper$/,
];
const BAD_VERSIONS: Record<string, (version: string) => boolean> = { 'agent-base': (v) => major(v) < 6 };

/** Top-level entries a user needs, and nothing else. */
const SHIPPED_TOP_LEVEL = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'examples', 'package.json', 'resources'];

function major(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? NaN);
}

function read(pkg: PackedPackage, file: string): string {
  return fs.readFileSync(path.join(pkg.dir, file), 'utf8');
}

function nodeFiles(manifest: Manifest): string[] {
  return Object.values(manifest['node-red']?.nodes ?? {});
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
}

/** The production dependency tree npm resolved for this repository (lockfile entries not marked dev). */
function productionTree(): Array<{ name: string; version: string }> {
  const lock = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where !== '' && !entry.dev)
    .map(([where, entry]) => ({
      name: where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version ?? '',
    }));
}

/**
 * Follows `require(...)` / `require.resolve(...)` from the given files through the packed code, and returns
 * the packed files reached and the bare module names required (by which file).
 */
function requireGraph(pkg: PackedPackage, entries: string[]): { reached: Set<string>; modules: Map<string, string> } {
  const files = new Set(pkg.files);
  const reached = new Set<string>();
  const modules = new Map<string, string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    const source = read(pkg, file);
    for (const m of source.matchAll(/\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]/g)) {
      const specifier = m[1];
      if (specifier.startsWith('.')) {
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
        const target = [base, `${base}.js`, `${base}/index.js`].find((candidate) => files.has(candidate));
        assert.ok(target, `${file} requires ${specifier}, which is not in the package`);
        if (target.endsWith('.js')) pending.push(target);
      } else {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (!modules.has(name)) modules.set(name, file);
      }
    }
  }
  return { reached, modules };
}

function isBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtinModules.includes(name);
}

describe('package scorecard (node-red-dev validate, offline checks, on the packed tarball)', function () {
  this.timeout(120_000);
  let pkg: PackedPackage;

  before(() => {
    pkg = packedPackage();
  });

  describe('package.json', () => {
    it('P01: declares a licence and ships its text', () => {
      assert.equal(pkg.manifest.license, 'MIT');
      assert.ok(pkg.files.includes('LICENSE'));
      assert.match(read(pkg, 'LICENSE'), /MIT License/);
    });

    it('P03: links the repository and the place to report bugs', () => {
      const repository = pkg.manifest.repository;
      const bugs = pkg.manifest.bugs;
      assert.ok(typeof repository === 'object' && repository.url, 'repository.url is set');
      assert.match(repository.url, GIT_URL);
      assert.ok(typeof bugs === 'object' && bugs.url, 'bugs.url is set');
      assert.match(bugs.url, /^https:\/\//);
    });

    it('P04: uses a scoped name, as the Flow Library asks of new packages', () => {
      assert.equal(pkg.manifest.name, '@iot-center/node-red');
      assert.match(pkg.manifest.name, SCOPED_NAME);
    });

    it('P05: has the node-red keyword and the words users search for', () => {
      for (const keyword of ['node-red', 'influxdb', 'iot', 'flux']) {
        assert.ok(pkg.manifest.keywords?.includes(keyword), `keyword ${keyword}`);
      }
    });

    it('P06: declares the Node-RED versions it supports, which include the one the tests run', () => {
      const range = pkg.manifest['node-red']?.version ?? '';
      const floor = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(range);
      assert.ok(floor, `node-red.version "${range}" is a plain ">=x.y.z"`);
      const tested = (
        JSON.parse(fs.readFileSync(require.resolve('node-red/package.json'), 'utf8')) as { version: string }
      ).version;
      assert.ok(major(tested) >= Number(floor[1]), `Node-RED ${tested} (tested) is within ${range}`);
    });

    it('P07: declares the Node.js versions it supports, no lower than better-sqlite3 needs', () => {
      const engines = pkg.manifest.engines?.node ?? '';
      const floor = /^>=(\d+)/.exec(engines);
      assert.ok(floor, `engines.node "${engines}" is a ">=" range`);
      const sqlite = JSON.parse(
        fs.readFileSync(path.join(PACKAGE_ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8'),
      ) as { engines: { node: string } };
      const sqliteFloor = Math.min(
        ...sqlite.engines.node.split('||').map((part) => major(part.trim().replace(/^[^\d]*/, ''))),
      );
      assert.equal(Number(floor[1]), sqliteFloor);
      assert.ok(major(process.versions.node) >= Number(floor[1]), 'the tests run on a supported Node.js');
    });
  });

  describe('nodes', () => {
    it('ships every node file with its editor HTML, help, message catalog and icon beside it', () => {
      const files = new Set(pkg.files);
      assert.ok(nodeFiles(pkg.manifest).length > 0, 'package.json lists its nodes');
      for (const js of nodeFiles(pkg.manifest)) {
        const dir = path.posix.dirname(js);
        const base = path.posix.basename(js, '.js');
        for (const needed of [
          js,
          `${dir}/${base}.html`,
          `${dir}/locales/en-US/${base}.html`,
          `${dir}/locales/en-US/${base}.json`,
        ]) {
          assert.ok(files.has(needed), `${needed} is in the package`);
        }
        const icon = /\bicon:\s*['"]([^'"]+)['"]/.exec(read(pkg, `${dir}/${base}.html`))?.[1];
        if (icon && !icon.includes('/')) assert.ok(files.has(`${dir}/icons/${icon}`), `icon ${icon} of ${base}`);
      }
    });

    it('N02: has an example flow that uses each node type', () => {
      const types = nodeFiles(pkg.manifest).flatMap((js) => registeredTypes(read(pkg, js.replace(/\.js$/, '.html'))));
      assert.deepEqual([...types].sort(), Object.keys(pkg.manifest['node-red']?.nodes ?? {}).sort());
      const examples = pkg.files.filter((f) => f.startsWith('examples/') && f.endsWith('.json'));
      assert.ok(examples.length > 0, 'examples/ has flows');
      const used = new Set<string>();
      for (const example of examples) {
        const flow = JSON.parse(read(pkg, example)) as Array<{ type: string }>;
        assert.ok(Array.isArray(flow), `${example} is a flow (an array of nodes)`);
        flow.forEach((node) => used.add(node.type));
      }
      assert.deepEqual(
        types.filter((type) => !used.has(type)),
        [],
        'node types without an example',
      );
    });

    it('ships the Flux editor scripts the iot-query editor loads, and the language server glue and WASM', () => {
      const files = new Set(pkg.files);
      const html = read(pkg, 'dist/nodes/iot-query/iot-query.html');
      const scripts = [...html.matchAll(/src="resources\/@iot-center\/node-red\/([^"]+)"/g)].map(
        (m) => `resources/${m[1]}`,
      );
      assert.ok(scripts.length > 0, 'iot-query.html loads scripts from resources/');
      for (const needed of [
        ...scripts,
        'resources/flux/flux-lsp-worker.js',
        'resources/flux/generated/flux-lsp-glue.js',
        'resources/flux/generated/flux-lsp-browser_bg.wasm',
      ]) {
        assert.ok(files.has(needed), `${needed} is in the package`);
      }
    });
  });

  describe('dependencies', () => {
    it('D01: has at most 6 runtime dependencies (optional ones included)', () => {
      const count =
        Object.keys(pkg.manifest.dependencies ?? {}).length +
        Object.keys(pkg.manifest.optionalDependencies ?? {}).length;
      assert.ok(count <= 6, `${count} dependencies`);
    });

    it('D02: pulls in no incompatible package: no Node-RED runtime, no dashboard, nothing node-red-dev lists', () => {
      const declared = [
        ...Object.keys(pkg.manifest.dependencies ?? {}),
        ...Object.keys(pkg.manifest.optionalDependencies ?? {}),
        ...Object.keys(pkg.manifest.peerDependencies ?? {}),
      ];
      const tree = productionTree();
      for (const name of Object.keys(pkg.manifest.dependencies ?? {})) {
        assert.ok(
          tree.some((p) => p.name === name),
          `${name} is in the lockfile's production tree`,
        );
      }
      const offenders = [
        ...declared.filter((name) => INCOMPATIBLE.some((re) => re.test(name))),
        ...tree
          .filter((p) => INCOMPATIBLE.some((re) => re.test(p.name)) || BAD_VERSIONS[p.name]?.(p.version))
          .map((p) => `${p.name}@${p.version}`),
      ];
      assert.deepEqual(offenders, []);
    });

    it('requires nothing at run time but its own files, its dependencies and Node built-ins', () => {
      const dependencies = new Set([
        ...Object.keys(pkg.manifest.dependencies ?? {}),
        ...Object.keys(pkg.manifest.optionalDependencies ?? {}),
      ]);
      const entries = [...nodeFiles(pkg.manifest), pkg.manifest.main ?? '', ...Object.values(pkg.manifest.bin ?? {})];
      const { modules } = requireGraph(pkg, entries);
      // `iot-center start` runs the repository's Node-RED (a devDependency), found at run time by
      // bin/node-red-modules.ts; installed users start their own. Worker threads (query pool, WAL
      // checkpoints) ask for tsx only when they run from the TypeScript sources (tests), never compiled.
      const repositoryOnly = new Map([
        ['node-red', ['dist/bin/node-red-launcher.js', 'dist/bin/node-red-modules.js']],
        ['tsx', ['dist/emulator/worker-entry.js']],
      ]);
      const missing = [...modules]
        .filter(
          ([name, file]) => !isBuiltin(name) && !dependencies.has(name) && !repositoryOnly.get(name)?.includes(file),
        )
        .map(([name, file]) => `${name} (required by ${file})`);
      assert.deepEqual(missing, []);
    });

    it('loads the nodes without reaching the command line code (which may need the repository’s Node-RED)', () => {
      const { reached, modules } = requireGraph(pkg, nodeFiles(pkg.manifest));
      assert.deepEqual(
        [...reached].filter((file) => file.startsWith('dist/bin/')),
        [],
      );
      assert.ok(!modules.has('node-red'), 'no node file requires node-red');
    });

    it('loads the nodes without the optional better-sqlite3 (only the emulator needs it)', () => {
      assert.deepEqual(Object.keys(pkg.manifest.optionalDependencies ?? {}), ['better-sqlite3']);
      const { modules } = requireGraph(pkg, nodeFiles(pkg.manifest));
      assert.ok(!modules.has('better-sqlite3'), 'no node file reaches better-sqlite3');
    });
  });

  describe('files', () => {
    it('ships only what a user needs at the top level', () => {
      const top = [...new Set(pkg.files.map((f) => f.split('/')[0]))].sort();
      assert.deepEqual(top, SHIPPED_TOP_LEVEL);
    });

    it('ships no tests, benchmarks, TypeScript sources, source maps or fixtures', () => {
      const unwanted = pkg.files.filter(
        (f) =>
          /^dist\/(test|bench)\//.test(f) ||
          /\.(ts|map)$/.test(f) ||
          /(^|\/)(fixtures|test-artifacts|\.iot-center)\//.test(f),
      );
      assert.deepEqual(unwanted, []);
    });

    it('ships the compiled code of the command, the emulator, the library and the nodes', () => {
      for (const folder of ['dist/bin/', 'dist/emulator/', 'dist/lib/', 'dist/nodes/']) {
        assert.ok(
          pkg.files.some((f) => f.startsWith(folder) && f.endsWith('.js')),
          `${folder} has code`,
        );
      }
      for (const entry of [pkg.manifest.main ?? '', ...Object.values(pkg.manifest.bin ?? {})]) {
        assert.ok(pkg.files.includes(entry), `${entry} is in the package`);
      }
    });
  });
});
