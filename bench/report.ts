/** BENCHMARKS.md, regenerated from a run's results by `npm run bench`. */
import { type Figure, formatSummary, renderTable } from './stats';

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
transaction. In the profiles (\`node --cpu-prof\`) the parser's share was first the series keys (scanning,
unescaping and sorting the same 100 devices' tags again on every line) and the garbage those arrays made; it now
reads a series key once per body and reuses it (112k -> 240k lines/s), and storage looks a point's series up once
instead of building a JSON text and a long key per field (ingest 0.32x -> 0.39x of the ceiling). What remains in
the emulator is the per-row INSERT OR REPLACE into the \`points\` primary key and its time index (the ceiling pays
the same B-tree work without the per-point checks), reading numbers and timestamps (BigInts), and the per-point
objects the storage interface takes. On the Node-RED side iot-write spends its time turning point objects into
line protocol (with validation) and appending each msg's lines to the spool (one small write system call per msg,
one fdatasync per batch); it sends one batch at a time, so while the emulator stores a batch of 1,000 the next
waits, which is the gap to the raw WriteApi (batches of 5,000, several requests in flight, nothing on disk). The
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

${renderTable(results.figures.filter((f) => !f.section))}

Reproduce: \`npm ci && npm run bench\` (about 4 minutes on 2 cores; Chromium at /usr/bin/chromium or \`CHROMIUM_PATH\`
for the start-up figure). \`npm run bench -- --quick\` runs a small version of each in under 30 s (no browser);
\`npm test\` runs it and checks only that every figure is produced. The raw figures, every run included, are in
\`bench/results/latest.json\`. One file per measurement in \`bench/\`: \`write-throughput.ts\`, \`ingest.ts\`, \`parse.ts\`,
\`backfill.ts\`, \`memory.ts\`, \`startup.ts\`, \`queries.ts\`, \`mixed-load.ts\` (with \`mixed-viewers.ts\`), \`query-shaping.ts\`; \`stats.ts\` (median,
min, max, pairwise ratios, the table), \`harness.ts\` (emulator process, embedded Node-RED), \`run.ts\`.

${HOW_TO_READ}

${WHERE_THE_TIME_GOES}
${renderQueries(results.figures)}${renderMixedLoad(results.figures)}
## What is left
${WHAT_IS_LEFT}
`;
}

/** Kept by hand: the targets a run misses, their measured cause and what it would take. */
export const WHAT_IS_LEFT = `- Item 1, iot-write ≥ 10× the peer (8.9×, runs 6.9–12.6×) and ≥ 0.8× the raw client (0.43×): iot-write sends one
  batch of 1,000 at a time and waits for the emulator to store it; the WriteApi ceiling sends batches of 5,000 with
  several requests in flight and keeps nothing on disk. What it would take: two batches in flight in the pipeline
  (keeping spool-before-acknowledge and in-order settlement) and a faster emulator store (below).
- Item 2, ingest ≥ 0.5× straight SQLite (0.44×, runs 0.25–0.50×) and parse ≥ 0.5× a bare split (0.20×, was 0.11–0.14×):
  after the series-key reuse, the parser's time is in reading field values and timestamps (a BigInt per timestamp and
  per integer), the Map and value objects per point that the storage interface takes, and their garbage. What it
  would take: a columnar parse result (values in typed arrays, no per-point objects) handed to a batched INSERT.
- Item 5, Node-RED RSS (851 MB) is not Node-RED's: Node-RED runs inside the benchmark process, which at that point
  also holds the ingest ceiling's 420,000 rows and every run's points; the emulator (its own process) is 192 MB.
  What it would take: Node-RED in a process of its own for this figure.
- Item 3: fieldsAsCols over 7 days and the hourly mean over 30 days miss their targets (see "Dashboard queries").`;

/** Kept by hand from the query work's profiles: what changed in the dashboard queries and what is left. */
export const QUERIES_NOTES = `What changed: selectors (\`last\`, \`first\`, \`max\`/\`min\` of \`_time\`) after \`from |> range |> filter\` and
\`keep\`/\`drop\`/\`group\` by series-constant columns read one point per series from SQLite (a primary-key seek) instead of every
row, so the device list no longer reads 30 M rows (it did not finish in 300 s before; last values went from 18.2 ms to
1.9 ms p50); \`pivot\` names a column once per table and skips the sort of rows already in order. What is left:
aggregateWindow reads all 302,400 rows of the device into JavaScript (BigInt times, row arrays, per-row window lookup);
pushing it down needs a windowed read (window index computed by SQLite, no timestamps materialised) while keeping Flux's
naive left-to-right float sum (SQLite's \`sum\`/\`avg\` use Kahan-Babuska summation, which differs in the last bits).
fieldsAsCols is bounded by the read (70,560 rows with BigInt times) and the CSV.`;

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

\`bench/queries.ts\` (also alone: \`node --import tsx bench/queries.ts [--data FILE]\`): the example dashboard's presets
through the Flux engine and the annotated CSV (what a query worker does, in-process), each beside a hand-written SQL
query on the same file (the growth row: one device's three queries in a 100-device bucket against a 1-device one).

| query | ours p50 (min–max) | SQL p50 | ratio ours/SQL | target | met |
|---|---|---|---|---|---|
${rows.join('\n')}

${QUERIES_NOTES}
`;
}

/** Issue 16: writes and /health while 0, 3 and 10 dashboards query, ours against the in-process peer. */
function renderMixedLoad(figures: readonly Figure[]): string {
  const detail = figures.filter((f) => f.section === 'mixed');
  if (detail.length === 0) return '';
  const cell = (viewers: number, metric: string, side: 'ours' | 'peer') => {
    const f = detail.find((d) => d.id === `mixed.${viewers}-viewers.${metric}`);
    const s = f?.[side];
    return s ? formatSummary(s, 'ms') : '—';
  };
  const metrics = ['write-p50', 'write-p99', 'health-p50', 'health-p99'];
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
a day, the device list over 30 days). Latency is send to last byte; p50/p99 per run, median (min–max) of the runs.
Targets with 3 viewers (main table): write p99 ≤ 200 ms, /health p99 ≤ 100 ms, no failed request. The peer is the
in-memory emulator, which evaluates queries on the thread that accepts writes.

| viewers | emulator | write p50 | write p99 | /health p50 | /health p99 |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
