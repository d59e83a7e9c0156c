/**
 * The query benchmark's fleet as `iot-center emulator` serves it: buckets made through the API of the built
 * emulator, the points written straight into its database by the bulk path (bench/queries.ts writeFleet) while
 * it is stopped, then the emulator started again on that folder. Queries go to it over HTTP as a dashboard's
 * client sends them: `POST /api/v2/query` with the client's dialect, on a keep-alive connection, read to the
 * last byte.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { BucketsAPI, SetupAPI } from '@influxdata/influxdb-client-apis';
import { DATABASE_FILE } from '../emulator/storage/sqlite/open';
import type { Bucket } from '../emulator/storage/types';
import { type EmulatorOnDir, ORG, startEmulatorOnDir, TOKEN } from './harness';

export const FLEET_BUCKET = 'fleet';
export const SOLO_BUCKET = 'solo';

/** The fleet and solo buckets as the emulator stored them (ids are the emulator's own). */
export interface ServedBuckets {
  fleet: Bucket;
  solo: Bucket;
}

/**
 * Makes `dataDir` an onboarded emulator's folder with empty fleet and solo buckets, and returns their ids;
 * the emulator is stopped again before this returns, so that the bulk write is the database's one writer.
 */
export async function createServedBuckets(dataDir: string): Promise<ServedBuckets> {
  const emulator = await startEmulatorOnDir(dataDir);
  try {
    const setup = await new SetupAPI(new InfluxDB({ url: emulator.url })).postSetup({
      body: { org: ORG, bucket: 'default', username: 'bench', password: 'password1', token: TOKEN },
    });
    const orgID = setup.org?.id ?? '';
    const api = new BucketsAPI(new InfluxDB({ url: emulator.url, token: TOKEN }));
    for (const name of [FLEET_BUCKET, SOLO_BUCKET])
      await api.postBuckets({ body: { orgID, name, retentionRules: [] } });
    return await servedBuckets(emulator.url);
  } finally {
    await emulator.close();
  }
}

/** The fleet and solo buckets of a running emulator, by name. */
export async function servedBuckets(url: string): Promise<ServedBuckets> {
  const api = new BucketsAPI(new InfluxDB({ url, token: TOKEN }));
  const find = async (name: string): Promise<Bucket> => {
    const found = (await api.getBuckets({ name })).buckets?.[0];
    if (!found?.id) throw new Error(`bench: the emulator at ${url} has no bucket ${name}`);
    const now = new Date().toISOString();
    return {
      id: found.id,
      orgID: found.orgID ?? '',
      name,
      type: 'user',
      retentionSeconds: 0,
      shardGroupDurationSeconds: 604800,
      createdAt: found.createdAt ?? now,
      updatedAt: found.updatedAt ?? now,
    };
  };
  return { fleet: await find(FLEET_BUCKET), solo: await find(SOLO_BUCKET) };
}

export function databaseOf(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}

/** Written once the fleet is in: a folder without it (a build cut short) is never reused. */
const BUILT_FILE = 'bench-fleet.json';

/** Whether `dataDir` holds a whole fleet of this size (throws if it holds one of another size). */
export function holdsFleet(dataDir: string, devices: number, days: number): boolean {
  const file = path.join(dataDir, BUILT_FILE);
  if (!fs.existsSync(file)) return false;
  const built = JSON.parse(fs.readFileSync(file, 'utf8')) as { devices: number; days: number };
  if (built.devices !== devices || built.days !== days) {
    throw new Error(`bench: ${dataDir} holds ${built.devices} devices × ${built.days} days; remove it or pick another`);
  }
  return true;
}

export function markFleetBuilt(dataDir: string, devices: number, days: number): void {
  fs.writeFileSync(path.join(dataDir, BUILT_FILE), JSON.stringify({ devices, days }));
}

/** The dialect @influxdata/influxdb-client's QueryApi sends. */
const CLIENT_DIALECT = {
  header: true,
  delimiter: ',',
  quoteChar: '"',
  commentPrefix: '#',
  annotations: ['datatype', 'group', 'default'],
};

export interface FluxOverHttp {
  /** The annotated CSV of one query, read to its last byte; `now` is the query's clock (ns), as the body's `now`. */
  query(flux: string, nowNs: bigint): Promise<Buffer>;
  close(): void;
}

/** A dashboard's client of one emulator: one keep-alive connection, no compression (the client's default). */
export function fluxOverHttp(emulator: Pick<EmulatorOnDir, 'url'>): FluxOverHttp {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${emulator.url}/api/v2/query?org=${encodeURIComponent(ORG)}`;
  return {
    query(flux, nowNs) {
      const now = new Date(Number(nowNs / 1_000_000n)).toISOString();
      const body = JSON.stringify({ query: flux, dialect: CLIENT_DIALECT, type: 'flux', now });
      return new Promise((resolve, reject) => {
        const req = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              authorization: `Token ${TOKEN}`,
              'content-type': 'application/json; encoding=utf-8',
              'accept-encoding': 'identity',
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks);
              if (res.statusCode === 200) resolve(text);
              else reject(new Error(`bench: POST /api/v2/query: HTTP ${res.statusCode}: ${text.toString()}`));
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
