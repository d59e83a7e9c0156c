/**
 * What every benchmark file shares: timing, the summary of the runs (median, min, max), ratios taken pair by pair
 * within one run, the targets, and the table that `npm run bench` prints and BENCHMARKS.md holds.
 */
import os from 'node:os';

/** Several runs of one figure: the median and the spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every run, in the order they ran. */
  runs: number[];
  /** Set when the one value is a count summed over this many runs (e.g. failed requests), not one run's figure. */
  sumOfRuns?: number;
}

/** What a figure is held against: its ratio to the peer, or its own value. */
export interface Target {
  of: 'ratio' | 'value';
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  /** Stable key in results/latest.json (the quick bench test checks every one is there). */
  id: string;
  /**
   * Issue 11's item number (1 write throughput, 2 ingest and parse, 3 dashboard queries, 4 backfill, 5 memory,
   * 6 start-up), or 16 for issue 16 (writes and /health under dashboard load).
   */
  item: number;
  /** A detail figure shown in its own section of BENCHMARKS.md (report.ts), not in the main table. */
  section?: 'mixed';
  what: string;
  /** Unit of `ours` and `peer`, e.g. 'msgs/s', 'ms', 'MB'. */
  unit: string;
  /** Bigger is better (rates) or smaller is better (times, memory). */
  better: 'higher' | 'lower';
  ours: Summary;
  oursName: string;
  peer?: Summary;
  peerName?: string;
  /** ours / peer, computed in each run and then summarised (never a ratio of medians). */
  ratio?: Summary;
  target?: Target;
  /** Whether the median meets the target. */
  met?: boolean;
  note?: string;
}

export interface BenchOptions {
  quick: boolean;
  /** Runs per figure (the median of these is reported). */
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no runs');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: [...values] };
}

/** The ratio of each run's pair, summarised: `ours[i] / peer[i]`. */
export function pairRatios(ours: readonly number[], peer: readonly number[]): Summary {
  if (ours.length !== peer.length) throw new Error('pairRatios: runs do not pair up');
  return summarize(ours.map((o, i) => o / peer[i]));
}

/** Milliseconds taken by fn. */
export async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function perSecond(count: number, ms: number): number {
  return (count / ms) * 1000;
}

/** Builds a figure and decides whether its median meets the target. */
export function figure(f: Omit<Figure, 'met'>): Figure {
  const out: Figure = { ...f };
  if (f.target) {
    const subject = f.target.of === 'ratio' ? f.ratio : f.ours;
    if (subject) {
      out.met = f.target.op === '>=' ? subject.median >= f.target.value : subject.median <= f.target.value;
    }
  }
  return out;
}

function formatNumber(n: number, unit: string): string {
  if (unit === 'ms' || unit === 's') return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
  if (unit === 'MB') return Math.round(n).toLocaleString('en-US');
  // Counts (failed requests) and other whole numbers.
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  return n >= 10 ? n.toFixed(0) : n.toFixed(2);
}

/**
 * `median (min–max) unit`; under 3 runs it says how many (a median of 2 is their mean), and a single value says it
 * is one run (or a sum over several), not a median. A table that says the count once passes countRuns: false.
 */
export function formatSummary(s: Summary, unit: string, { countRuns = true } = {}): string {
  const n = s.runs.length;
  const spread = n > 1 ? ` (${formatNumber(s.min, unit)}–${formatNumber(s.max, unit)})` : '';
  const runs = (k: number) => `${k} run${k === 1 ? '' : 's'}`;
  const count = !countRuns ? '' : s.sumOfRuns ? ` (sum over ${runs(s.sumOfRuns)})` : n < 3 ? ` (${runs(n)})` : '';
  return `${formatNumber(s.median, unit)}${spread} ${unit}${count}`;
}

function formatRatio(s: Summary): string {
  const f = (n: number) => (n >= 10 ? n.toFixed(1) : n.toFixed(2));
  const spread = s.runs.length > 1 ? ` (${f(s.min)}–${f(s.max)})` : '';
  return `${f(s.median)}×${spread}`;
}

function formatTarget(t: Target, unit: string): string {
  const op = t.op === '>=' ? '≥' : '≤';
  return t.of === 'ratio' ? `ratio ${op} ${t.value}×` : `${op} ${t.value.toLocaleString('en-US')} ${unit}`;
}

/** The Markdown table of the figures. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const peer = f.peer ? `${formatSummary(f.peer, f.unit)} — ${f.peerName ?? ''}` : (f.peerName ?? '—');
    const ratio = f.ratio ? formatRatio(f.ratio) : '—';
    const target = f.target ? formatTarget(f.target, f.unit) : '—';
    const met = f.met === undefined ? '—' : f.met ? '**yes**' : '**no**';
    return `| ${f.item} | ${f.what} | ${formatSummary(f.ours, f.unit)} — ${f.oursName} | ${peer} | ${ratio} | ${target} | ${met} |`;
  });
  return [
    '| # | measurement | ours (median, min–max) | peer / ceiling (median, min–max) | ratio ours/peer | target | met |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** One line that says what ran the benchmark. */
export function machine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'cpu').replace(/\s+/g, ' ').trim();
  return `${cpus.length} × ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Output of the benchmark as it goes (stderr, so that stdout holds the table alone). */
export function progress(text: string): void {
  process.stderr.write(`bench [${process.uptime().toFixed(0)} s]: ${text}\n`);
}
