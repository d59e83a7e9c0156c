/**
 * Issue 16 (Node-RED part): how long shaping a 10,000-row query result holds the event loop, shaped in
 * slices as iot-query does (row-shaper.ts) against shaping it in one go (shape.ts), pair by pair per run, which
 * of the two goes first alternating by run.
 * The figure is the longest gap between two turns of the event loop while the result is shaped: what
 * Node-RED's editor and other flows wait at worst. Rows are pivoted (fieldsAsCols) and shaped for
 * node-red-dashboard's chart, the heaviest shape (a sort of 30,000 points).
 * Alone: `npx tsx bench/query-shaping.ts [--quick]`.
 */
import { performance } from 'node:perf_hooks';
import { shapeRowsInSlices } from '../lib/query/row-shaper';
import { type FluxRow, shapeResult } from '../lib/query/shape';
import { type BenchOptions, type Figure, figure, pairRatios, progress, renderTable, summarize } from './stats';

const ROWS = 10_000;

/** Pivoted rows of two devices, interleaved, as the client gives them; Humidity has gaps. */
function pivotedRows(count: number): FluxRow[] {
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => ({
    result: '_result',
    table: i % 2,
    _start: new Date(t0).toISOString(),
    _stop: new Date(t0 + count * 60_000).toISOString(),
    _time: new Date(t0 + (i % 2 ? count - i : i) * 60_000).toISOString(),
    _measurement: 'environment',
    clientId: i % 2 ? 'dev2' : 'dev1',
    Temperature: 20 + (i % 50) / 10,
    Humidity: i % 7 === 0 ? null : 40 + (i % 30),
    CO2: 800 + (i % 200),
  }));
}

/** The longest gap, in ms, between two turns of the event loop while `work` runs. */
async function longestStall(work: () => Promise<unknown> | unknown): Promise<number> {
  let last = performance.now();
  let longest = 0;
  let handle = setImmediate(function turn() {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    handle = setImmediate(turn);
  });
  // Starts the ticker's clock at this turn, so the gap before the work began is not counted.
  await new Promise((resolve) => setImmediate(resolve));
  last = performance.now();
  await work();
  const end = performance.now();
  clearImmediate(handle);
  return Math.max(longest, end - last);
}

export async function benchQueryShaping(options: BenchOptions): Promise<Figure[]> {
  const rows = pivotedRows(ROWS);
  // Warm both up (the first runs also measure the JIT).
  shapeResult(rows, 'chart');
  await shapeRowsInSlices(rows, 'chart');
  const ours: number[] = [];
  const peer: number[] = [];
  const runs = options.quick ? 1 : Math.max(options.runs, 5);
  // Which goes first alternates by run, so that neither always meets the heap the other left.
  for (let run = 0; run < runs; run++) {
    const inSlices = async () => ours.push(await longestStall(() => shapeRowsInSlices(rows, 'chart')));
    const inOneGo = async () => peer.push(await longestStall(() => shapeResult(rows, 'chart')));
    for (const side of run % 2 === 0 ? [inSlices, inOneGo] : [inOneGo, inSlices]) await side();
  }
  progress(
    `query shaping: longest stall ${summarize(ours).median.toFixed(1)} ms in slices, ` +
      `${summarize(peer).median.toFixed(1)} ms in one go`,
  );
  return [
    figure({
      id: 'query-shaping.event-loop-stall',
      item: 16,
      what: `longest event-loop stall while iot-query shapes ${ROWS.toLocaleString('en-US')} pivoted rows into ui_chart data`,
      unit: 'ms',
      better: 'lower',
      ours: summarize(ours),
      oursName: 'shaped in slices (1,000 rows or 5 ms each)',
      peer: summarize(peer),
      peerName: 'shaped in one go (the previous iot-query)',
      ratio: pairRatios(ours, peer),
      target: { of: 'value', op: '<=', value: 20 },
    }),
  ];
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  benchQueryShaping({ quick, runs: quick ? 1 : 5 }).then(
    (figures) => process.stdout.write(`${renderTable(figures)}\n`),
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
