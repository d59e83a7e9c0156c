/** What the tests of examples/*.json share: reading a flow, the node types it may use, core node modules. */
import fs from 'node:fs';
import path from 'node:path';
import type { FlowNode, NodeModule } from './node-red';

const ROOT = path.join(__dirname, '..', '..');
const CORE_DIR = path.dirname(require.resolve('@node-red/nodes/package.json'));

export function readExample(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', name), 'utf8')) as FlowNode[];
}

/** The node types this package registers (package.json `node-red.nodes`). */
export const OUR_TYPES: string[] = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: object } })[
    'node-red'
  ].nodes,
);

/** Node types registered by the editor files under a folder (`RED.nodes.registerType('x', ...)`). */
export function registeredTypes(folder: string): Set<string> {
  const types = new Set<string>();
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const html = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    for (const m of html.matchAll(/registerType\(\s*['"]([^'"]+)['"]/g)) types.add(m[1]);
  }
  return types;
}

/** Node types of Node-RED's core nodes. */
export function coreTypes(): Set<string> {
  return registeredTypes(CORE_DIR);
}

/** Node types of an installed node package (e.g. node-red-dashboard). */
export function packageTypes(packageName: string): Set<string> {
  return registeredTypes(path.dirname(require.resolve(`${packageName}/package.json`)));
}

/** One of Node-RED's own nodes as the palette has it (a plain JavaScript module), e.g. `common/20-inject.js`. */
export function coreNode(file: string): NodeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(CORE_DIR, 'core', file)) as NodeModule;
}
