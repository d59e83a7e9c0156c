/**
 * Annotated CSV as InfluxDB OSS 2.7 writes query results (FLUX v0.196 csv/result.go `ResultEncoder`,
 * `DelimitedMultiResultEncoder` with a CRLF delimiter).
 */
import type { Column, Result, Table } from '../table';
import { formatCell } from './cells';
import type { Dialect } from './dialect';
import { csvRecord, EMPTY_LINE } from './writer';

export { formatFloat } from './float';
export { formatTime } from './time';

/**
 * The whole response body: each result in turn, each followed by an empty line, so a result without
 * tables is just CRLF and no results at all is the empty string.
 */
export function encodeResults(results: Result[], dialect: Dialect): string {
  const out: string[] = [];
  for (const result of results) {
    encodeResult(result, dialect, out);
    out.push(EMPTY_LINE);
  }
  return out.join('');
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

function encodeResult(result: Result, dialect: Dialect, out: string[]): void {
  const d = dialect.delimiter;
  // With a #default row the result name lives there and the rows leave the cell empty.
  const resultCell = dialect.annotations.includes('default') ? '' : result.name;
  let previous: Table | undefined;
  result.tables.forEach((table, id) => {
    const empty = table.rows.length === 0;
    // Flux compares labels and types only: a change of group key alone keeps the block (and its #group row).
    const newBlock = !previous || empty || previous.rows.length === 0 || !sameColumns(table.columns, previous.columns);
    if (newBlock) {
      if (previous) out.push(EMPTY_LINE);
      writeSchema(result.name, table, id, dialect, out);
    }
    const prefix = ['', resultCell, String(id)];
    for (const row of table.rows) {
      out.push(csvRecord([...prefix, ...table.columns.map((c, j) => formatCell(row[j] ?? null, c.type))], d));
    }
    previous = table;
  });
}

function writeSchema(resultName: string, table: Table, id: number, dialect: Dialect, out: string[]): void {
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
