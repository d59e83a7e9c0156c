/**
 * `npm run bench`: every benchmark of issue 11 against its peer, in one run (under 5 minutes on 2 cores), on the
 * built package (built first when dist/ is older than the sources).
 * `npm run bench -- --quick`: a small version of each (under 30 s), which `npm test` runs so that the
 * benchmark never rots (it checks that every figure is produced, never how fast).
 *
 * Prints the table (stdout), writes bench/results/latest.json and regenerates BENCHMARKS.md.
 * Options: --quick, --runs N, --out DIR (results; default bench/results), --no-markdown, --only a,b
 * (parse, ingest, write, backfill, memory, startup, queries, mixed, shaping, rawmemory).
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchBackfill } from './backfill';
import { type EmbeddedNodeRed, type EmulatorProcess, ROOT, startEmulatorProcess, startNodeRed } from './harness';
import { benchIngest, ingestPeakRssMB } from './ingest';
import { benchMixedLoad } from './mixed-load';
import { memoryFigures } from './memory';
import { benchParse } from './parse';
import { benchQueries } from './queries';
import { benchQueryShaping } from './query-shaping';
import { benchRawQueryMemory } from './raw-query-memory';
import { ensureBuilt } from '../test/browser/support/build';
import { renderMarkdown } from './report';
import { type BenchOptions, type Figure, machine, progress, renderTable } from './stats';
import { benchStartup } from './startup';
import { benchWriteThroughput } from './write-throughput';

export const ALL = [
  'parse',
  'ingest',
  'write',
  'backfill',
  'memory',
  'startup',
  'queries',
  'mixed',
  'shaping',
  'rawmemory',
] as const;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const options: BenchOptions = { quick, runs: Number(option('runs') ?? (quick ? 1 : 5)) };
  const only = new Set(option('only')?.split(',') ?? ALL);
  const outDir = path.resolve(option('out') ?? path.join(ROOT, 'bench', 'results'));
  // The emulator, Node-RED and `iot-center start` run as installed (dist/): built first, when older than the
  // sources, before the clock starts.
  ensureBuilt();
  const started = Date.now();
  const figures: Figure[] = [];

  // Seconds per part, for the report (the whole run's budget is 5 minutes).
  const partSeconds: Record<string, number> = {};
  const part = async (name: string, run: () => Promise<Figure[]> | Figure[]): Promise<void> => {
    const t = Date.now();
    figures.push(...(await run()));
    partSeconds[name] = (partSeconds[name] ?? 0) + (Date.now() - t) / 1000;
  };
  if (only.has('parse')) await part('parse', () => benchParse(options));
  if (only.has('ingest')) await part('ingest', () => benchIngest(options));
  let emulator: EmulatorProcess | undefined;
  let red: EmbeddedNodeRed | undefined;
  let emulatorRssAfterLoad = 0;
  try {
    if (only.has('write') || only.has('backfill') || only.has('memory')) {
      const t = Date.now();
      const e = (emulator = await startEmulatorProcess());
      const r = (red = await startNodeRed());
      partSeconds.setup = (Date.now() - t) / 1000;
      if (only.has('write')) await part('write', () => benchWriteThroughput(r, e, options));
      if (only.has('backfill')) await part('backfill', () => benchBackfill(r, e, options));
      if (only.has('memory')) {
        await part('memory', () => memoryFigures([e.pid], ingestPeakRssMB, options));
        emulatorRssAfterLoad = figures[figures.length - 2].ours.median;
      }
    }
  } finally {
    await red?.stop();
    await emulator?.close();
  }
  if (only.has('startup')) await part('startup', () => benchStartup(options));
  if (only.has('queries')) await part('queries', () => benchQueries(options));
  if (only.has('mixed')) await part('mixed', () => benchMixedLoad(options));
  if (only.has('shaping')) await part('shaping', () => benchQueryShaping(options));
  if (only.has('rawmemory')) await part('rawmemory', () => benchRawQueryMemory(quick));

  const seconds = (Date.now() - started) / 1000;
  progress(`done in ${seconds.toFixed(0)} s (emulator RSS after load ${emulatorRssAfterLoad.toFixed(0)} MB)`);
  const results = {
    date: new Date().toISOString(),
    machine: machine(),
    quick,
    runs: options.runs,
    seconds,
    partSeconds,
    command: `npm run bench${quick ? ' -- --quick' : ''}`,
    figures,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, quick ? 'quick.json' : 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderTable(figures)}\n`);
  if (!quick && !process.argv.includes('--no-markdown') && only.size === ALL.length) {
    fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
