/**
 * The on-disk record format of the spool. A segment file is a sequence of records:
 *   1 byte kind ('L' lines | 'R' removed) · uint32 BE payload length · uint32 BE CRC-32 of payload · payload (JSON)
 * The length and checksum let recovery tell a complete record from one torn by a crash.
 */
import { crc32 } from 'node:zlib';

/** Lines appended; their sequence numbers are `first`, `first + 1`, ... */
export interface LinesRecord {
  kind: 'L';
  first: number;
  lines: readonly string[];
}

/** Lines `from..to` (inclusive) left the spool: acknowledged ('ack') or dropped by the cap ('drop'). */
export interface RemovedRecord {
  kind: 'R';
  from: number;
  to: number;
  why: 'ack' | 'drop';
}

export type SpoolRecord = LinesRecord | RemovedRecord;

const HEADER = 9;

export function encodeRecord(record: SpoolRecord): Buffer {
  const body =
    record.kind === 'L'
      ? JSON.stringify({ s: record.first, l: record.lines })
      : JSON.stringify({ f: record.from, t: record.to, w: record.why });
  const payload = Buffer.from(body, 'utf8');
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.write(record.kind, 0, 'latin1');
  out.writeUInt32BE(payload.length, 1);
  out.writeUInt32BE(crc32(payload), 5);
  payload.copy(out, HEADER);
  return out;
}

export interface DecodedSegment {
  records: SpoolRecord[];
  /** Bytes from the start that hold whole records. */
  validBytes: number;
  /** Bytes after them that were torn or damaged and are ignored. */
  discardedBytes: number;
}

/** Reads records until the end or the first incomplete/damaged one; everything after that is ignored. */
export function decodeSegment(buf: Buffer): DecodedSegment {
  const records: SpoolRecord[] = [];
  let at = 0;
  while (at + HEADER <= buf.length) {
    const kind = String.fromCharCode(buf[at]);
    const length = buf.readUInt32BE(at + 1);
    const sum = buf.readUInt32BE(at + 5);
    const end = at + HEADER + length;
    if ((kind !== 'L' && kind !== 'R') || end > buf.length) break;
    const payload = buf.subarray(at + HEADER, end);
    if (crc32(payload) !== sum) break;
    const record = parsePayload(kind, payload.toString('utf8'));
    if (!record) break;
    records.push(record);
    at = end;
  }
  return { records, validBytes: at, discardedBytes: buf.length - at };
}

function parsePayload(kind: 'L' | 'R', text: string): SpoolRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (kind === 'L') {
    if (!isSeq(v.s) || !Array.isArray(v.l) || !v.l.every((x): x is string => typeof x === 'string')) return undefined;
    return { kind, first: v.s, lines: v.l };
  }
  if (!isSeq(v.f) || !isSeq(v.t) || (v.w !== 'ack' && v.w !== 'drop')) return undefined;
  return { kind, from: v.f, to: v.t, why: v.w };
}

function isSeq(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
