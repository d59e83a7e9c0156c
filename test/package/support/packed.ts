/**
 * The package as npm publishes it: `npm pack` of a fresh build into a temporary folder, unpacked there,
 * once per test run (the install test and the scorecard test share it).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, PACKAGE_ROOT } from '../../browser/support/build';

export { PACKAGE_ROOT };

export interface Manifest {
  name: string;
  version: string;
  license?: string;
  keywords?: string[];
  repository?: { type?: string; url?: string } | string;
  bugs?: { url?: string; email?: string } | string;
  engines?: Record<string, string>;
  main?: string;
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  'node-red'?: { version?: string; nodes?: Record<string, string> };
}

export interface PackedPackage {
  /** The .tgz npm pack wrote. */
  tarball: string;
  /** Where the tarball is unpacked (npm's `package/` folder). */
  dir: string;
  /** Paths inside the package, with forward slashes, as npm lists them. */
  files: string[];
  tarballBytes: number;
  unpackedBytes: number;
  manifest: Manifest;
  /** The temporary folder holding all of the above, removed at process exit. */
  workDir: string;
}

interface NpmPackEntry {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

let packed: PackedPackage | undefined;

/** Builds when dist/ is older than the sources, then packs without running prepack again (it would rebuild). */
export function packedPackage(): PackedPackage {
  if (packed) return packed;
  ensureBuilt();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-pack-'));
  process.once('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [entry] = JSON.parse(output) as NpmPackEntry[];
  const tarball = path.join(workDir, entry.filename);
  const unpackTo = path.join(workDir, 'unpacked');
  fs.mkdirSync(unpackTo);
  execFileSync('tar', ['-xzf', tarball, '-C', unpackTo]);
  const dir = path.join(unpackTo, 'package');
  packed = {
    tarball,
    dir,
    files: entry.files.map((f) => f.path).sort(),
    tarballBytes: fs.statSync(tarball).size,
    unpackedBytes: entry.unpackedSize,
    manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest,
    workDir,
  };
  return packed;
}

/** Total size of the files under a folder (what `du --apparent-size` says), following no symlinks. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The node types a package's editor files register (`RED.nodes.registerType('type', {...})`), per node file. */
export function registeredTypes(htmlSource: string): string[] {
  return [...htmlSource.matchAll(/RED\.nodes\.registerType\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}
