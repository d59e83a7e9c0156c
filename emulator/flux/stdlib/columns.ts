/**
 * Column-level transformations: `keep`, `drop`, `rename`, `duplicate`, `set`, as Flux's schema mutators
 * (stdlib/universe/schema_mutators.go, set.go). Group keys follow the columns (a dropped key column leaves the
 * key, a renamed one is renamed in it), and tables that end up sharing a key are merged (tables/merge.ts).
 * `keep`/`drop` ignore columns that do not exist; `rename` and `duplicate` of a missing column are errors.
 * keep, drop and rename let a last result go table by table when no two tables can end up with one key (removing,
 * renaming).
 */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import type { CallSite, FluxFunction } from '../interpreter/values';
import { str, stream, typeName } from '../interpreter/values';
import { type KeyChangingStep, type KeyFacts, mapRowBlocks, type TableStream, withoutKeyColumns } from '../stream';
import type { Cell, Column, Table } from '../table';
import { keyMap, makeTable, withoutColumns } from '../tables/build';
import { rowCaller } from './row-function';

/** Decides, per column label, from either `columns: [...]` or `fn: (column) => bool`. */
function columnPredicate(args: Args, site: CallSite, fnName: string): (label: string) => boolean {
  const fn = args.optFn('fn');
  if (fn && args.has('columns')) throw new FluxError(`${fnName} takes either columns or fn, not both`);
  if (fn) return labelFunction(fn, site, 'bool');
  if (!args.has('columns')) throw new FluxError(`${fnName} needs columns or fn`);
  const set = new Set(args.stringArray('columns'));
  return (label) => set.has(label);
}

function labelFunction(fn: FluxFunction, site: CallSite, returns: 'bool'): (label: string) => boolean {
  const call = rowCaller(fn, 'column', site);
  return (label) => {
    const v = call(str(label));
    if (v.type !== returns) throw new FluxError(`fn must return a ${returns}, got ${typeName(v)}`);
    return v.value === true;
  };
}

export const keep = builtin({
  name: 'keep',
  params: ['tables', 'columns', 'fn'],
  pipe: 'tables',
  run(args, site) {
    const wanted = columnPredicate(args, site, 'keep');
    const input = args.stream('tables');
    const apply = (s: TableStream) =>
      s.mapTables(
        'keep',
        site.loc,
        (t) => withoutColumns(t, (l) => !wanted(l)),
        removing('keep', site, (l) => !wanted(l)),
      );
    // Rows stay whole and in order: a selector downstream may still be pushed down (columns given, not fn).
    return stream(
      input.carryReducible(apply(input), apply, (varying) =>
        args.has('fn') ? undefined : new Set([...varying].filter(wanted)),
      ),
    );
  },
});

export const drop = builtin({
  name: 'drop',
  params: ['tables', 'columns', 'fn'],
  pipe: 'tables',
  run(args, site) {
    const unwanted = columnPredicate(args, site, 'drop');
    const input = args.stream('tables');
    const apply = (s: TableStream) =>
      s.mapTables('drop', site.loc, (t) => withoutColumns(t, unwanted), removing('drop', site, unwanted));
    return stream(
      input.carryReducible(apply(input), apply, (varying) =>
        args.has('fn') ? undefined : new Set([...varying].filter((l) => !unwanted(l))),
      ),
    );
  },
});

/**
 * keep/drop go table by table (and row block by row block) when the key columns they remove have one value in
 * every table: the keys, distinct before, stay distinct. `remove` is asked of the possible key columns only.
 */
function removing(name: string, site: CallSite, remove: (label: string) => boolean): KeyChangingStep {
  return {
    keys: (facts) => {
      const removed = askLabels(facts.possible, remove);
      if (!removed || removed.some((l) => !facts.uniform.has(l))) return undefined;
      return withoutKeyColumns(facts, (l) => removed.includes(l));
    },
    blocks: (blocks) => mapRowBlocks(blocks, name, site.loc, (t) => withoutColumns(t, remove)),
  };
}

/** The labels `pick` chooses; undefined when it fails (the step then computes whole and reports it where it does). */
function askLabels(labels: Iterable<string>, pick: (label: string) => boolean): string[] | undefined {
  try {
    return [...labels].filter(pick);
  } catch {
    return undefined;
  }
}

/**
 * rename goes table by table when it renames key columns to distinct labels no table has in its key: keys are then
 * relabelled one to one, so those distinct before stay distinct.
 */
function renaming(
  site: CallSite,
  rename: (table: Table) => Table,
  newName: (label: string) => string,
): KeyChangingStep {
  return {
    keys: (facts) => {
      let renamed: [string, string][];
      try {
        renamed = [...facts.possible].map((l): [string, string] => [l, newName(l)]).filter(([l, to]) => l !== to);
      } catch {
        return undefined;
      }
      const targets = new Set(renamed.map(([, to]) => to));
      if (targets.size < renamed.length || renamed.some(([, to]) => facts.possible.has(to))) return undefined;
      const to = new Map(renamed);
      const relabel = (labels: ReadonlySet<string>) => new Set([...labels].map((l) => to.get(l) ?? l));
      return { possible: relabel(facts.possible), uniform: relabel(facts.uniform) } satisfies KeyFacts;
    },
    blocks: (blocks) => mapRowBlocks(blocks, 'rename', site.loc, rename),
  };
}

