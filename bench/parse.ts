/**
 * Item 2 (parsing): the emulator's line-protocol parser (escapes, types, OSS error messages) against the
 * least any parser must do, a bare `split` of lines and fields, over the same bytes, pair by pair per run.
 * Three figures: one large body; 5,000-line bodies in sequence (InfluxDB's recommended batch, what the
 * write path sees), parsed into pooled batches as the write handler does; and the same bodies while the
 * process holds a million live objects, as a busy emulator does, where every full collection is costly.
 * Each figure's note counts the full (mark-compact) collections during ours and during the peer.
 */
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { PointBatchPool } from '../emulator/lineprotocol/batch-pool';
import { parseWriteBody } from '../emulator/lineprotocol/parse';
import { toLines } from '../lib/write';
import { type BenchOptions, type Figure, figure, pairRatios, perSecond, progress, summarize } from './stats';
import { fleetPoints } from './write-throughput';

const FIELDS_PER_LINE = 7;
/** InfluxDB's recommended batch, iot-write's default. */
const BODY_LINES = 5000;
/** Objects the process holds during the live-heap figure. */
const LIVE_OBJECTS = 1_000_000;

/**
 * A body, built apart so that its line strings are garbage before the runs: kept alive in the caller's
 * frame across its awaits, they made every full collection during a run trace them.
 */
