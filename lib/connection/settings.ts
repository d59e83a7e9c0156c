/**
 * What a connection to InfluxDB is made of (the config node's fields, parsed at the edge), and the
 * client options they become. Problems are collected into one message that names each field to fix.
 */
import fs from 'node:fs';
import type { ClientOptions } from '@influxdata/influxdb-client';
import { ConnectionError } from './errors';

export interface InfluxSettings {
  /** e.g. `http://127.0.0.1:8086` or `https://eu-central-1-1.aws.cloud2.influxdata.com`. */
  url: string;
  /** Organization name. */
  org: string;
  /** Default bucket name. */
  bucket: string;
  /** API token (the config node's credential, or the value of its environment variable). */
  token: string;
  /** Request timeout in ms. Default 10000. */
  timeoutMs?: number;
  /** Verify the server's TLS certificate. Default true. */
  rejectUnauthorized?: boolean;
  /** A PEM file of the CA that signed the server's certificate (self-signed servers). */
  caFile?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Client options for `new InfluxDB(...)`, or the problems that stop the settings from working. */
export function toClientOptions(settings: InfluxSettings): ClientOptions {
  const problems: string[] = [];
  const url = normalizeUrl(settings.url);
  if (url === '') problems.push('the URL is empty');
  else if (!/^https?:\/\/[^/]/i.test(url)) problems.push(`the URL "${url}" must start with http:// or https://`);
  else {
    try {
      new URL(url);
    } catch {
      problems.push(`the URL "${url}" is not valid`);
    }
  }
  if (settings.org.trim() === '') problems.push('the organization is empty');
  if (settings.bucket.trim() === '') problems.push('the bucket is empty');
  if (settings.token === '') problems.push('no token: enter it, or name the environment variable that holds it');
  const timeout = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeout) || timeout <= 0) problems.push(`the timeout must be a positive number of seconds`);
  const transportOptions: Record<string, unknown> = {};
  if (settings.rejectUnauthorized === false) transportOptions.rejectUnauthorized = false;
  const caFile = settings.caFile?.trim();
  if (caFile) {
    try {
      transportOptions.ca = fs.readFileSync(caFile);
    } catch (e) {
      problems.push(`cannot read the CA file ${caFile} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  if (problems.length > 0) throw new ConnectionError('misconfigured', `InfluxDB config: ${problems.join('; ')}`);
  return { url, token: settings.token, timeout, transportOptions };
}

/** The URL as the connection uses it: trimmed, without trailing slashes. */
export function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
