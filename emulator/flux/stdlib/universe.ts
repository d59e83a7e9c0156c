/**
 * The names every script starts with (Flux's universe) and the packages it may import. Built per run,
 * because `option now = ...` rebinds `now` for that run only; Flux-written parts (preludes) are parsed
 * once and compiled per run.
 */
import type { Loc } from '../parser/ast';
import type { FluxFile } from '../parser/ast';
import { parseFlux } from '../parser/parse';
import { Compiler } from '../interpreter/compile';
import { Environment, PackageOptions, StaticScope } from '../interpreter/environment';
import { compileError } from '../interpreter/errors';
import { executeDefinitions, LoadedPackage, Universe } from '../interpreter/program';
import { INFINITE_DURATION, ZERO_DURATION } from '../interpreter/time';
import type { FluxFunction, Runtime, Value } from '../interpreter/values';
import { duration, FALSE, fn, record, str, TRUE } from '../interpreter/values';
import { ARRAY_FUNCTIONS, arrayFrom } from './array';
import { count, mean, median, quantile, spread, stddev, sum } from './aggregates';
import { drop, duplicate, keep, rename, set } from './columns';
import { csvFrom } from './csv';
import { DEBUG } from './debug';
import { DICT } from './dict';
import { EXPERIMENTAL, EXPERIMENTAL_PRELUDE } from './experimental';
import { filter, hourSelection } from './filter';
import { JOIN_PRELUDE, joinTables, universeJoin } from './join';
import { TESTING, TESTING_PRELUDE } from './testing';
import { TYPES } from './types';
import { REGEXP } from './regexp';
import { TIMEZONE } from './timezone';
import { group } from './group';
import { KNOWN_PACKAGES, UNSUPPORTED_UNIVERSE } from './known-names';
import { map } from './map';
import { pivot } from './pivot';
import { SCHEMA_PRELUDE, UNIVERSE_PRELUDE, V1_PRELUDE } from './prelude';
import { range } from './range';
import { distinct, keys, limit, sort, tail, unique } from './rows';
import { cumulativeSum, derivative, difference, elapsed, fill, timeShift } from './series';
import { columns, union } from './combine';
import { STRINGS } from './strings';
import { first, last, max, min } from './selectors';
import { buckets, from } from './source';
import { to } from './to';
import { contains, conversions, die, display, length, now, yieldResult } from './basics';
import { aggregateWindow, window } from './window';
import { MATH, MATH_CONSTANTS } from './math';
import { BITWISE } from './bitwise';
import { SAMPLEDATA, SAMPLEDATA_PRELUDE } from './sampledata';
import { GENERATE } from './generate';
import { INTERPOLATE } from './interpolate';
import { MONITOR_PRELUDE } from './monitor';
import { wideTo } from './wide-to';
import { DATE, DATE_CONSTANTS, DATE_PRELUDE, TIMEZONE_PRELUDE } from './date';
import {
  covariance,
  histogram,
  histogramQuantile,
  linearBins,
  logarithmicBins,
  mode,
  sample,
  skew,
} from './distribution';
import { integral } from './integral';
import { keyValues } from './key-values';
import { chandeMomentumOscillator, kaufmansAMA, relativeStrengthIndex } from './momentum';
import { exponentialMovingAverage, movingAverage, tripleExponentialDerivative } from './moving-averages';
import { holtWinters } from './holt-winters/builtin';
import { reduce } from './reduce';
import { stateTracking } from './state-tracking';
import { findColumn, findRecord, getColumn, getRecord, tableFind } from './table-functions';

const BUILTINS: Record<string, FluxFunction> = {
  from,
  buckets,
  range,
  filter,
  _hourSelection: hourSelection,
  join: universeJoin,
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
  display,
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
  stateTracking,
  movingAverage,
  exponentialMovingAverage,
  tripleExponentialDerivative,
  holtWinters,
  chandeMomentumOscillator,
  kaufmansAMA,
  relativeStrengthIndex,
  integral,
  mode,
  skew,
  sample,
  covariance,
  histogram,
  histogramQuantile,
  linearBins,
  logarithmicBins,
  keyValues,
  reduce,
  tableFind,
  getColumn,
  getRecord,
  findColumn,
  findRecord,
};

interface PackageDef {
  builtins?: Record<string, FluxFunction>;
  constants?: Record<string, Value>;
  prelude?: string;
}

