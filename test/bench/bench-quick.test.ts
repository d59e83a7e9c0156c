/**
 * `npm run bench -- --quick` runs and produces every figure, so that the benchmark never rots. Nothing here
 * is about speed (DESIGN.md: performance is measured by `npm run bench`, never asserted in tests).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const FIGURES = [
  'parse.vs-split',
  'parse.bodies-of-5000',
  'parse.bodies-of-5000-live-heap',
  'ingest.vs-sqlite',
  'write.vs-peer',
  'write.vs-ceiling',
  'write.vs-ceiling-batches-of-1000',
  'backfill.week',
  'memory.emulator',
  'memory.node-red',
  'memory.emulator-fleet',
  'startup.gauges',
  'queries.fields-as-cols',
  'queries.downsampled',
  'queries.last-values',
  'queries.device-list',
  'queries.growth',
  'mixed.write-p99',
  'mixed.health-p99',
  'mixed.failed',
  'query-shaping.event-loop-stall',
  'raw-memory-bucket-stream-heap',
  'raw-memory-bucket-stream-rss',
  'raw-memory-bucket-whole-heap',
  'raw-memory-bucket-whole-rss',
  'raw-memory-bucket-keep-map-stream-heap',
  'raw-memory-bucket-keep-map-stream-rss',
  ...[0, 3, 10].flatMap((viewers) =>
    ['write-p50', 'write-p99', 'health-p50', 'health-p99'].map((metric) => `mixed.${viewers}-viewers.${metric}`),
  ),
];
/** Counts, where 0 is a figure (and the target), not a missing one. */
const COUNTS = new Set(['mixed.failed']);

interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

describe('npm run bench -- --quick', function () {
  this.timeout(180_000);

  it('produces every figure, each with a median, min and max, and the ratios of its pairs', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-bench-quick-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const results = JSON.parse(fs.readFileSync(path.join(out, 'quick.json'), 'utf8')) as {
        figures: Array<{ id: string; ours: Summary; peer?: Summary; ratio?: Summary; target?: object; met?: boolean }>;
      };
      assert.deepEqual(results.figures.map((f) => f.id).sort(), [...FIGURES].sort());
      for (const f of results.figures) {
        for (const s of [f.ours, f.peer, f.ratio]) {
          if (!s) continue;
          assert.ok(
            s.runs.length > 0 && s.runs.every((v) => Number.isFinite(v) && (v > 0 || (COUNTS.has(f.id) && v === 0))),
            `${f.id}: ${JSON.stringify(s)}`,
          );
          assert.ok(s.min <= s.median && s.median <= s.max, f.id);
        }
        if (f.target) assert.equal(typeof f.met, 'boolean', `${f.id} is held against its target`);
        else assert.ok(f.peer && f.ratio, `${f.id}: a detail figure (no target) beside its peer`);
      }
      for (const id of FIGURES.filter((i) => i.includes('.vs-'))) {
        const f = results.figures.find((x) => x.id === id);
        assert.ok(f?.peer && f.ratio, `${id} has its peer and the ratio`);
        assert.equal(f.ratio.runs.length, f.ours.runs.length, `${id}: one ratio per run`);
      }
      assert.ok(
        ['mixed.write-p99', 'mixed.health-p99', 'mixed.failed'].every((id) =>
          results.figures.some((f) => f.id === id && f.target),
        ),
        'the mixed load is held against the issue 16 targets',
      );
      assert.match(run.stdout, /^\| # \| measurement/m, 'the table is printed');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
