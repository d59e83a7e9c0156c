/**
 * CSV without annotations (`csv.from(mode: "raw")`), as Flux's ResultDecoder reads it with `NoAnnotations`
 * (csv/result.go readMetadata): the first record is the header, every column is a string, there is no group key,
 * and all rows make one table of one result; an empty field is null.
 */
import { errors } from '../../errors';
import type { Cell, Table } from '../table';
import { readCsvRecords } from './reader';

export function decodeRawCsv(text: string): Table[] {
  const [header, ...records] = readCsvRecords(text);
  if (!header) return [];
  const width = header.fields.length;
  // As in annotated CSV, a header whose second column is "error" carries an error in the row below it.
  if (width > 1 && header.fields[1] === 'error') {
    const row = records[0];
    if (!row) throw errors.invalid('unexpected EOF');
    if (row.fields.length !== width) throw wrongWidth(row.line, row.fields.length, width);
    throw errors.internal(row.fields[1]);
  }
  const rows = records.map(({ fields, line }): Cell[] => {
    if (fields.length !== width) throw wrongWidth(line, fields.length, width);
    return fields.map((f) => (f === '' ? null : f));
  });
  const columns = header.fields.map((label) => ({ label, type: 'string' as const }));
  return [{ columns, keyColumns: [], keyValues: [], rows }];
}

const wrongWidth = (line: number, fields: number, width: number) =>
  errors.invalid(`CSV line ${line}: wrong number of fields: ${fields}, expected ${width}`);
