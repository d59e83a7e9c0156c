/** BENCHMARKS.md, regenerated from a run's results by `npm run bench`. */
import { type Figure, formatSummary, renderTable } from './stats';

export interface Results {
  date: string;
  machine: string;
  quick: boolean;
  runs: number;
  seconds: number;
  /** Seconds per part of the run (parse, ingest, write, ...), in the order they ran. */
  partSeconds?: Record<string, number>;
  command: string;
  figures: Figure[];
  /** Said under the status line: e.g. figures re-measured apart from the recorded run, and why. */
  note?: string;
}

const HOW_TO_READ = `How to read it:
- A figure is the median of its runs, with the smallest and largest in brackets. Under 3 runs the cell says how many:
  "(1 run)" is one measurement, not a median, and a median of 2 runs is their mean. Ratios are taken pair by pair
  within one run (ours and its peer back to back, which goes first alternating or rotating from run to run), then
  summarised; they are never a ratio of medians. The machine is shared, so the spread is wide: compare within a row.
- **Write throughput** (item 1): msgs of one IoT Center \`environment\` point each (7 fields, 100 devices), handed to the
  node by the embedded Node-RED, timed until the emulator acknowledged every point (each msg's \`done()\` counted through
  Node-RED's \`onComplete\` hook; complete nodes would deep-clone every msg, a cost of the measuring). \`iot-write\` (its defaults:
  batches of 5,000, flush after 1 s, every line spooled to disk before \`done()\`; the last msg carries \`flush\`) runs
  next to node-red-contrib-influxdb 0.7's \`influxdb out\` in 2.0 mode, in the same Node-RED against the same emulator,
  fed the same points in its own msg shape; it writes and flushes each msg on its own, so it is given the first
  5,000 msgs (quick: 500) of the same list. The ceiling is the raw \`WriteApi\` of @influxdata/influxdb-client, no
  Node-RED, nothing on disk, several requests in flight, in its fastest batch (5,000, 10,000 or 20,000, each tried in
  rounds before the runs); when that is not 5,000, iot-write also runs in that batch (a row of its own).
- **Ingest** (item 2): the emulator as its own process takes gzip'd batches of 5,000 lines from 4 concurrent writers
  over HTTP (gunzip, parse, check permissions, field types and retention, store, one transaction per request); the
  ceiling is the same rows inserted straight into SQLite (the emulator's schema, WAL, \`synchronous = NORMAL\`) with
  one prepared statement in one transaction, series numbered beforehand.
- **Parse** (item 2): the emulator's line-protocol parser (OSS's scanner: escapes, types, every OSS error message)
  against a bare \`split\` of the same bytes into lines and fields, which checks nothing: one large body, 5,000-line
  bodies in sequence into pooled batches (what the write handler does), and the same while the process holds a
  million live objects (a busy emulator's heap; split under the same heap).
- **Backfill** (item 4): a \`virtual-device\` wired to \`iot-write\`, told to backfill a device with no data: the
  7 days at one minute, until written (the last flush acknowledged).
- **Memory** (item 5): the emulator's RSS after the write, backfill and ingest load and the Node-RED memory run's
  queries; Node-RED's RSS in a process of its own (\`bench/node-red-memory.ts\`: the compiled host as \`iot-center
  start\` runs it, the example's iot-write fed the 100-device load one fleet-minute per msg, then the dashboard's
  query set per device), read from /proc. The emulator holding the 100 devices × 30 days of the query benchmark is
  read after its query set (its points were bulk-written while it was stopped, so no ingest is in that figure).
- **Raw-query memory** (item 5): a raw \`from |> range\` over the whole bucket (2 devices), evaluated and encoded as a
  query worker does (output dropped), each in a fresh process of the built code, over 30 days against 1 day, streamed
  (today) and computed whole (before): the live heap (full collections forced while encoding, the heap after them
  sampled) and, in a process that forces none, the peak RSS.
- **Start-up** (item 6): \`iot-center start\` from the built package on a fresh folder, until the example
  dashboard's five gauges show numbers in Chromium.`;