export const rename = builtin({
  name: 'rename',
  params: ['tables', 'columns', 'fn'],
  pipe: 'tables',
  run(args, site) {
    let newName: (label: string) => string;
    const fn = args.optFn('fn');
    if (fn) {
      const call = rowCaller(fn, 'column', site);
      newName = (label) => {
        const v = call(str(label));
        if (v.type !== 'string') throw new FluxError(`fn must return a string, got ${typeName(v)}`);
        return v.value;
      };
    } else {
      const mapping = new Map<string, string>();
      for (const [from, to] of args.record('columns')) {
        if (to.type !== 'string')
          throw new FluxError(`new name for column "${from}" must be a string, got ${typeName(to)}`);
        mapping.set(from, to.value);
      }
      newName = (label) => mapping.get(label) ?? label;
      const renameAll = (t: Table) => {
        for (const from of mapping.keys()) {
          if (!t.columns.some((c) => c.label === from))
            throw new FluxError(`rename error: column "${from}" doesn't exist`);
        }
        return renameColumns(t, newName);
      };
      return stream(args.stream('tables').mapTables('rename', site.loc, renameAll, renaming(site, renameAll, newName)));
    }
    const renameAll = (t: Table) => renameColumns(t, newName);
    return stream(args.stream('tables').mapTables('rename', site.loc, renameAll, renaming(site, renameAll, newName)));
  },
});

function renameColumns(table: Table, newName: (label: string) => string): Table {
  const names = table.columns.map((c) => newName(c.label));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new FluxError(`renaming creates two columns named "${n}"`);
    seen.add(n);
  }
  const columns = table.columns.map((c, j): Column => ({ label: names[j], type: c.type }));
  const oldKey = keyMap(table);
  const key = new Map<string, Cell>();
  table.columns.forEach((c, j) => {
    if (oldKey.has(c.label)) key.set(names[j], oldKey.get(c.label) ?? null);
  });
  return makeTable(columns, key.keys(), table.rows, key);
}

export const duplicate = builtin({
  name: 'duplicate',
  params: ['tables', 'column', 'as'],
  required: ['column', 'as'],
  pipe: 'tables',
  run(args, site) {
    const column = args.string('column');
    const as = args.string('as');
    return stream(
      args.stream('tables').mapTables('duplicate', site.loc, (t) => duplicateColumn(t, column, as), 'changesKeys'),
    );
  },
});

/**
 * Copies a column. An existing `as` column is overwritten in place; if it is a group-key column it stays in
 * the key with the copied value when `column` is a key column too. When `column` is not, InfluxDB drops `as`
 * from the key's columns but not from its values (they shift onto the wrong columns), so that is refused.
 */
export function duplicateColumn(table: Table, column: string, as: string): Table {
  const from = table.columns.findIndex((c) => c.label === column);
  if (from < 0) throw new FluxError(`duplicate error: column "${column}" doesn't exist`);
  const type = table.columns[from].type;
  const existing = table.columns.findIndex((c) => c.label === as);
  const key = keyMap(table);
  if (key.has(as) && column !== as) {
    if (!key.has(column))
      throw new FluxError(
        `duplicate onto group-key column "${as}" from non-key column "${column}" is not supported by the emulator`,
      );
    key.set(as, key.get(column) ?? null);
  }
  if (existing >= 0) {
    const columns = table.columns.map((c, j): Column => (j === existing ? { label: as, type } : c));
    const rows = table.rows.map((r) => {
      const copy = r.slice();
      copy[existing] = r[from] ?? null;
      return copy;
    });
    return makeTable(columns, key.keys(), rows, key);
  }
  return makeTable(
    [...table.columns, { label: as, type }],
    key.keys(),
    table.rows.map((r) => [...r, r[from] ?? null]),
    key,
  );
}

export const set = builtin({
  name: 'set',
  params: ['tables', 'key', 'value'],
  required: ['key', 'value'],
  pipe: 'tables',
  run(args, site) {
    const label = args.string('key');
    const value = args.string('value');
    return stream(args.stream('tables').mapTables('set', site.loc, (t) => setColumn(t, label, value), 'changesKeys'));
  },
});

function setColumn(table: Table, label: string, value: string): Table {
  const j = table.columns.findIndex((c) => c.label === label);
  // Flux appends a string to the existing column, which fails for any other type.
  if (j >= 0 && table.columns[j].type !== 'string')
    throw new FluxError(`set: column "${label}" is of type ${table.columns[j].type}, not string`);
  const key = keyMap(table);
  if (key.has(label)) key.set(label, value);
  if (j < 0)
    return makeTable(
      [...table.columns, { label, type: 'string' }],
      key.keys(),
      table.rows.map((r) => [...r, value]),
      key,
    );
  const columns = table.columns.map((c, i): Column => (i === j ? { label, type: 'string' } : c));
  const rows = table.rows.map((r) => {
    const copy = r.slice();
    copy[j] = value;
    return copy;
  });
  return makeTable(columns, key.keys(), rows, key);
}
