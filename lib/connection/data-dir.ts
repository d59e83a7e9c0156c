/**
 * Where a connection keeps its files under the folder the caller gives (Node-RED: `<userDir>/.iot-center`):
 * one spool directory per (connection, bucket, precision), and the device token file shared by all.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export const TOKEN_FILE = 'device-tokens.json';

export function tokenFile(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE);
}

/**
 * `<dataDir>/spool/<connectionId>/<bucket>-<precision>-<hash>`: readable, and distinct even when two
 * bucket names differ only in characters a file name cannot hold.
 */
export function pipelineSpoolDir(
  dataDir: string,
  connectionId: string,
  org: string,
  bucket: string,
  precision: string,
): string {
  const hash = createHash('sha256').update(`${org}\0${bucket}\0${precision}`).digest('hex').slice(0, 10);
  return path.join(dataDir, 'spool', safeName(connectionId), `${safeName(bucket)}-${precision}-${hash}`);
}

function safeName(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 40);
  return cleaned === '' ? '_' : cleaned;
}
