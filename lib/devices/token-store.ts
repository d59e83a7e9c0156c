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

/** A JSON file readable by its owner only, replaced atomically (write + rename) so a crash never tears it. */
export class FileTokenStore implements TokenStore {
  private entries: Record<string, StoredToken>;

  constructor(private readonly file: string) {
    this.entries = readEntries(file);
  }

  get(key: string): StoredToken | undefined {
    return this.entries[key];
  }

  set(key: string, value: StoredToken): void {
    this.entries[key] = value;
    this.save();
  }

  delete(key: string): void {
    if (!(key in this.entries)) return;
    delete this.entries[key];
    this.save();
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.entries, null, 1), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

function readEntries(file: string): Record<string, StoredToken> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`device token file ${file} is not a JSON object`);
  }
  const entries: Record<string, StoredToken> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const v = value as Partial<StoredToken>;
    if (typeof v?.authorizationId === 'string' && typeof v.token === 'string') {
      entries[key] = { authorizationId: v.authorizationId, token: v.token };
    }
  }
  return entries;
}