const PACKAGES: Record<string, PackageDef> = {
  array: { builtins: { from: arrayFrom, ...ARRAY_FUNCTIONS } },
  'experimental/array': { builtins: { from: arrayFrom, ...ARRAY_FUNCTIONS } },
  csv: { builtins: { from: csvFrom } },
  'internal/debug': { builtins: DEBUG },
  dict: { builtins: DICT },
  experimental: { builtins: { ...EXPERIMENTAL, to: wideTo }, prelude: EXPERIMENTAL_PRELUDE },
  join: { builtins: { tables: joinTables }, prelude: JOIN_PRELUDE },
  testing: { builtins: TESTING, prelude: TESTING_PRELUDE },
  types: { builtins: TYPES },
  regexp: { builtins: REGEXP },
  strings: { builtins: STRINGS },
  date: { builtins: DATE, constants: DATE_CONSTANTS, prelude: DATE_PRELUDE },
  timezone: { builtins: TIMEZONE, prelude: TIMEZONE_PRELUDE },
  math: { builtins: MATH, constants: MATH_CONSTANTS },
  bitwise: { builtins: BITWISE },
  sampledata: { builtins: SAMPLEDATA, prelude: SAMPLEDATA_PRELUDE },
  generate: { builtins: GENERATE },
  interpolate: { builtins: INTERPOLATE },
  'influxdata/influxdb': { builtins: { from, buckets, to, wideTo } },
  'influxdata/influxdb/schema': { prelude: SCHEMA_PRELUDE },
  // v1's schema functions are deprecated aliases of the schema package's (so schema's options apply to them).
  'influxdata/influxdb/v1': { prelude: V1_PRELUDE },
  'influxdata/influxdb/monitor': { prelude: MONITOR_PRELUDE },
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
  define(
    'location',
    record(
      new Map<string, Value>([
        ['zone', str('UTC')],
        ['offset', duration(ZERO_DURATION)],
      ]),
    ),
  );

  const loaded = new Map<string, LoadedPackage>();
  const importPackage = (path: string, loc: Loc): LoadedPackage => {
    const known = loaded.get(path);
    if (known) return known;
    if (path === 'universe') return universePackage(env);
    const def = PACKAGES[path];
    if (!def) {
      if (KNOWN_PACKAGES.has(path) || path.startsWith('contrib/') || path.startsWith('experimental/')) {
        throw compileError(loc, `unsupported package "${path}": the emulator implements a subset of Flux`);
      }
      throw compileError(loc, `unknown import path "${path}"`);
    }
    const members = new Map<string, Value>();
    let options: PackageOptions | undefined;
    for (const [name, f] of Object.entries(def.builtins ?? {})) members.set(name, fn(f));
    for (const [name, v] of Object.entries(def.constants ?? {})) members.set(name, v);
    if (def.prelude) {
      // The prelude sees the package's builtins, as a Flux package file sees its own builtin declarations.
      const pkgEnv = new Environment(env);
      const pkgScope = new StaticScope(scope);
      for (const [name, v] of members) {
        pkgEnv.set(name, v);
        pkgScope.declare(name);
      }
      for (const imp of parsePrelude(def.prelude).imports) {
        const dep = importPackage(imp.path, imp.loc);
        pkgScope.declare(dep.name, { kind: 'package', path: imp.path, members: dep.members, options: dep.options });
        pkgEnv.set(dep.name, dep.value);
      }
      executeDefinitions(parsePrelude(def.prelude), compiler, pkgScope, pkgEnv, runtime);
      const optionNames = new Set<string>();
      for (const stmt of parsePrelude(def.prelude).body) {
        const value = stmt.kind === 'VariableAssignment' ? pkgEnv.get(stmt.name) : undefined;
        if (stmt.kind === 'VariableAssignment' && value) members.set(stmt.name, value);
        if (stmt.kind === 'OptionStatement' && 'name' in stmt.target) optionNames.add(stmt.target.name);
      }
      if (optionNames.size > 0) options = { names: optionNames, set: (name, value) => pkgEnv.set(name, value) };
    }
    const pkg: LoadedPackage = {
      name: path.split('/').pop() ?? path,
      value: record(members),
      members: new Set(members.keys()),
      options,
    };
    loaded.set(path, pkg);
    return pkg;
  };
  runUniversePrelude(parsePrelude(UNIVERSE_PRELUDE), { env, scope, importPackage }, compiler, runtime);
  return { universe: { env, scope, importPackage }, compiler };
}

/** `import "universe"`: the universe's own names, as a package (`universe.window(...)`). */
function universePackage(env: Environment): LoadedPackage {
  const members = new Map(env.entries());
  return { name: 'universe', value: record(members), members: new Set(members.keys()) };
}

/**
 * The universe's Flux-written functions, with the packages its source imports (universe.flux imports date and
 * math) visible to it alone: they run in a child scope, and only the names they define join the universe.
 */
function runUniversePrelude(file: FluxFile, universe: Universe, compiler: Compiler, runtime: Runtime): void {
  const env = new Environment(universe.env);
  const scope = new StaticScope(universe.scope);
  for (const imp of file.imports) {
    const pkg = universe.importPackage(imp.path, imp.loc);
    scope.declare(pkg.name, { kind: 'package', path: imp.path, members: pkg.members, options: pkg.options });
    env.set(pkg.name, pkg.value);
  }
  executeDefinitions(file, compiler, scope, env, runtime);
  for (const stmt of file.body) {
    if (stmt.kind !== 'VariableAssignment') continue;
    const value = env.get(stmt.name);
    if (!value) continue;
    universe.env.set(stmt.name, value);
    universe.scope.declare(stmt.name);
  }
}
