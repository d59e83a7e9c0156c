import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root';

/** This package's version, from its package.json (the same whether run from sources or from dist/). */
export function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}