/** Where the time goes: kept by hand from the profiles (\`node --cpu-prof\`) of the run recorded here. */
export const WHERE_THE_TIME_GOES = `Where the time goes. Writing is bounded by the emulator: a write request is
read, gunzipped, parsed and stored inside one SQLite transaction. The parser reads the body in 64 KiB windows (a
whole 1.8 MB body as one string was held outside the JS heap and, with a batch's fresh typed arrays, forced full
collections: 12 in 200 bodies next to a million live objects, now 0–1; batches are pooled). It reads plain lines (no quote, no
backslash, a series key already seen in the body) on a fast path straight into a compact batch (series once each;
times, field keys, types and values in typed arrays, no per-point or per-field objects) and leaves anything unusual
to the exact OSS-derived parser; the writer inserts from those arrays. WAL checkpoints run in a background thread,
not inside a write's commit. What remains per write is SQLite's B-tree work for one row per field value in the
\`(series, time)\` primary key (~17 µs of CPU per 7-field point) and a fixed ~8 ms per request (the commit writes
the pages of the ~700 series a fleet request touches), which is why iot-write sends batches of 5,000 by default
(InfluxDB's recommended size; with the old default of 1,000 it reached 0.6× of the raw client). iot-write has one
request in flight (the raw client pipelines its batches) and still keeps up with the client in its fastest batch:
the emulator's work per request (~90 ms for 5,000 points) dwarfs the gap between requests (the next body's join and
gzip, ~13 ms). On the Node-RED side iot-write escapes
names once and remembers them (33 -> 5 µs per point) and spools all msgs of one event-loop turn with one disk write.
The peer \`influxdb out\` makes one HTTP request per msg, so it is bounded by request overhead.`;

export function renderMarkdown(results: Results): string {
  const missed = results.figures.filter((f) => f.met === false);
  const status =
    missed.length === 0
      ? 'Every target is met in this run.'
      : `Targets missed in this run: ${missed.map((f) => `\`${f.id}\``).join(', ')} (see "What is left" below).`;
  return `# Benchmarks

Issue 11: every benchmark against its peer, in the same run. Recorded ${results.date.slice(0, 10)} by
\`${results.command}\` in ${Math.round(results.seconds)} s${renderParts(results.partSeconds)}, on ${results.machine}
(a machine shared with other jobs: figures are noisy; compare within a row).
${status}${results.note ? `\n\n${results.note}` : ''}

${renderTable(results.figures.filter((f) => !f.section))}

Reproduce: \`npm ci && npm run bench\` (under 5 minutes on 2 cores, after a build if dist/ is older than the sources; Chromium at /usr/bin/chromium or \`CHROMIUM_PATH\`
for the start-up figure). \`npm run bench -- --quick\` runs a small version of each in under 30 s (no browser);
\`npm test\` runs it and checks only that every figure is produced. The raw figures, every run included, are in
\`bench/results/latest.json\`. One file per measurement in \`bench/\`: \`write-throughput.ts\`, \`ingest.ts\`, \`parse.ts\`,
\`backfill.ts\`, \`memory.ts\`, \`startup.ts\`, \`queries.ts\`, \`mixed-load.ts\` (with \`mixed-viewers.ts\`), \`query-shaping.ts\`, \`raw-query-memory.ts\`; \`stats.ts\` (median,
min, max, pairwise ratios, the table), \`harness.ts\` (emulator process, embedded Node-RED), \`run.ts\`.

${HOW_TO_READ}

${WHERE_THE_TIME_GOES}
${renderQueries(results.figures)}${renderMixedLoad(results.figures)}
## What is left
${WHAT_IS_LEFT}
`;
}

/** " (parse 3 s, ingest 14 s, ...)": where the run's minutes went. */
function renderParts(parts: Record<string, number> | undefined): string {
  if (!parts || Object.keys(parts).length === 0) return '';
  return ` (${Object.entries(parts)
    .map(([name, s]) => `${name} ${Math.round(s)} s`)
    .join(', ')})`;
}

/** Kept by hand: the targets a run misses, their measured cause and what it would take. */
export const WHAT_IS_LEFT = `- Writes still run on the thread that answers /health: the mixed load's /health p99 is the longest write transaction
  (~40–90 ms here; more on a loaded machine). A writer thread that owns every point write would free it.
- Streaming covers the last result's raw reads and the steps that cannot merge tables (filter, drop/keep/rename
  when no two tables can share a key, map with \`{r with ...}\` setting no key column); a regrouping step
  (group, pivot, union, sort) and every yield but the last are still computed whole (bounded by
  \`--query-memory-bytes\` and \`--query-worker-heap-mb\`).
- The fleet-dataset build (100 devices × 30 days through the store's write, time index made at the end) is about a
  fifth of the run.`;

/** Kept by hand from the query work's profiles: what changed in the dashboard queries and what is left. */
export const QUERIES_NOTES = `What changed: selectors (\`last\`, \`first\`, \`max\`/\`min\` of \`_time\`) after \`from |> range |> filter\` read one
point per series (a primary-key seek), so the device list no longer reads 30 M rows (it did not finish in 300 s before).
\`aggregateWindow\` over an evenly tiled grid is pushed into storage: SQLite counts each series' points per window and
hands the values over in time order, and each window is reduced by the engine's own mean/sum/count/min/max/first/last
(Flux's left-to-right float sum; SQLite's \`sum\`/\`avg\` use Kahan-Babuska summation, which differs in the last bits):
630 → ~90 ms. \`fieldsAsCols\` builds each tag set's pivoted table from time offsets and values read series by series
(229 → ~90 ms). Both are checked against the unpushed engine shape by shape (test/emulator/flux-pushdown.test.ts).
What is left: calendar (month) windows, time zones, user-written aggregate functions and \`onEmpty: "keep"\` still take
the row-by-row path; each series' values are held whole before its windows are reduced.`;

