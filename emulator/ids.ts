/**
 * Resource IDs and tokens shaped like InfluxDB's: IDs are 16 lowercase hex digits (a 64-bit snowflake in
 * OSS, so they grow with time and list in creation order), tokens are base64url of 64 random bytes.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from './errors';

let lastId = 0n;

/** A new ID, strictly greater than any earlier one from this process (time in ms, then random bits). */
export function newId(): string {
  let id = (BigInt(Date.now()) << 22n) | BigInt(randomBytes(3).readUIntBE(0, 3) & 0x3fffff);
  if (id <= lastId) id = lastId + 1n;
  lastId = id;
  return id.toString(16).padStart(16, '0');
}

/** OSS `rand.TokenGenerator`: `base64.URLEncoding` (with padding) of 64 random bytes → 88 chars. */
export function newToken(): string {
  return randomBytes(64).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function isValidId(s: string): boolean {
  return /^[0-9a-fA-F]{16}$/.test(s) && !/^0{16}$/.test(s);
}

/** Decodes an ID string as OSS `platform.IDFromString` does, with its two error messages. */
export function parseId(s: string): string {
  if (s.length !== 16) throw new ApiError('invalid', 'id must have a length of 16 bytes');
  if (!isValidId(s)) throw new ApiError('invalid', 'invalid ID');
  return s.toLowerCase();
}
