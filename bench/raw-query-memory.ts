/**
 * Issue 11 item 5: a raw query streams, so its memory does not grow with the range. Peak RSS of one query worker's
 * work (evaluate + annotated CSV, emulator/query-pool/evaluate.ts, output dropped) for raw queries of the whole
 * bucket over 1 and 30 days, each in a fresh process (peak RSS only grows), next to the same query computed whole
 * first (runFlux, then the CSV), as the emulator did before, and streamed through a dashboard's keep and map.
 *
 * In `npm run bench` as `rawmemory` (the whole bucket, 2 devices × 30 days; quick: 1 × 2). Alone:
 * `node --import tsx bench/raw-query-memory.ts [--quick] [--data FILE]`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChunkedText, encodeResultTo } from '../emulator/flux/csv/encode';
import type { Dialect } from '../emulator/flux/csv/dialect';
import { type FluxContext, runFlux } from '../emulator/flux/engine';
import { CSV_CHUNK_CHARS, evaluate } from '../emulator/query-pool/evaluate';
import { openReadOnlyPoints } from '../emulator/storage/sqlite/open';
import type { Bucket } from '../emulator/storage/types';
import { buildDataset } from './queries';
import { type Figure, figure, progress, type Summary } from './stats';

const DIALECT: Dialect = { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'] };
const FLEET: Bucket = {
  id: '00000000000000f1',
  orgID: '0000000000000001',
  name: 'fleet',
  type: 'user',
  retentionSeconds: 0,
  shardGroupDurationSeconds: 604800,
  createdAt: '',
  updatedAt: '',
};

function rawQuery(days: number): string {
  return `from(bucket: "fleet") |> range(start: -${days}d)`;
}

/**
 * A dashboard's steps on a raw query: the columns it shows (the sensor tags and _measurement it drops have one value
 * in every table) and a column added by map. No two tables can end up with one key, so it streams in row blocks too.
 */
const DASHBOARD_STEPS =
  ' |> keep(columns: ["_time", "_value", "_field", "clientId"]) |> map(fn: (r) => ({r with device: r.clientId}))';

/** In the child: one query, streamed (the worker's path) or whole; prints peak RSS in MB and the CSV size. */
async function measureOne(file: string, nowNs: bigint, source: string, whole: boolean): Promise<void> {
  const ctx: FluxContext = {
    now: nowNs,
    orgID: FLEET.orgID,
    points: openReadOnlyPoints(file),
    findBucket: (ref) => (ref.name === FLEET.name || ref.id === FLEET.id ? FLEET : undefined),
    listBuckets: () => [FLEET],
  };
  let chars = 0;
  let pieces = 0;
  let liveHeap = 0;
  const collect = (globalThis as { gc?: () => void }).gc;
  const emit = (text: string) => {
    chars += text.length;
    // What the query holds, garbage aside: the heap after a full collection, every 128 pieces (8 MiB of CSV).
    if (collect && pieces++ % 128 === 0) {
      collect();
      liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
    }
  };
  if (whole) {
    const { results } = await runFlux(source, ctx);
    const out = new ChunkedText(CSV_CHUNK_CHARS, emit);
    for (const r of results) encodeResultTo(r, DIALECT, out);
    out.flush();
  } else {
    const error = await evaluate({ source, dialect: DIALECT, memoryLimitBytes: 0 }, ctx, emit);
    if (error) throw error;
  }
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ peakRssMB, liveHeapMB: liveHeap / 2 ** 20, chars }));
}

function once(value: number): Summary {
  return { median: value, min: value, max: value, runs: [value] };
}

interface Measured {
  peakRssMB: number;
  liveHeapMB: number;
  chars: number;
}

function inChild(file: string, nowNs: bigint, source: string, whole: boolean): Measured {
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    __filename,
    '--child',
    file,
    String(nowNs),
    source,
    whole ? 'whole' : 'stream',
  ];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

export async function benchRawQueryMemory(quick: boolean, dataFile?: string): Promise<Figure[]> {
  // In `npm run bench` the whole bucket of 2 devices (about 140 MB of CSV over 30 days) keeps the run short;
  // alone with --data, any dataset.
  const [devices, days] = quick ? [1, 2] : [2, 30];
  const file = dataFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-raw-')), 'raw.sqlite');
  const { nowNs } = buildDataset(file, devices, days);
  const figures: Figure[] = [];
  const runs = [
    { what: 'whole bucket', id: 'bucket', steps: '', whole: false },
    { what: 'whole bucket', id: 'bucket', steps: '', whole: true },
    { what: 'whole bucket through keep and map', id: 'bucket-keep-map', steps: DASHBOARD_STEPS, whole: false },
  ];
  for (const { what, id: shape, steps, whole } of runs) {
    const short = inChild(file, nowNs, rawQuery(1) + steps, whole);
    const long = inChild(file, nowNs, rawQuery(days) + steps, whole);
    const how = whole ? 'computed whole (before)' : 'streamed';
    const mb = (m: Measured) => `${m.liveHeapMB.toFixed(0)} MB live heap, ${m.peakRssMB.toFixed(0)} MB peak RSS`;
    progress(`raw-query-memory: ${what}, ${how}: 1 day ${mb(short)}; ${days} days ${mb(long)}`);
    const id = `raw-memory-${shape}-${whole ? 'whole' : 'stream'}`;
    const csv = `${(long.chars / 1e6).toFixed(0)} MB of CSV`;
    for (const [measure, label] of [
      ['liveHeapMB', 'live heap (after a full GC, sampled while encoding)'],
      ['peakRssMB', 'peak RSS'],
    ] as const) {
      figures.push(
        figure({
          id: `${id}-${measure === 'liveHeapMB' ? 'heap' : 'rss'}`,
          item: 5,
          what: `raw query, ${what}, ${how}: ${label} over ${days} days (peer: over 1 day), ${csv}`,
          unit: 'MB',
          better: 'lower',
          ours: once(long[measure]),
          oursName: `${days} days`,
          peer: once(short[measure]),
          peerName: '1 day',
          ratio: once(long[measure] / short[measure]),
          // The point of streaming: the live heap of a streamed answer does not grow with its range.
          target: !whole && measure === 'liveHeapMB' ? { of: 'ratio', op: '<=', value: 1.5 } : undefined,
        }),
      );
    }
  }
  if (!dataFile) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return figures;
}

if (require.main === module) {
  const i = process.argv.indexOf('--child');
  if (i > 0) {
    const [file, now, source, mode] = process.argv.slice(i + 1);
    void measureOne(file, BigInt(now), source, mode === 'whole');
  } else {
    const d = process.argv.indexOf('--data');
    void benchRawQueryMemory(process.argv.includes('--quick'), d > 0 ? process.argv[d + 1] : undefined).then((f) =>
      console.log(JSON.stringify(f, null, 1)),
    );
  }
}
