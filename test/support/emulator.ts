/**
 * Test helpers for the emulator: start one on a free port, onboard it with the real SetupAPI, make
 * clients, and assert on the HttpError the real client library raises.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { HttpError, InfluxDB, type Logger, setLogger } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { type RunningEmulator, startEmulator } from '../../emulator';
import type { EmulatorOptions } from '../../emulator/state';

export const TEST_TOKEN = 'test-operator-token';

export interface Onboarded {
  emulator: RunningEmulator;
  token: string;
  org: string;
  orgID: string;
  bucket: string;
  bucketID: string;
  userID: string;
  influx: InfluxDB;
}

/** An in-memory emulator on a free port; retention is only swept when a test asks. */
export function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, dataDir: ':memory:', retentionCheckIntervalMs: 0, ...options });
}

/** Starts an emulator and onboards it (org `my-org`, bucket `my-bucket`, operator token TEST_TOKEN). */
export async function startOnboarded(options: Partial<EmulatorOptions> = {}): Promise<Onboarded> {
  const emulator = await startTestEmulator(options);
  const setup = new SetupAPI(new InfluxDB({ url: emulator.url }));
  const result = await setup.postSetup({
    body: { username: 'admin', password: 'password123', org: 'my-org', bucket: 'my-bucket', token: TEST_TOKEN },
  });
  return {
    emulator,
    token: TEST_TOKEN,
    org: 'my-org',
    orgID: result.org?.id as string,
    bucket: 'my-bucket',
    bucketID: result.bucket?.id as string,
    userID: result.user?.id as string,
    influx: new InfluxDB({ url: emulator.url, token: TEST_TOKEN }),
  };
}

export function clientFor(emulator: RunningEmulator, token?: string): InfluxDB {
  return new InfluxDB({ url: emulator.url, ...(token !== undefined ? { token } : {}) });
}

/** Awaits a rejection that must be the client's HttpError with this status and OSS error body. */
export async function assertHttpError(
  promise: Promise<unknown>,
  status: number,
  code: string,
  message?: string | RegExp,
): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HttpError, `expected HttpError, got ${String(err)}`);
    assert.equal(err.statusCode, status, `status (body: ${err.body})`);
    assert.equal(err.code, code, `code (body: ${err.body})`);
    if (typeof message === 'string') assert.equal(err.json?.message, message);
    else if (message) assert.match(String(err.json?.message), message);
    return err;
  }
  assert.fail(`expected HTTP ${status} ${code}, but the call succeeded`);
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent (not decompressed). */
  raw: Buffer;
  body: string;
}

/** A plain HTTP request, for checks at the byte level (headers, exact bodies) that a client library hides. */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body: raw.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Silences the client library's console logging of failed writes for the tests of a describe block
 * (the failures are what those tests assert).
 */
export function quietClientLogs(): void {
  let previous: Logger | undefined;
  before(() => {
    previous = setLogger({ error: () => undefined, warn: () => undefined });
  });
  after(() => {
    if (previous) setLogger(previous);
  });
}
