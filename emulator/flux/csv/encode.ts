/**
 * Annotated CSV as InfluxDB OSS 2.7 writes query results (FLUX v0.196 csv/result.go `ResultEncoder`,
 * `DelimitedMultiResultEncoder` with a CRLF delimiter).
 */
import type { Cell, Column, Result, StreamedResult, Table } from '../table';
import { formatCell } from './cells';
import type { Dialect } from './dialect';
import { csvField, csvRecord, EMPTY_LINE } from './writer';

export { formatFloat } from './float';
export { formatTime } from './time';

/** Where encoded records go: an array, or a ChunkedText that hands out pieces as they fill. */
export interface TextSink {
  push(text: string): void;
}

/**
 * The whole response body: each result in turn, each followed by an empty line, so a result without
 * tables is just CRLF and no results at all is the empty string.
 */
export function encodeResults(results: Result[], dialect: Dialect): string {
  const out: string[] = [];
  for (const result of results) encodeResultTo(result, dialect, out);
  return out.join('');
}

/**
 * One result and its closing empty line into `out`, table by table: `beforeTable` sees each table
 * before any of its records is encoded (the memory limit stops a result there, see evaluate.ts).
 */
export function encodeResultTo(
  result: StreamedResult,
  dialect: Dialect,
  out: TextSink,
  beforeTable?: (table: Table) => void,
): void {
  encodeResult(result, dialect, out, beforeTable);
  out.push(EMPTY_LINE);
}

/**
 * Collects records into pieces of at least `chunkChars` characters (a record is never split) and
 * hands each to `emit` once full, so a large answer leaves in bounded pieces while it is encoded.
 */
export class ChunkedText implements TextSink {
  private parts: string[] = [];
  private size = 0;
  /** True once a piece was handed out. */
  emitted = false;

  constructor(
    private readonly chunkChars: number,
    private readonly emit: (text: string) => void,
  ) {}

  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunkChars) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.emitted = true;
    this.emit(text);
  }
}

/**
 * The in-band error block Flux appends when a query fails after output has started. The caller puts
 * an empty line before it when any table was already written (`EncodeError` checks `written`).
 */
export function encodeErrorTable(message: string, dialect: Dialect): string {
  const d = dialect.delimiter;
  const out: string[] = [];
  for (const annotation of dialect.annotations) {
    if (annotation === 'datatype') out.push(csvRecord(['#datatype', 'string', 'string'], d));
    else if (annotation === 'group') out.push(csvRecord(['#group', 'true', 'true'], d));
    else out.push(csvRecord(['#default', '', ''], d));
  }
  // The header is written even when the dialect asks for none, as in Flux.
  out.push(csvRecord(['', 'error', 'reference'], d));
  out.push(csvRecord(['', message, ''], d));
  return out.join('');
}

function encodeResult(
  result: StreamedResult,
  dialect: Dialect,
  out: TextSink,
  beforeTable?: (table: Table) => void,
): void {
  // With a #default row the result name lives there and the rows leave the cell empty.
  const resultCell = dialect.annotations.includes('default') ? '' : result.name;
  let previous: Table | undefined;
  let id = 0;
  // Tables may be pulled one at a time (a streamed result): each is encoded, then let go.
  for (const table of result.tables) {
    beforeTable?.(table);
    if (table.continuesPrevious && previous) {
      // More rows of the table just written: its id, no new block.
      encodeRows(table, id - 1, resultCell, dialect, out);
      continue;
    }
    const empty = table.rows.length === 0;
    // Flux compares labels and types only: a change of group key alone keeps the block (and its #group row).
    const newBlock = !previous || empty || previous.rows.length === 0 || !sameColumns(table.columns, previous.columns);
    if (newBlock) {
      if (previous) out.push(EMPTY_LINE);
      writeSchema(result.name, table, id, dialect, out);
    }
    encodeRows(table, id, resultCell, dialect, out);
    previous = table;
    id++;
  }
}

function encodeRows(table: Table, id: number, resultCell: string, dialect: Dialect, out: TextSink): void {
  const d = dialect.delimiter;
  const prefix = csvRecord(['', resultCell, String(id)], d).slice(0, -2);
  // A column often holds one value on many rows (the group key): its text is made once, not per row.
  const columns = table.columns;
  const lastCells: Cell[] = [];
  const lastTexts: string[] = [];
  for (const row of table.rows) {
    let record = prefix;
    for (let j = 0; j < columns.length; j++) {
      const cell = row[j] ?? null;
      if (j >= lastTexts.length || !Object.is(cell, lastCells[j])) {
        lastCells[j] = cell;
        lastTexts[j] = csvField(formatCell(cell, columns[j].type), d);
      }
      record += d + lastTexts[j];
    }
    out.push(record + EMPTY_LINE);
  }
}

function writeSchema(resultName: string, table: Table, id: number, dialect: Dialect, out: TextSink): void {
  const d = dialect.delimiter;
  const empty = table.rows.length === 0;
  for (const annotation of dialect.annotations) {
    if (annotation === 'datatype') {
      out.push(csvRecord(['#datatype', 'string', 'long', ...table.columns.map((c) => c.type)], d));
    } else if (annotation === 'group') {
      const flags = table.columns.map((c) => String(table.keyColumns.includes(c.label)));
      out.push(csvRecord(['#group', 'false', 'false', ...flags], d));
    } else {
      // An empty table has no rows to carry its id and key, so the #default row does.
      const defaults = table.columns.map((c) => (empty ? keyDefault(table, c) : ''));
      out.push(csvRecord(['#default', resultName, empty ? String(id) : '', ...defaults], d));
    }
  }
  if (dialect.header) out.push(csvRecord(['', 'result', 'table', ...table.columns.map((c) => c.label)], d));
}

function keyDefault(table: Table, column: Column): string {
  const k = table.keyColumns.indexOf(column.label);
  return k < 0 ? '' : formatCell(table.keyValues[k] ?? null, column.type);
}

function sameColumns(a: Column[], b: Column[]): boolean {
  return a.length === b.length && a.every((c, j) => c.label === b[j].label && c.type === b[j].type);
}
