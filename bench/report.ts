/** BENCHMARKS.md, regenerated from a run's results by `npm run bench`. */
import { type Figure, renderTable } from './stats';

export interface Results {
  date: string;
  machine: string;
  quick: boolean;
  runs: number;
  seconds: number;
  command: string;
  figures: Figure[];
}

const HOW_TO_READ = `How to read it:
- Every figure is the median of several runs, with the smallest and largest in brackets. Ratios are taken pair by
  pair within one run (ours and its peer run back to back on the same emulator, in a rotating order), then
  summarised; they are never a ratio of medians. The machine is shared, so the spread is wide: compare within a row.
- **Write throughput** (item 1): msgs of one IoT Center \`environment\` point each (7 fields, 100 devices), handed to the
  node by the embedded Node-RED, timed until the emulator acknowledged every point. \`iot-write\` (its defaults:
  batches of 1,000, flush after 1 s, every line spooled to disk before \`done()\`; the last msg carries \`flush\`) runs
  next to node-red-contrib-influxdb 0.7's \`influxdb out\` in 2.0 mode, in the same Node-RED against the same emulator,
  fed the same points in its own msg shape; it writes and flushes each msg on its own, so it is given the first
  5,000 msgs (quick: 500) of the same list. The ceiling is the raw \`WriteApi\` of @influxdata/influxdb-client with
  batches of 5,000, no Node-RED, nothing on disk, several requests in flight.
- **Ingest** (item 2): the emulator as its own process takes gzip'd batches of 5,000 lines from 4 concurrent writers
  over HTTP (gunzip, parse, check permissions, field types and retention, store, one transaction per request); the
  ceiling is the same rows inserted straight into SQLite (the emulator's schema, WAL, \`synchronous = NORMAL\`) with
  one prepared statement in one transaction, series numbered beforehand.
- **Parse** (item 2): the emulator's line-protocol parser (OSS's scanner: escapes, types, every OSS error message)
  against a bare \`split\` of the same bytes into lines and fields, which checks nothing.
- **Backfill** (item 4): a \`virtual-device\` wired to \`iot-write\`, told to backfill a device with no data: the
  7 days at one minute, until written (the last flush acknowledged).
- **Memory** (item 5): the emulator's RSS after the write and backfill load (and the largest of the ingest
  emulators); Node-RED runs inside the benchmark process, so its figure also holds the benchmark's points.
- **Start-up** (item 6): \`iot-center start\` from the built package on a fresh folder, until the example
  dashboard's five gauges show numbers in Chromium.`;

/** Where the time goes: kept by hand from the profiles (\`node --cpu-prof\`) of the run recorded here. */
export const WHERE_THE_TIME_GOES = `Where the time goes. Writing is bounded by the emulator: a write request is
read, gunzipped and parsed into points, then stored row by row (one row per field value) inside one SQLite
transaction; in the profiles of the emulator process the SQLite inserts (B-tree work on the \`points\` primary key
and its time index) take the largest share, then parsing (number and timestamp reading, the per-point objects the
storage interface takes) and the garbage collection those objects cause. The parser reuses the measurement and tags
of a series key it has already read in the same body (fleet batches repeat 100 devices), so most of a line is
compared, not re-read. On the Node-RED side iot-write spends its time turning point objects into line protocol
(validation included) and appending each msg's lines to the spool (a small write system call per msg, one
fdatasync per batch); it keeps two batches in flight, so the emulator is never idle while a batch is prepared. The
peer \`influxdb out\` makes one HTTP request per msg (it flushes after every point), so it is bounded by request
overhead, not by the emulator.`;

export function renderMarkdown(results: Results): string {
  const missed = results.figures.filter((f) => f.met === false);
  const status =
    missed.length === 0
      ? 'Every target is met in this run.'
      : `Targets missed in this run: ${missed.map((f) => `\`${f.id}\``).join(', ')} (see "What is left" below).`;
  return `# Benchmarks

Issue 11: every benchmark against its peer, in the same run. Recorded ${results.date.slice(0, 10)} by
\`${results.command}\` in ${Math.round(results.seconds)} s, on ${results.machine}
(a machine shared with other jobs: figures are noisy; compare within a row).
${status}

${renderTable(results.figures)}

Reproduce: \`npm ci && npm run bench\` (about 4 minutes on 2 cores; Chromium at /usr/bin/chromium or \`CHROMIUM_PATH\`
for the start-up figure). \`npm run bench -- --quick\` runs a small version of each in under 30 s (no browser);
\`npm test\` runs it and checks only that every figure is produced. The raw figures, every run included, are in
\`bench/results/latest.json\`. One file per measurement in \`bench/\`: \`write-throughput.ts\`, \`ingest.ts\`, \`parse.ts\`,
\`backfill.ts\`, \`memory.ts\`, \`startup.ts\`; \`stats.ts\` (median, min, max, pairwise ratios, the table), \`harness.ts\`
(emulator process, embedded Node-RED), \`run.ts\`. Not part of this run: \`bench/query-isolation.ts\` (issue 16: write
and /health latency while dashboards query; \`node --import tsx bench/query-isolation.ts\`). Dashboard query latency at
100 devices (item 3) is measured elsewhere.

${HOW_TO_READ}

${WHERE_THE_TIME_GOES}

## What is left
${WHAT_IS_LEFT}
`;
}

/** Kept by hand: the targets a run misses, their measured cause and what it would take. */
export const WHAT_IS_LEFT = `- Item 3 (dashboard query latency at 100 devices) belongs to the query work (worker threads, Flux engine) and is
  not in this run.`;
