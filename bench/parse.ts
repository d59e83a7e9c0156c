/**
 * Item 2 (parsing): the emulator's line-protocol parser (escapes, types, OSS error messages) against the
 * least any parser must do, a bare `split` of lines and fields, over the same body, pair by pair per run.
 */
import { parseWriteBody } from '../emulator/lineprotocol/parse';
import { toLines } from '../lib/write';
import { type BenchOptions, type Figure, figure, pairRatios, perSecond, progress, summarize, timed } from './stats';
import { fleetPoints } from './write-throughput';

/**
 * The body, built apart so that its 100,000 line strings are garbage before the runs: kept alive in
 * benchParse's frame across its awaits, they made every full collection during a run trace them.
 */
function fleetBody(count: number): Buffer {
  const lines = toLines(fleetPoints(count, Date.UTC(2026, 0, 1)), { precision: 'ms' }).lines;
  return Buffer.from(lines.join('\n'), 'utf8');
}

export async function benchParse(options: BenchOptions): Promise<Figure[]> {
  const count = options.quick ? 10_000 : 100_000;
  const body = fleetBody(count);
  const parse = () => {
    const { batch, errors } = parseWriteBody(body, 'ms', 0n);
    if (batch.length !== count || errors.length > 0) throw new Error('bench: the parser lost lines');
  };
  const split = () => {
    // The peer: split lines and fields, no escapes, no types, no validation. Given the same bytes.
    let fields = 0;
    for (const line of body.toString('utf8').split('\n')) fields += line.split(' ')[1].split(',').length;
    if (fields !== count * 7) throw new Error('bench: split lost fields');
  };
  // Warm both up (the first runs also measure the JIT).
  parse();
  split();
  const ours: number[] = [];
  const peer: number[] = [];
  const runs = Math.max(options.runs, 3);
  for (let run = 0; run < runs; run++) {
    const [first, second] = run % 2 === 0 ? [parse, split] : [split, parse];
    const a = await timed(first);
    const b = await timed(second);
    ours.push(perSecond(count, first === parse ? a : b));
    peer.push(perSecond(count, first === parse ? b : a));
  }
  progress(`parse: ${summarize(ours).median.toFixed(0)} lines/s, split ${summarize(peer).median.toFixed(0)} lines/s`);
  return [
    figure({
      id: 'parse.vs-split',
      item: 2,
      what: `parse ${count.toLocaleString('en-US')} lines of line protocol (${(body.length / 1e6).toFixed(1)} MB, 7 fields each)`,
      unit: 'lines/s',
      better: 'higher',
      ours: summarize(ours),
      oursName: 'emulator parser (escapes, types, OSS errors)',
      peer: summarize(peer),
      peerName: 'bare String.split of lines and fields',
      ratio: pairRatios(ours, peer),
      target: { of: 'ratio', op: '>=', value: 0.5 },
    }),
  ];
}
