/**
 * Where device tokens are kept once InfluxDB has shown them (at creation only: Cloud and OSS 2.9 redact them
 * when listing). Never the flow file, never Node-RED context (the editor's Context sidebar would show it).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface StoredToken {
  authorizationId: string;
  token: string;
}

export interface TokenStore {
  get(key: string): StoredToken | undefined;
  set(key: string, value: StoredToken): void;
  delete(key: string): void;
}

export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, StoredToken>();
  get(key: string): StoredToken | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: StoredToken): void {
    this.entries.set(key, value);
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * A JSON file readable by its owner only, replaced atomically (write + rename) so a crash never tears it.
 * Every call reads the file again: several stores (one per config node) share it, and one must not
 * overwrite what another has just added.
 */
export class FileTokenStore implements TokenStore {
  constructor(private readonly file: string) {
    readEntries(file); // a damaged file is reported now, not at the first device
  }

  get(key: string): StoredToken | undefined {
    return readEntries(this.file)[key];
  }

  set(key: string, value: StoredToken): void {
    const entries = readEntries(this.file);
    entries[key] = { authorizationId: value.authorizationId, token: value.token };
    this.save(entries);
  }

  delete(key: string): void {
    const entries = readEntries(this.file);
    if (!(key in entries)) return;
    delete entries[key];
    this.save(entries);
  }

  private save(entries: Record<string, StoredToken>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entries, null, 1), { mode: 0o600 });
    // A tmp file left by a crash keeps its old mode: make sure the token file is owner-only.
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }
}

function readEntries(file: string): Record<string, StoredToken> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as Record<string, StoredToken>;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `device token file ${file} is not valid JSON (${(e as Error).message}); restore it or delete it (devices are then registered again)`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`device token file ${file} is not a JSON object`);
  }
  // No prototype: a key is only ever what the file holds.
  const entries = Object.create(null) as Record<string, StoredToken>;
  for (const [key, value] of Object.entries(parsed)) {
    const v = value as Partial<StoredToken>;
    if (typeof v?.authorizationId === 'string' && typeof v.token === 'string') {
      entries[key] = { authorizationId: v.authorizationId, token: v.token };
    }
  }
  return entries;
}
