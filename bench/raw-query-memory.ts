/**
 * Issue 11 item 5: a raw query streams, so its memory does not grow with the range. The memory of one query worker's
 * work (evaluate + annotated CSV, emulator/query-pool/evaluate.ts, output dropped) for raw queries of the whole
 * bucket over 1 and 30 days, next to the same query computed whole first (runFlux, then the CSV), as the emulator did
 * before, and streamed through a dashboard's keep and map. Each query runs in a fresh process of the built code, as
 * a query worker runs it, twice: once with full collections forced while it encodes, for its live heap, and once
 * left to the collector's own pace, for its peak RSS (forced collections would lower it).
 *
 * In `npm run bench` as `rawmemory` (the whole bucket, 2 devices × 30 days; one run each but the streamed bucket's
 * peak RSS, 3; quick: 1 × 2, 1 run). Alone: `node --import tsx bench/raw-query-memory.ts [--quick] [--data FILE]`.
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
import { ensureBuilt } from '../test/browser/support/build';
import { type Figure, figure, pairRatios, progress, summarize } from './stats';

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

/** What a child measures: the live heap (full collections forced while encoding) or the peak RSS (none forced). */
type Measure = 'heap' | 'rss';

/** In the child: one query, streamed (the worker's path) or whole; prints the measure in MB and the CSV size. */
async function measureOne(
  file: string,
  nowNs: bigint,
  source: string,
  whole: boolean,
  measure: Measure,
): Promise<void> {
  const ctx: FluxContext = {
    now: nowNs,
    orgID: FLEET.orgID,
    points: openReadOnlyPoints(file),
    findBucket: (ref) => (ref.name === FLEET.name || ref.id === FLEET.id ? FLEET : undefined),
    listBuckets: () => [FLEET],
  };
  const collect = (globalThis as { gc?: () => void }).gc;
  if (measure === 'heap' && !collect) throw new Error('the live heap is measured with --expose-gc');
  let chars = 0;
  let pieces = 0;
  let liveHeap = 0;
  const emit = (text: string) => {
    chars += text.length;
    // What the query holds, garbage aside: the heap after a full collection, every 128 pieces (8 MiB of CSV).
    if (measure === 'heap' && collect && pieces++ % 128 === 0) {
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
  const mb = measure === 'heap' ? liveHeap / 2 ** 20 : process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ mb, chars }));
}

interface Measured {
  mb: number;
  chars: number;
}

const REPO = path.join(__dirname, '..');

/**
 * The child is this file as built (dist/), run by plain node as the emulator runs its query workers: under tsx it
 * would also hold tsx's compiled sources and source maps (measured: 5 MB more live heap, 75 MB more peak RSS).
 */
function builtChild(): string {
  ensureBuilt();
  const built = path.join(REPO, 'dist', 'bench', 'raw-query-memory.js');
  const mtime = (f: string) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0);
  const fresh = () => mtime(built) >= mtime(path.join(REPO, 'bench', 'raw-query-memory.ts'));
  if (!fresh()) throw new Error(`${built} is older than its source: run npm run build`);
  return built;
}

function inChild(child: string, file: string, nowNs: bigint, source: string, whole: boolean, measure: Measure) {
  const args = [
    ...(measure === 'heap' ? ['--expose-gc'] : []),
    child,
    '--child',
    file,
    String(nowNs),
    source,
    whole ? 'whole' : 'stream',
    measure,
  ];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 })) as Measured;
}

export async function benchRawQueryMemory(quick: boolean, dataFile?: string): Promise<Figure[]> {
  // In `npm run bench` the whole bucket of 2 devices (about 140 MB of CSV over 30 days) keeps the run short;
  // alone with --data, any dataset.
  const [devices, days] = quick ? [1, 2] : [2, 30];
  // One run where runs repeat: the live heap after a full collection (3 runs: 8, 8, 8 and 169, 169, 169 MB), and
  // the peak RSS computed whole or through keep and map (333–334, 173–176 MB). The streamed bucket's peak RSS
  // depends on when the collector runs (139–169 MB): the median of 3. More would not fit the run's 5 minutes.
  const rssRuns = quick ? 1 : 3;
  const child = builtChild();
  const file = dataFile ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-raw-')), 'raw.sqlite');
  // Loaded here, not at the top: the child loads this file and should hold no more than a query worker does.
  const { buildDataset } = await import('./queries');
  try {
    const { nowNs } = buildDataset(file, devices, days);
    const figures: Figure[] = [];
    const shapes = [
      { what: 'bucket', id: 'bucket', steps: '', whole: false, runs: { heap: 1, rss: rssRuns } },
      { what: 'bucket', id: 'bucket', steps: '', whole: true, runs: { heap: 1, rss: 1 } },
      {
        what: 'bucket through keep and map',
        id: 'bucket-keep-map',
        steps: DASHBOARD_STEPS,
        whole: false,
        runs: { heap: 1, rss: 1 },
      },
    ];
    const labels: Record<Measure, string> = {
      heap: 'live heap (after a full GC, sampled while encoding)',
      rss: 'peak RSS (no forced GC)',
    };
    for (const { what, id: shape, steps, whole, runs } of shapes) {
      const how = whole ? 'computed whole (before)' : 'streamed';
      for (const measure of ['heap', 'rss'] as const) {
        const short: number[] = [];
        const long: number[] = [];
        let chars = 0;
        for (let run = 0; run < runs[measure]; run++) {
          short.push(inChild(child, file, nowNs, rawQuery(1) + steps, whole, measure).mb);
          const m = inChild(child, file, nowNs, rawQuery(days) + steps, whole, measure);
          long.push(m.mb);
          chars = m.chars;
        }
        const mb = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
        progress(
          `raw-query-memory: whole ${what}, ${how}, ${measure}: 1 day ${mb(short)} MB; ${days} days ${mb(long)} MB`,
        );
        figures.push(
          figure({
            id: `raw-memory-${shape}-${whole ? 'whole' : 'stream'}-${measure}`,
            item: 5,
            what:
              `raw query, whole ${devices}-device ${what}, ${how}: ${labels[measure]} over ${days} days ` +
              `(peer: over 1 day), ${(chars / 1e6).toFixed(0)} MB of CSV`,
            unit: 'MB',
            better: 'lower',
            ours: summarize(long),
            oursName: `${days} days`,
            peer: summarize(short),
            peerName: '1 day',
            ratio: pairRatios(long, short),
            // The point of streaming: the live heap of a streamed answer does not grow with its range.
            target: !whole && measure === 'heap' ? { of: 'ratio', op: '<=', value: 1.5 } : undefined,
          }),
        );
      }
    }
    return figures;
  } finally {
    if (!dataFile) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--child');
  if (i > 0) {
    const [file, now, source, mode, measure] = process.argv.slice(i + 1);
    void measureOne(file, BigInt(now), source, mode === 'whole', measure === 'heap' ? 'heap' : 'rss');
  } else {
    const d = process.argv.indexOf('--data');
    void benchRawQueryMemory(process.argv.includes('--quick'), d > 0 ? process.argv[d + 1] : undefined).then((f) =>
      console.log(JSON.stringify(f, null, 1)),
    );
  }
}
