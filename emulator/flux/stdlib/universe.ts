/**
 * The names every script starts with (Flux's universe) and the packages it may import. Built per run,
 * because `option now = ...` rebinds `now` for that run only; Flux-written parts (preludes) are parsed
 * once and compiled per run.
 */
import type { Loc } from '../parser/ast';
import type { FluxFile } from '../parser/ast';
import { parseFlux } from '../parser/parse';
import { Compiler } from '../interpreter/compile';
import { Environment, StaticScope } from '../interpreter/environment';
import { compileError } from '../interpreter/errors';
import { executeDefinitions, LoadedPackage, Universe } from '../interpreter/program';
import { INFINITE_DURATION } from '../interpreter/time';
import type { FluxFunction, Runtime, Value } from '../interpreter/values';
import { duration, FALSE, fn, record, TRUE } from '../interpreter/values';
import { arrayFrom } from './array';
import { count, mean, median, quantile, spread, stddev, sum } from './aggregates';
import { drop, duplicate, keep, rename, set } from './columns';
import { csvFrom } from './csv';
import { filter } from './filter';
import { group } from './group';
import { KNOWN_PACKAGES, UNSUPPORTED_UNIVERSE } from './known-names';
import { map } from './map';
import { pivot } from './pivot';
import { SCHEMA_PRELUDE, UNIVERSE_PRELUDE } from './prelude';
import { range } from './range';
import { distinct, keys, limit, sort, tail, unique } from './rows';
import { cumulativeSum, derivative, difference, elapsed, fill, timeShift } from './series';
import { columns, union } from './combine';
import { STRINGS } from './strings';
import { first, last, max, min } from './selectors';
import { buckets, from } from './source';
import { to } from './to';
import { contains, conversions, die, length, now, yieldResult } from './basics';
import { aggregateWindow, window } from './window';

const BUILTINS: Record<string, FluxFunction> = {
  from,
  buckets,
  range,
  filter,
  map,
  keep,
  drop,
  rename,
  duplicate,
  set,
  pivot,
  group,
  sort,
  limit,
  tail,
  distinct,
  unique,
  keys,
  mean,
  sum,
  count,
  median,
  quantile,
  spread,
  stddev,
  first,
  last,
  min,
  max,
  window,
  aggregateWindow,
  yield: yieldResult,
  now,
  length,
  contains,
  die,
  ...conversions,
  fill,
  difference,
  derivative,
  cumulativeSum,
  elapsed,
  timeShift,
  union,
  columns,
  to,
};

interface PackageDef {
  builtins?: Record<string, FluxFunction>;
  prelude?: string;
}

const PACKAGES: Record<string, PackageDef> = {
  array: { builtins: { from: arrayFrom } },
  'experimental/array': { builtins: { from: arrayFrom } },
  csv: { builtins: { from: csvFrom } },
  strings: { builtins: STRINGS },
  'influxdata/influxdb': { builtins: { from, buckets, to } },
  'influxdata/influxdb/schema': { prelude: SCHEMA_PRELUDE },
  // v1's schema functions are deprecated aliases of the schema package's.
  'influxdata/influxdb/v1': { prelude: SCHEMA_PRELUDE },
};

const parsedPreludes = new Map<string, FluxFile>();

function parsePrelude(source: string): FluxFile {
  let file = parsedPreludes.get(source);
  if (!file) {
    const parsed = parseFlux(source);
    if (!parsed.ok) throw new Error(`emulator Flux prelude does not parse: ${parsed.errors[0].message}`);
    file = parsed.file;
    parsedPreludes.set(source, file);
  }
  return file;
}

/** Whether a name is real Flux that the emulator lacks (for the "unsupported" message). */
export const nameCatalog = { isUnsupported: (name: string) => UNSUPPORTED_UNIVERSE.has(name) };

export function buildUniverse(runtime: Runtime): { universe: Universe; compiler: Compiler } {
  const compiler = new Compiler(runtime, nameCatalog);
  const env = new Environment();
  const scope = new StaticScope();
  const define = (name: string, value: Value) => {
    env.set(name, value);
    scope.declare(name);
  };
  for (const [name, f] of Object.entries(BUILTINS)) define(name, fn(f));
  define('true', TRUE);
  define('false', FALSE);
  define('inf', duration(INFINITE_DURATION));
  executeDefinitions(parsePrelude(UNIVERSE_PRELUDE), compiler, scope, env, runtime);

  const loaded = new Map<string, LoadedPackage>();
  const importPackage = (path: string, loc: Loc): LoadedPackage => {
    const known = loaded.get(path);
    if (known) return known;
    const def = PACKAGES[path];
    if (!def) {
      if (KNOWN_PACKAGES.has(path) || path.startsWith('contrib/') || path.startsWith('experimental/')) {
        throw compileError(loc, `unsupported package "${path}": the emulator implements a subset of Flux`);
      }
      throw compileError(loc, `unknown import path "${path}"`);
    }
    const members = new Map<string, Value>();
    for (const [name, f] of Object.entries(def.builtins ?? {})) members.set(name, fn(f));
    if (def.prelude) {
      const pkgEnv = new Environment(env);
      executeDefinitions(parsePrelude(def.prelude), compiler, new StaticScope(scope), pkgEnv, runtime);
      for (const stmt of parsePrelude(def.prelude).body) {
        const value = stmt.kind === 'VariableAssignment' ? pkgEnv.get(stmt.name) : undefined;
        if (stmt.kind === 'VariableAssignment' && value) members.set(stmt.name, value);
      }
    }
    const pkg: LoadedPackage = {
      name: path.split('/').pop() ?? path,
      value: record(members),
      members: new Set(members.keys()),
    };
    loaded.set(path, pkg);
    return pkg;
  };
  return { universe: { env, scope, importPackage }, compiler };
}
