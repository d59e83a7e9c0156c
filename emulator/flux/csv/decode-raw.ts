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
  const rows = records.map(({ fields, line }): Cell[] => {
    if (fields.length !== width) {
      throw errors.invalid(`CSV line ${line}: wrong number of fields: ${fields.length}, expected ${width}`);
    }
    return fields.map((f) => (f === '' ? null : f));
  });
  const columns = header.fields.map((label) => ({ label, type: 'string' as const }));
  return [{ columns, keyColumns: [], keyValues: [], rows }];
}
