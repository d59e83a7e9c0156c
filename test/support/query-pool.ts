/**
 * Helpers for the query pool tests: a file-backed emulator (the pool needs a database file), seed
 * data, a deliberately slow query, a raw query request that can be abandoned, and polling.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { EmulatorOptions } from '../../emulator/state';
import { type Onboarded, startOnboarded } from './emulator';

export const T0 = 1_700_000_000_000_000_000n;

export interface FileEnv extends Onboarded {
  dataDir: string;
  close(): Promise<void>;
}

export async function startFileBacked(options: Partial<EmulatorOptions> = {}): Promise<FileEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-query-pool-'));
  const env = await startOnboarded({ ...options, dataDir });
  return {
    ...env,
    dataDir,
    close: async () => {
      await env.emulator.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `series` devices × `points` one-minute points of field `v` in `m`, through the real client. */
export async function seed(env: Onboarded, series: number, points: number): Promise<void> {
  const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns', { batchSize: 5000 });
  for (let s = 0; s < series; s++) {
    for (let i = 0; i < points; i++) writeApi.writeRecord(`m,dev=d${s} v=${i}.5 ${T0 + BigInt(i) * 60_000_000_000n}`);
  }
  await writeApi.close();
}

/**
 * Reads everything and maps it `stages` times: its cost grows with the data and the stages, not with a timer.
 * At most 100 stages to a statement, so that any number of stages stays within Flux's depth limit (a pipeline
 * of 180 steps is too deep, and is turned away before it runs).
 */
export function slowQuery(stages: number): string {
  const statements = [`s0 = from(bucket: "my-bucket") |> range(start: 0)`];
  for (let k = 0; k < stages; k += 100) {
    const steps = ` |> map(fn: (r) => ({r with _value: r._value + 1.0}))`.repeat(Math.min(100, stages - k));
    statements.push(`s${statements.length} = s${statements.length - 1}${steps}`);
  }
  return `${statements.join('\n')}\ns${statements.length - 1} |> count()`;
}

export interface PendingQuery {
  /** Status and body once answered; rejects if the request is abandoned. */
  answer: Promise<{ status: number; body: string }>;
  /** Closes the connection, as a client that gives up does. */
  abandon(): void;
}

/** A POST /api/v2/query of the env's org on a connection of its own; the caller reads the answer and ends it. */
export function queryRequest(env: Onboarded): http.ClientRequest {
  return http.request(`${env.emulator.url}/api/v2/query?org=${env.org}`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Token ${env.token}`, 'content-type': 'application/vnd.flux' },
  });
}

export function postQuery(env: Onboarded, flux: string): PendingQuery {
  const req = queryRequest(env);
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.end(flux);
  return { answer, abandon: () => req.destroy() };
}

/** Polls until `check` holds; fails after `deadlineMs`, naming what it waited for. */
export async function waitFor(what: string, check: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the order in which the promises settled (their labels). */
export function settleOrder(promises: Record<string, Promise<unknown>>): { order: string[]; all: Promise<void> } {
  const order: string[] = [];
  const all = Promise.all(
    Object.entries(promises).map(([label, p]) =>
      p.then(
        () => order.push(label),
        () => order.push(label),
      ),
    ),
  ).then(() => undefined);
  return { order, all };
}