/** The dashboard queries (item 3) as their own section: p50, p95 and the SQL peer per query. */
function renderQueries(figures: readonly Figure[]): string {
  const queries = figures.filter((f) => f.item === 3);
  if (queries.length === 0) return '';
  const rows = queries.map((f) => {
    const p95 = /^p95 ([\d.]+) ms/.exec(f.note ?? '')?.[1];
    const target = f.target
      ? `${f.target.op === '<=' ? '≤' : '≥'} ${f.target.value}${f.target.of === 'ratio' ? '×' : ' ms'}`
      : '—';
    const met = f.met === undefined ? '—' : f.met ? '**yes**' : '**no**';
    return `| ${f.what} | ${formatSummary(f.ours, f.unit)}${p95 ? ` (p95 ${p95} ms)` : ''} | ${f.peer ? formatSummary(f.peer, f.unit) : '—'} | ${f.ratio ? `${f.ratio.median.toFixed(2)}×` : '—'} | ${target} | ${met} |`;
  });
  return `
## Dashboard queries (item 3)

\`bench/queries.ts\` (also alone: \`node --import tsx bench/queries.ts [--data DIR]\`): the example dashboard's presets
as a dashboard waits for them, \`POST /api/v2/query\` over HTTP to \`iot-center emulator\` on the fleet's folder (query
worker, annotated CSV read to the last byte; the same Flux evaluated in-process is in each figure's note), each beside
a hand-written SQL query on the same file (the growth row, in-process: one device's three queries in a 100-device
bucket against a 1-device one).

| query | ours p50 (min–max) | SQL p50 | ratio ours/SQL | target | met |
|---|---|---|---|---|---|
${rows.join('\n')}

${QUERIES_NOTES}
`;
}

/** "the 2 runs (a median of 2 is their mean)": how many runs the mixed-load cells summarise, said once. */
function runsOf(detail: readonly Figure[]): string {
  const n = detail[0]?.ours.runs.length ?? 0;
  return n === 1 ? 'the 1 run (one measurement)' : n === 2 ? 'the 2 runs (a median of 2 is their mean)' : `${n} runs`;
}

/** Issue 16: writes and /health while 0, 3 and 10 dashboards query, ours against the in-process peer. */
function renderMixedLoad(figures: readonly Figure[]): string {
  const detail = figures.filter((f) => f.section === 'mixed');
  if (detail.length === 0) return '';
  const cell = (viewers: number, metric: string, side: 'ours' | 'peer') => {
    const f = detail.find((d) => d.id === `mixed.${viewers}-viewers.${metric}`);
    const s = f?.[side];
    return s ? formatSummary(s, 'ms', { countRuns: false }) : '—';
  };
  const metrics = ['write-p50', 'write-p99', 'health-p50', 'health-p99'];
  const samples = [0, 3, 10]
    .map((viewers) => {
      const notes = ['write-p99', 'health-p99'].map(
        (m) => detail.find((d) => d.id === `mixed.${viewers}-viewers.${m}`)?.note,
      );
      return notes.every(Boolean) ? `- ${viewers} viewers: ${notes[0]}; ${notes[1]}.` : '';
    })
    .filter(Boolean)
    .join('\n');
  const rows = [0, 3, 10].flatMap((viewers) =>
    (['ours', 'peer'] as const).map(
      (side) =>
        `| ${viewers} | ${side === 'ours' ? 'data dir, queries in worker threads' : 'in-memory, queries in-process'} | ${metrics.map((m) => cell(viewers, m, side)).join(' | ')} |`,
    ),
  );
  return `
## Writes and /health under dashboard load (issue 16)

\`bench/mixed-load.ts\`: \`iot-center emulator\` in its own process holding 100 devices × 2 days at one minute (quick: 10 ×
1); one writer posts 1,000 fresh points every 0.5 s, a probe asks /health every 100 ms, and 0, 3 or 10 dashboard
viewers (another process) loop the example dashboard's queries (last values and downsampled series of their device over
a day, the device list over 30 days). Latency is send to last byte; p50/p99 per run over that run's samples (counts
below: under 100 samples a p99 is the run's slowest), median (min–max) of ${runsOf(detail)}.
Targets with 3 viewers (main table): write p99 ≤ 200 ms, /health p99 ≤ 100 ms, no failed request. The peer is the
in-memory emulator, which evaluates queries on the thread that accepts writes.

| viewers | emulator | write p50 | write p99 | /health p50 | /health p99 |
|---|---|---|---|---|---|
${rows.join('\n')}
${samples ? `\nSamples per run:\n${samples}\n` : ''}`;
}
