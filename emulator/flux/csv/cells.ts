/** One cell <-> its CSV text, by column type, as Flux's encodeValue / decodeValue do it. */
import type { Cell, ColumnType } from '../table';
import { formatFloat, parseFloat64 } from './float';
import { formatTime, parseTime } from './time';

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;

/** The CSV text of a cell; null is the empty field. The column type only decides how times are written. */
export function formatCell(cell: Cell, type: ColumnType): string {
  if (cell === null) return '';
  switch (typeof cell) {
    case 'bigint':
      return type === 'dateTime:RFC3339' ? formatTime(cell) : cell.toString();
    case 'number':
      return type === 'dateTime:RFC3339' ? formatTime(BigInt(Math.trunc(cell))) : formatFloat(cell);
    case 'boolean':
      return cell ? 'true' : 'false';
    default:
      return cell;
  }
}

/** Reads a non-empty field as the column type says; returns an error message when Flux would fail. */
export function parseCell(text: string, type: ColumnType): { value: Cell } | { error: string } {
  switch (type) {
    case 'string':
      return { value: text };
    case 'long':
      return /^[+-]?\d+$/.test(text) && inRange(BigInt(text), MIN_INT64, MAX_INT64)
        ? { value: BigInt(text) }
        : { error: `invalid long ${JSON.stringify(text)}` };
    case 'unsignedLong':
      return /^\d+$/.test(text) && inRange(BigInt(text), 0n, MAX_UINT64)
        ? { value: BigInt(text) }
        : { error: `invalid unsignedLong ${JSON.stringify(text)}` };
    case 'double': {
      const v = parseFloat64(text);
      return v === undefined ? { error: `invalid double ${JSON.stringify(text)}` } : { value: v };
    }
    case 'boolean':
      // Go strconv.ParseBool
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return { value: true };
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return { value: false };
      return { error: `invalid boolean ${JSON.stringify(text)}` };
    case 'dateTime:RFC3339':
      try {
        return { value: parseTime(text) };
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
  }
}

/** `#datatype` value -> column type; `dateTime:RFC3339Nano` reads like `dateTime:RFC3339` (both parse any fraction). */
export function parseDatatype(text: string): ColumnType | undefined {
  switch (text) {
    case 'string':
    case 'long':
    case 'unsignedLong':
    case 'double':
    case 'boolean':
      return text;
    case 'dateTime':
    case 'dateTime:RFC3339':
    case 'dateTime:RFC3339Nano':
      return 'dateTime:RFC3339';
    default:
      return undefined;
  }
}

function inRange(v: bigint, min: bigint, max: bigint): boolean {
  return v >= min && v <= max;
}
