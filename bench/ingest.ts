/**
 * Item 2 (ingest): field values per second that the emulator stores from gzip'd line-protocol batches of
 * 5,000 lines, posted by 4 concurrent writers, next to the ceiling: the same rows inserted straight into
 * SQLite (the emulator's schema, WAL, synchronous=NORMAL, no automatic checkpoint) with one prepared
 * statement in one transaction. Each run uses a fresh emulator process and a fresh database for the ceiling,
 * the two in alternating order; the ratio is per run.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { parseLineProtocol } from '../emulator/lineprotocol/parse';
import { SCHEMA_SQL } from '../emulator/storage/sqlite/schema';
import { toLines } from '../lib/write';
import { ORG, rssMB, startEmulatorProcess, TOKEN } from './harness';
import { type BenchOptions, type Figure, figure, pairRatios, perSecond, progress, summarize, timed } from './stats';
import { fleetPoints } from './write-throughput';

const LINES_PER_BATCH = 5_000;
const WRITERS = 4;
const FIELDS_PER_LINE = 7;

function post(url: string, bucket: string, body: Buffer, agent: http.Agent): Promise<void> {
  const target = new URL(`/api/v2/write?org=${ORG}&bucket=${bucket}&precision=ms`, url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Token ${TOKEN}`,
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Encoding': 'gzip',
          'Content-Length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`write: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The ceiling: the same rows, one prepared INSERT, one transaction, a fresh database with the emulator's schema. */
function ceilingTimed(bodies: readonly Buffer[][]): number {
  // The rows as the emulator stores them, one per (series, time), with the series numbered beforehand
  // (not timed: the ceiling is the insert alone).
  const rows: Array<[number, bigint, number | bigint]> = [];
  const series = new Map<string, number>();
  for (const writer of bodies) {
    for (const body of writer) {
      for (const p of parseLineProtocol(gunzipSync(body), 'ms', 0n).points) {
        const tags = JSON.stringify(p.tags);
        for (const [field, value] of p.fields) {
          const key = `${tags}\0${field}`;
          let id = series.get(key);
          if (id === undefined) series.set(key, (id = series.size + 1));
          rows.push([id, p.time, value.value as number | bigint]);
        }
      }
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-sqlite-'));
  const db = new Database(path.join(dir, 'ceiling.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // The emulator checkpoints its WAL in a background thread, never inside a commit: nor may the timed one here.
    db.pragma('wal_autocheckpoint = 0');
    db.exec(SCHEMA_SQL);
    const insert = db.prepare('INSERT INTO points (series_id, time, value) VALUES (?, ?, ?)');
    const insertAll = db.transaction(() => {
      for (const r of rows) insert.run(r[0], r[1], r[2]);
    });
    const start = process.hrtime.bigint();
    insertAll();
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The largest RSS of an ingest emulator after its load, in MB (for the memory figure). */
export let ingestPeakRssMB = 0;

export async function benchIngest(options: BenchOptions): Promise<Figure[]> {
  const batchesPerWriter = options.quick ? 1 : 3;
  const lines = WRITERS * batchesPerWriter * LINES_PER_BATCH;
  const all = toLines(fleetPoints(lines, Date.UTC(2026, 0, 1), 7), { precision: 'ms' }).lines;
  const bodies: Buffer[][] = [];
  for (let w = 0; w < WRITERS; w++) {
    bodies.push([]);
    for (let b = 0; b < batchesPerWriter; b++) {
      const start = (w * batchesPerWriter + b) * LINES_PER_BATCH;
      bodies[w].push(gzipSync(all.slice(start, start + LINES_PER_BATCH).join('\n')));
    }
  }
  const values = lines * FIELDS_PER_LINE;
  const ours: number[] = [];
  const peer: number[] = [];
  const runEmulator = async (): Promise<void> => {
    const emulator = await startEmulatorProcess();
    try {
      const bucket = await emulator.bucket('ingest');
      const agent = new http.Agent({ keepAlive: true, maxSockets: WRITERS });
      // Warm-up: one small batch (the JIT and the series of the first devices).
      await post(emulator.url, 'default', gzipSync(all.slice(0, 500).join('\n')), agent);
      const ms = await timed(() =>
        Promise.all(
          bodies.map(async (writer) => {
            for (const body of writer) await post(emulator.url, bucket, body, agent);
          }),
        ),
      );
      agent.destroy();
      ours.push(perSecond(values, ms));
      ingestPeakRssMB = Math.max(ingestPeakRssMB, rssMB(emulator.pid) ?? 0);
    } finally {
      await emulator.close();
    }
  };
  const runCeiling = (): void => {
    peer.push(perSecond(values, ceilingTimed(bodies)));
  };
  for (let run = 0; run < options.runs; run++) {
    // Alternating which goes first, so that neither always meets a warmer (or more tired) machine.
    if (run % 2 === 0) {
      await runEmulator();
      runCeiling();
    } else {
      runCeiling();
      await runEmulator();
    }
    progress(
      `ingest run ${run + 1}: emulator ${ours[run].toFixed(0)} values/s, SQLite ${peer[run].toFixed(0)} values/s`,
    );
  }
  return [
    figure({
      id: 'ingest.vs-sqlite',
      item: 2,
      what: `emulator ingest: ${lines.toLocaleString('en-US')} lines (${values.toLocaleString('en-US')} field values), gzip'd batches of 5,000 lines from 4 concurrent writers`,
      unit: 'values/s',
      better: 'higher',
      ours: summarize(ours),
      oursName: 'POST /api/v2/write (HTTP, gunzip, parse, validate, store)',
      peer: summarize(peer),
      peerName: 'same rows, one prepared INSERT in one transaction, straight into SQLite (ceiling)',
      ratio: pairRatios(ours, peer),
      target: { of: 'ratio', op: '>=', value: 0.5 },
    }),
  ];
}
