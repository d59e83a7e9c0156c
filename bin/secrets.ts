/**
 * Secrets `iot-center start` generates once and keeps in owner-only files of its folder: Node-RED's
 * credential secret (so that credentials are encrypted at rest) and the device API's provisioning key.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CREDENTIAL_SECRET_FILE = '.credential-secret';
export const PROVISIONING_KEY_FILE = 'provisioning-key';
/** The example flow's device API reads the key from this environment variable. */
export const PROVISIONING_KEY_ENV = 'IOT_CENTER_PROVISIONING_KEY';

export interface StoredSecret {
  value: string;
  file: string;
  /** True when this call generated it (first start). */
  created: boolean;
}

/** Reads the secret in `file`, or generates one into it (0600, created exclusively so two starts agree). */
export function loadOrCreateSecret(file: string, bytes = 32): StoredSecret {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const value = crypto.randomBytes(bytes).toString('base64url');
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, file, created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // Tighten a file that someone loosened: it holds a secret.
  fs.chmodSync(file, 0o600);
  const value = fs.readFileSync(file, 'utf8').trim();
  if (value === '') throw new Error(`${file} is empty: delete it and start again to generate a new secret`);
  return { value, file, created: false };
}
