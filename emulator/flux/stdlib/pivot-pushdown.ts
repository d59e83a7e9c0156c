/**
 * `pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")` (`v1.fieldsAsCols`, `schema.fieldsAsCols`)
 * pushed into storage: when its input is still a read whose filters keep or drop whole series, the series of one
 * measurement and tag set are read as time offsets and values, and their pivoted table is built at once, without
 * a table per series and a row per point. The layout is pivot.ts's: the kept columns in table order, then one column
 * per field in order of first appearance (series order), rows by time.
 */
import type { SeriesOffsets } from '../../storage/types';
import type { Runtime } from '../interpreter/values';
import type { StreamData, TableStream } from '../stream';
import type { Cell, Column, Table } from '../table';
import { makeTable } from '../tables/build';
import { readSelector, seriesPasses, seriesTable, seriesWiseRead } from './storage-read';

/** Offsets from the start are JS numbers: exact below 2^53 ns (about 104 days). */
const MAX_OFFSET_RANGE = 2n ** 53n;

interface Group {
  probe: Table;
  series: SeriesOffsets[];
}

/** Whether a pivot with these arguments is the one storage can build. */
export function isFieldsAsCols(rowKey: string[], columnKey: string[], valueColumn: string): boolean {
  return (
    rowKey.length === 1 &&
    rowKey[0] === '_time' &&
    columnKey.length === 1 &&
    columnKey[0] === '_field' &&
    valueColumn === '_value'
  );
}

/** The pivoted read, or undefined when it cannot be pushed (the engine then pivots the rows itself). */
export function fieldsAsColsRead(input: TableStream, runtime: Runtime): (() => StreamData) | undefined {
  const pushable = seriesWiseRead(input, runtime);
  if (!pushable || pushable.bounds.stop - pushable.bounds.start >= MAX_OFFSET_RANGE) return undefined;
  const { read, bounds } = pushable;
  return () => {
    const selector = readSelector(read, bounds);
    if (!selector) return { tables: [], bounds };
    const groups = new Map<string, Group>();
    for (const s of runtime.context.points.readOffsets(selector)) {
      const probe = seriesTable({ ...s, times: [bounds.start + BigInt(s.offsets[0])], values: [s.values[0]] }, bounds);
      if (!seriesPasses(read, probe, runtime)) continue;
      const id = JSON.stringify([s.measurement, s.tags]);
      const group = groups.get(id);
      if (group) group.series.push(s);
      else groups.set(id, { probe, series: [s] });
    }
    return { tables: [...groups.values()].map((g) => pivotGroup(g, bounds.start)), bounds };
  };
}

function pivotGroup({ probe, series }: Group, start: bigint): Table {
  const kept: number[] = [];
  probe.columns.forEach((c, j) => {
    if (c.label !== '_field' && c.label !== '_value' && (c.label === '_time' || probe.keyColumns.includes(c.label)))
      kept.push(j);
  });
  const timeAt = kept.indexOf(probe.columns.findIndex((c) => c.label === '_time'));
  const template = kept.map((j) => probe.rows[0][j]);
  const columns: Column[] = [
    ...kept.map((j) => probe.columns[j]),
    ...series.map((s): Column => ({ label: s.field, type: s.type })),
  ];
  const keyLabels = kept.map((j) => probe.columns[j].label).filter((l) => probe.keyColumns.includes(l));
  const times = mergedOffsets(series);
  const rows: Cell[][] = new Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const row = template.concat(new Array<Cell>(series.length).fill(null));
    row[timeAt] = start + BigInt(times[i]);
    rows[i] = row;
  }
  series.forEach((s, f) => {
    const at = kept.length + f;
    // Both lists ascend: walk them together (most often they are the same times).
    for (let i = 0, r = 0; i < s.offsets.length; i++) {
      while (times[r] !== s.offsets[i]) r++;
      rows[r][at] = s.values[i];
    }
  });
  const keyValues = new Map(probe.keyColumns.map((l, k): [string, Cell] => [l, probe.keyValues[k]]));
  return makeTable(columns, keyLabels, rows, keyValues);
}

/** The distinct offsets of all series, ascending. */
function mergedOffsets(series: SeriesOffsets[]): number[] {
  const first = series[0].offsets;
  const same = series.every((s) => s.offsets.length === first.length && s.offsets.every((t, i) => t === first[i]));
  if (same) return first;
  const all = series.flatMap((s) => s.offsets).sort((a, b) => a - b);
  return all.filter((t, i) => i === 0 || t !== all[i - 1]);
}
