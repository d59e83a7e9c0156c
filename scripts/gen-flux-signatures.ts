/**
 * Writes emulator/flux/typecheck/signatures.json: the parameters of every function of the Flux standard library
 * (influxdata/flux v0.196.1, stdlib/**\/*.flux without the tests), which the emulator's static check uses to refuse
 * a call before any table is read, as Flux's type inference does. It reads a bare git mirror of influxdata/flux and
 * parses each file with the real Flux parser:
 * - `builtin name : (...) => ...` gives each parameter's mode (pipe `<-`, required, optional `?`) and declared type,
 *   with the kinds of its type variables (`where A: Timeable`);
 * - `name = (a, b=1, tables=<-) => ...` gives the modes only (the types are inferred by Flux, not declared);
 * - `name = other` and `name = pkg.other` take the signature of what they name.
 *
 *   npx tsx scripts/gen-flux-signatures.ts [--git-dir <dir>] [--check]
 *
 * `--check` writes nothing and fails when the file on disk differs. The git dir defaults to $FLUX_GIT_DIR, else
 * /work/.mirror/influxdata+flux/repo.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { fluxWasm } from '../emulator/flux/parser/flux-wasm';
import type {
  FluxSignatures,
  FunctionSignature,
  ParamMode,
  ParamSignature,
  TypeShape,
} from '../emulator/flux/typecheck/signature-types';

const TAG = 'v0.196.1';
const COMMIT = 'ba61b9b27df5368b0fbf05df5bbbfcfb60c96dd7';
const REPOSITORY = 'https://github.com/influxdata/flux';
/** Flux's prelude (libflux/flux-core/src/semantic/bootstrap.rs PRELUDE), in the order later names win. */
const PRELUDE = ['internal/boolean', 'internal/location', 'universe', 'influxdata/influxdb'];
export const SIGNATURES_FILE = path.join(__dirname, '..', 'emulator', 'flux', 'typecheck', 'signatures.json');

/** The parser's JSON AST, as far as this script reads it. */
interface Node {
  type?: string;
  [field: string]: unknown;
}

type Alias = { kind: 'local'; name: string } | { kind: 'member'; path: string; name: string };

interface ParsedPackage {
  functions: Map<string, FunctionSignature>;
  aliases: Map<string, Alias>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const gitDirAt = args.indexOf('--git-dir');
  const gitDir =
    gitDirAt >= 0 ? args[gitDirAt + 1] : (process.env.FLUX_GIT_DIR ?? '/work/.mirror/influxdata+flux/repo');
  const check = args.includes('--check');
  // Formatted as the repository's prettier would, so `prettier --check` and `--check` here agree.
  const options = (await prettier.resolveConfig(SIGNATURES_FILE)) ?? {};
  const text = await prettier.format(JSON.stringify(generate(gitDir)), { ...options, filepath: SIGNATURES_FILE });
  if (check) {
    const onDisk = fs.existsSync(SIGNATURES_FILE) ? fs.readFileSync(SIGNATURES_FILE, 'utf8') : '';
    if (onDisk !== text) {
      console.error(`${SIGNATURES_FILE} is out of date: run npx tsx scripts/gen-flux-signatures.ts`);
      process.exit(1);
    }
    console.log('signatures.json is up to date');
    return;
  }
  fs.writeFileSync(SIGNATURES_FILE, text);
  console.log(`wrote ${SIGNATURES_FILE}`);
}

