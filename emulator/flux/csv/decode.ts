/**
 * Reads annotated CSV (Flux `csv.from`, the stdlib test vectors, query responses; LF or CRLF) into
 * results and tables, following FLUX csv/result.go `ResultDecoder`, with two leniencies for reading
 * plain query output: missing annotation rows mean string columns, no group key and no defaults, and a
 * row's own `result` cell, when not empty, names its result.
 */
import { errors } from '../../errors';
import type { Cell, Column, ColumnType, Result, Table } from '../table';
import { parseCell, parseDatatype } from './cells';
import { CsvRecord, readCsvRecords } from './reader';

export { parseTime } from './time';

const DEFAULT_RESULT = '_result';

interface BlockHead {
  width: number;
  columns: Column[];
  group: boolean[];
  defaults: Cell[];
  resultName: string;
}

/**
 * Uses #datatype/#group/#default; the `table` column splits tables; an empty field takes the column's
 * #default value, else null. Throws an `invalid` ApiError naming the line for malformed input, and an
 * `internal error` ApiError carrying the message of an in-band error table.
 */
export function decodeAnnotatedCsv(text: string): Result[] {
  const records = readCsvRecords(text);
  const results: Result[] = [];
  let i = 0;
  while (i < records.length) {
    const { head, next } = readBlockHead(records, i);
    i = next;
    const rows: CsvRecord[] = [];
    while (i < records.length && isDataRow(records[i], head)) rows.push(records[i++]);
    for (const { name, table } of blockTables(head, rows)) addTable(results, name, table);
  }
  return results;
}

function readBlockHead(records: CsvRecord[], start: number): { head: BlockHead; next: number } {
  const annotations = new Map<string, string[]>();
  let i = start;
  let width = -1;
  for (; i < records.length && records[i].fields[0] !== ''; i++) {
    const { fields, line } = records[i];
    if (!fields[0].startsWith('#'))
      throw invalid(line, `expected an annotation (#...) or an empty first field, got ${JSON.stringify(fields[0])}`);
    if (width >= 0 && fields.length !== width) throw invalid(line, 'wrong number of fields in annotation row');
    width = fields.length;
    annotations.set(fields[0].slice(1), fields); // unknown annotations are ignored, as in Flux
  }
  if (i >= records.length) throw invalid(records[records.length - 1].line, 'missing expected header row');
  const header = records[i];
  if (width >= 0 && header.fields.length !== width) throw invalid(header.line, 'wrong number of fields in header row');
  if (header.fields[1] === 'error') {
    const message = records[i + 1]?.fields[1] ?? 'error table without a message';
    throw errors.internal(message);
  }
  if (header.fields.length < 3) throw invalid(header.line, 'the header must start with the columns "", result, table');
  width = header.fields.length;

  const datatypes = annotations.get('datatype');
  const groups = annotations.get('group');
  const defaultRow = annotations.get('default');
  const columns: Column[] = [];
  const group: boolean[] = [];
  const defaults: Cell[] = [];
  header.fields.slice(3).forEach((label, k) => {
    const j = k + 3;
    const datatype = datatypes?.[j] ?? 'string';
    const type = parseDatatype(datatype);
    if (!type)
      throw invalid(header.line, `column ${JSON.stringify(label)} has invalid datatype ${JSON.stringify(datatype)}`);
    columns.push({ label, type });
    group.push(groups?.[j] === 'true');
    defaults.push(
      readValue(defaultRow?.[j] ?? '', type, null, header.line, `default of column ${JSON.stringify(label)}`),
    );
  });
  // Tables carry no id in the model, but Flux still rejects a bad one.
  const tableId = defaultRow?.[2] ?? '';
  if (tableId !== '' && !/^[+-]?\d+$/.test(tableId)) throw invalid(header.line, 'default table ID is not an integer');
  return {
    head: { width, columns, group, defaults, resultName: defaultRow?.[1] ?? '' },
    next: i + 1,
  };
}

// A data row has an empty first field; a repeated header (plain CSV has no annotations to start a new
// block) is recognised by its `table` or `reference` label, which can never be a table id.
function isDataRow(record: CsvRecord, head: BlockHead): boolean {
  const { fields, line } = record;
  if (fields[0] !== '') return false;
  if (fields[1] === 'result' && fields[2] === 'table') return false;
  if (fields.length === 3 && fields[1] === 'error' && fields[2] === 'reference') return false;
  if (fields.length !== head.width)
    throw invalid(line, `wrong number of fields: ${fields.length}, expected ${head.width}`);
  return true;
}

function* blockTables(head: BlockHead, rows: CsvRecord[]): Generator<{ name: string; table: Table }> {
  const fallbackName = head.resultName || DEFAULT_RESULT;
  if (rows.length === 0) {
    // An empty table: its key values come from the #default row.
    yield { name: fallbackName, table: newTable(head, head.defaults) };
    return;
  }
  let current: { name: string; id: string; table: Table } | undefined;
  for (const { fields, line } of rows) {
    const name = fields[1] || fallbackName;
    const id = fields[2];
    const values = head.columns.map((c, k) =>
      readValue(fields[k + 3], c.type, head.defaults[k], line, `column ${JSON.stringify(c.label)}`),
    );
    if (!current || current.name !== name || (id !== '' && id !== current.id)) {
      if (current) yield current;
      current = { name, id, table: newTable(head, values) };
    }
    // Flux holds a table's rows in its columns: a record with no column but result and table (",,0") adds no
    // row, it only marks the table, which stays empty.
    if (head.columns.length > 0) current.table.rows.push(values);
  }
  if (current) yield current;
}

function newTable(head: BlockHead, keySource: Cell[]): Table {
  const keyColumns: string[] = [];
  const keyValues: Cell[] = [];
  head.columns.forEach((c, k) => {
    if (head.group[k]) {
      keyColumns.push(c.label);
      keyValues.push(keySource[k]);
    }
  });
  return { columns: head.columns.map((c) => ({ ...c })), keyColumns, keyValues, rows: [] };
}

function addTable(results: Result[], name: string, table: Table): void {
  const last = results[results.length - 1];
  // A new result starts whenever the name changes, as Flux's MultiResultDecoder does.
  if (last && last.name === name) last.tables.push(table);
  else results.push({ name, tables: [table] });
}

function readValue(text: string, type: ColumnType, fallback: Cell, line: number, what: string): Cell {
  if (text === '') return fallback;
  const parsed = parseCell(text, type);
  if ('error' in parsed) throw invalid(line, `${what}: ${parsed.error}`);
  return parsed.value;
}

function invalid(line: number, message: string) {
  return errors.invalid(`annotated CSV line ${line}: ${message}`);
}
