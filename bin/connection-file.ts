/**
 * The emulator's connection details for a test script: one JSON line `{"url","org","bucket","token"}` on
 * stdout, or the same line in a file (owner-only, as it holds a token), replaced atomically so that a
 * script polling for it never reads half of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionInfo } from './docker-init/onboard';

export function connectionLine(info: ConnectionInfo): string {
  const { url, org, bucket, token } = info;
  return JSON.stringify({ url, org, bucket, token });
}

/** Before the start: a file left by an earlier run must not pass for this one's. */
export function removeConnectionFile(file: string): void {
  fs.rmSync(file, { force: true });
}

export function writeConnectionFile(file: string, info: ConnectionInfo): void {
  const target = path.resolve(file);
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${connectionLine(info)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, target);
}