export function generate(gitDir: string): FluxSignatures {
  const git = (...a: string[]): string =>
    execFileSync('git', ['--git-dir', gitDir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const files = git('ls-tree', '-r', '--name-only', TAG, 'stdlib')
    .split('\n')
    .filter((f) => f.endsWith('.flux') && !f.endsWith('_test.flux'));
  const parsed = new Map<string, ParsedPackage>();
  for (const file of files) {
    const pkgPath = path.posix.dirname(file).slice('stdlib/'.length);
    const pkg = parsed.get(pkgPath) ?? { functions: new Map(), aliases: new Map() };
    parsed.set(pkgPath, pkg);
    readFile(fluxWasm().parse(git('show', `${TAG}:${file}`)) as Node, pkg);
  }
  const packages: Record<string, Record<string, FunctionSignature>> = {};
  for (const [pkgPath, pkg] of [...parsed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [name, alias] of pkg.aliases) {
      const target = resolveAlias(parsed, pkgPath, alias, 0);
      if (target && !pkg.functions.has(name)) pkg.functions.set(name, target);
    }
    if (pkg.functions.size === 0) continue;
    packages[pkgPath] = Object.fromEntries([...pkg.functions].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return {
    note:
      'Generated data, not code: the parameters of the Flux standard library functions, from the builtin ' +
      'declarations and Flux-defined functions of stdlib/**/*.flux, by scripts/gen-flux-signatures.ts. ' +
      `Source: ${REPOSITORY} ${TAG} (commit ${COMMIT}), Copyright (c) 2018 InfluxData Inc., MIT licence ` +
      `(${REPOSITORY}/blob/${TAG}/LICENSE).`,
    source: { repository: REPOSITORY, tag: TAG, commit: COMMIT },
    prelude: PRELUDE,
    packages,
  };
}

function readFile(file: Node, pkg: ParsedPackage): void {
  const imports = new Map<string, string>();
  for (const imp of list(file.imports)) {
    const importPath = String(node(node(imp).path).value);
    const alias = node(imp).as ? String(node(node(imp).as).name) : importPath.split('/').pop()!;
    imports.set(alias, importPath);
  }
  for (const raw of list(file.body)) {
    const stmt = node(raw);
    if (stmt.type === 'BuiltinStatement') {
      const name = String(node(stmt.id).name);
      const ty = node(stmt.ty);
      const monotype = node(ty.monotype);
      if (monotype.type !== 'FunctionType') continue;
      const constraints: Record<string, string[]> = {};
      for (const c of list(ty.constraints)) {
        const kinds = list(node(c).kinds).map((k) => String(node(k).name));
        constraints[String(node(node(c).tvar).name)] = kinds.sort();
      }
      const shape = typeShape(monotype);
      if (typeof shape === 'object' && 'fn' in shape) pkg.functions.set(name, { params: shape.fn, constraints });
    } else if (stmt.type === 'VariableAssignment') {
      const name = String(node(stmt.id).name);
      const init = node(stmt.init);
      if (init.type === 'FunctionExpression') pkg.functions.set(name, { params: list(init.params).map(fluxParam) });
      else if (init.type === 'Identifier') pkg.aliases.set(name, { kind: 'local', name: String(init.name) });
      else if (init.type === 'MemberExpression') {
        const object = node(init.object);
        const property = node(init.property);
        const importPath = object.type === 'Identifier' ? imports.get(String(object.name)) : undefined;
        const member = property.type === 'Identifier' ? String(property.name) : String(property.value);
        if (importPath) pkg.aliases.set(name, { kind: 'member', path: importPath, name: member });
      }
    }
  }
}

function resolveAlias(
  parsed: Map<string, ParsedPackage>,
  pkgPath: string,
  alias: Alias,
  depth: number,
): FunctionSignature | undefined {
  if (depth > 8) return undefined;
  const targetPath = alias.kind === 'local' ? pkgPath : alias.path;
  const target = parsed.get(targetPath);
  if (!target) return undefined;
  const found = target.functions.get(alias.name);
  if (found) return found;
  const next = target.aliases.get(alias.name);
  return next ? resolveAlias(parsed, targetPath, next, depth + 1) : undefined;
}

/** `(a, b=1, tables=<-) => ...`: modes only; Flux infers the types. */
function fluxParam(raw: unknown): ParamSignature {
  const prop = node(raw);
  const key = node(prop.key);
  const name = String(key.name ?? key.value);
  const value = prop.value ? node(prop.value) : undefined;
  const mode: ParamMode = !value ? 'required' : value.type === 'PipeLiteral' ? 'pipe' : 'optional';
  return { name, mode };
}

function typeShape(raw: unknown): TypeShape {
  const t = node(raw);
  switch (t.type) {
    case 'NamedType':
      return String(node(t.name).name);
    case 'TvarType':
      return { var: String(node(t.name).name) };
    case 'ArrayType':
      return { array: typeShape(t.element) };
    case 'StreamType':
      return { stream: typeShape(t.element) };
    case 'VectorType':
      return { vector: typeShape(t.element) };
    case 'DictType':
      return { dict: [typeShape(t.key), typeShape(t.val)] };
    case 'DynamicType':
      return 'dynamic';
    case 'RecordType': {
      const fields = list(t.properties).map((p): [string, TypeShape] => {
        const label = node(node(p).name);
        return [String(label.name ?? label.value), typeShape(node(p).monotype)];
      });
      return t.tvar ? { record: fields, with: String(node(t.tvar).name) } : { record: fields };
    }
    case 'FunctionType': {
      const params = list(t.parameters).map((p): ParamSignature => {
        const param = node(p);
        const mode: ParamMode = param.type === 'Pipe' ? 'pipe' : param.type === 'Optional' ? 'optional' : 'required';
        return { name: param.name ? String(node(param.name).name) : '<-', mode, type: typeShape(param.monotype) };
      });
      return { fn: params, ret: typeShape(t.monotype) };
    }
    default:
      return 'unknown';
  }
}

function node(v: unknown): Node {
  if (typeof v !== 'object' || v === null) throw new Error(`unexpected AST value ${String(v)}`);
  return v as Node;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
