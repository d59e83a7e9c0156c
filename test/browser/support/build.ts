/**
 * Node-RED loads the built package (dist/ and resources/flux/generated/), so browser tests first make
 * sure the build is not older than the sources, and build when it is (once per test run).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PACKAGE_ROOT = path.resolve(__dirname, '../../..');

// bench/: the benchmark runs some of its children from dist/ (bench/raw-query-memory.ts).
const COMPILED_FOLDERS = ['nodes', 'lib', 'emulator', 'bin', 'bench'];
const COPIED_EXTENSIONS = new Set(['.html', '.json', '.svg', '.png']);
const GENERATED = ['resources/flux/generated/flux-lsp-glue.js', 'resources/flux/generated/flux-lsp-browser_bg.wasm'];

let built = false;

/** Runs `npm run build` when dist/ is older than a source, and the Flux LSP build when its output is missing or old. */
export function ensureBuilt(): void {
  if (built) return;
  const stale = staleOutputs();
  if (stale.length > 0) run('npm', ['run', 'build', '--silent'], `dist/ is older than ${stale[0]}`);
  if (fluxLspStale())
    run(process.execPath, ['scripts/build-flux-lsp.js'], 'resources/flux/generated/ is missing or old');
  built = true;
}

function run(command: string, args: string[], why: string): void {
  const result = spawnSync(command, args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `browser tests need a build (${why}), and \`${command} ${args.join(' ')}\` failed:\n${result.stdout}\n${result.stderr}`,
    );
  }
}

function mtime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Sources (relative paths) whose output in dist/ is missing or older. */
function staleOutputs(): string[] {
  const stale: string[] = [];
  const visit = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(PACKAGE_ROOT, relative), { withFileTypes: true })) {
      const rel = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        visit(rel);
        continue;
      }
      const ext = path.extname(entry.name);
      let output: string | undefined;
      if (ext === '.ts' && !entry.name.endsWith('.d.ts')) output = rel.replace(/\.ts$/, '.js');
      else if (relative.startsWith('nodes') && COPIED_EXTENSIONS.has(ext)) output = rel;
      if (output === undefined) continue;
      const built = mtime(path.join(PACKAGE_ROOT, 'dist', output));
      if (built === undefined || built < (mtime(path.join(PACKAGE_ROOT, rel)) ?? 0)) stale.push(rel);
    }
  };
  COMPILED_FOLDERS.forEach(visit);
  return stale;
}

function fluxLspStale(): boolean {
  const pkg = path.dirname(require.resolve('@influxdata/flux-lsp-browser/package.json', { paths: [PACKAGE_ROOT] }));
  const source = Math.max(
    mtime(path.join(pkg, 'flux-lsp-browser_bg.js')) ?? 0,
    mtime(path.join(PACKAGE_ROOT, 'scripts/build-flux-lsp.js')) ?? 0,
  );
  return GENERATED.some((file) => (mtime(path.join(PACKAGE_ROOT, file)) ?? 0) < source);
}