function fleetBody(count: number, startMs = Date.UTC(2026, 0, 1)): Buffer {
  const lines = toLines(fleetPoints(count, startMs), { precision: 'ms' }).lines;
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** Parses every body as the write handler does (into a pooled batch, given back after use). */
function parser(bodies: readonly Buffer[], linesEach: number): () => void {
  const pool = new PointBatchPool();
  return () => {
    for (const body of bodies) {
      const into = pool.acquire();
      const { batch, errors } = parseWriteBody(body, 'ms', 0n, { into });
      if (batch.length !== linesEach || errors.length > 0) throw new Error('bench: the parser lost lines');
      pool.release(into);
    }
  };
}

/** The peer: split lines and fields, no escapes, no types, no validation. Given the same bytes. */
function splitter(bodies: readonly Buffer[], linesEach: number): () => void {
  return () => {
    for (const body of bodies) {
      let fields = 0;
      for (const line of body.toString('utf8').split('\n')) fields += line.split(' ')[1].split(',').length;
      if (fields !== linesEach * FIELDS_PER_LINE) throw new Error('bench: split lost fields');
    }
  };
}

/** Full collections, by when they started (performance.now()). */
class MajorCollections {
  private readonly starts: number[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.starts.push(entry.startTime);
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops observing, once the entries of the last run are delivered (they come asynchronously). */
  async stop(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.observer.disconnect();
  }

  within(intervals: readonly [number, number][]): number {
    return this.starts.filter((t) => intervals.some(([a, b]) => t >= a && t < b)).length;
  }
}

interface Pairs {
  ours: number[];
  peer: number[];
  /** Full collections during ours and during the peer. */
  oursMajor: number;
  peerMajor: number;
}

/** Runs ours and the peer in pairs, alternating which goes first; rates in lines/s. */
async function pairs(ours: () => void, peer: () => void, lines: number, runs: number): Promise<Pairs> {
  // Warm both up: the first runs also measure the JIT, and the collection that building the bodies
  // made due would land in a run.
  for (let warmUp = 0; warmUp < 3; warmUp++) {
    ours();
    peer();
  }
  const collections = new MajorCollections();
  const result: Pairs = { ours: [], peer: [], oursMajor: 0, peerMajor: 0 };
  const oursTimes: [number, number][] = [];
  const peerTimes: [number, number][] = [];
  for (let run = 0; run < runs; run++) {
    for (const side of run % 2 === 0 ? [ours, peer] : [peer, ours]) {
      const start = performance.now();
      side();
      const end = performance.now();
      (side === ours ? oursTimes : peerTimes).push([start, end]);
      (side === ours ? result.ours : result.peer).push(perSecond(lines, end - start));
    }
    // Lets the collector's observer and finalizers run between pairs, as requests would between bodies.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await collections.stop();
  result.oursMajor = collections.within(oursTimes);
  result.peerMajor = collections.within(peerTimes);
  return result;
}

/** A million small objects that stay reachable until the returned function drops them. */
function liveHeap(): { objects: unknown[]; drop: () => void } {
  let objects: unknown[] = [];
  for (let i = 0; i < LIVE_OBJECTS; i++) objects.push({ id: i, device: `device-${i % 1000}`, value: i / 7 });
  return {
    objects,
    drop: () => {
      objects = [];
    },
  };
}

function parseFigure(id: string, what: string, p: Pairs): Figure {
  return figure({
    id,
    item: 2,
    what,
    unit: 'lines/s',
    better: 'higher',
    ours: summarize(p.ours),
    oursName: 'emulator parser (escapes, types, OSS errors)',
    peer: summarize(p.peer),
    peerName: 'bare String.split of lines and fields',
    ratio: pairRatios(p.ours, p.peer),
    target: { of: 'ratio', op: '>=', value: 0.5 },
    note: `full collections during the runs: ${p.oursMajor} parsing, ${p.peerMajor} splitting`,
  });
}

export async function benchParse(options: BenchOptions): Promise<Figure[]> {
  const runs = Math.max(options.runs, 3);
  const figures: Figure[] = [];

  const count = options.quick ? 10_000 : 100_000;
  // The quick body parses in milliseconds: each run parses it four times, so that a run outlasts a hiccup.
  const large = Array<Buffer>(options.quick ? 4 : 1).fill(fleetBody(count));
  const one = await pairs(parser(large, count), splitter(large, count), count * large.length, runs);
  progress(
    `parse: one body, ${summarize(one.ours).median.toFixed(0)} lines/s, split ${summarize(one.peer).median.toFixed(0)}`,
  );
  figures.push(
    parseFigure(
      'parse.vs-split',
      `parse ${count.toLocaleString('en-US')} lines of line protocol in one body (${(large[0].length / 1e6).toFixed(1)} MB, 7 fields each)${large.length > 1 ? `, ${large.length} times a run` : ''}`,
      one,
    ),
  );

  // Distinct bodies (a fleet's successive minutes), each parsed by a fresh parser as a request is.
  const bodyCount = options.quick ? 8 : 40;
  const bodies = Array.from({ length: 4 }, (_, k) => fleetBody(BODY_LINES, Date.UTC(2026, 0, 1 + k)));
  const sequence = Array.from({ length: bodyCount }, (_, k) => bodies[k % bodies.length]);
  const lines = bodyCount * BODY_LINES;
  const what = `parse ${bodyCount} bodies of ${BODY_LINES.toLocaleString('en-US')} lines in sequence (${(bodies[0].length / 1e6).toFixed(1)} MB each)`;
  const small = await pairs(parser(sequence, BODY_LINES), splitter(sequence, BODY_LINES), lines, runs);
  progress(
    `parse: 5,000-line bodies, ${summarize(small.ours).median.toFixed(0)} lines/s, split ${summarize(small.peer).median.toFixed(0)}`,
  );
  figures.push(parseFigure('parse.bodies-of-5000', what, small));

  const heap = liveHeap();
  try {
    const loaded = await pairs(parser(sequence, BODY_LINES), splitter(sequence, BODY_LINES), lines, runs);
    progress(
      `parse: 5,000-line bodies under ${heap.objects.length.toLocaleString('en-US')} live objects, ` +
        `${summarize(loaded.ours).median.toFixed(0)} lines/s, split ${summarize(loaded.peer).median.toFixed(0)}`,
    );
    figures.push(
      parseFigure(
        'parse.bodies-of-5000-live-heap',
        `${what}, while the process holds ${LIVE_OBJECTS.toLocaleString('en-US')} live objects (both sides)`,
        loaded,
      ),
    );
  } finally {
    heap.drop();
  }
  return figures;
}
