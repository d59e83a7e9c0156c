/**
 * Item 5: resident memory after the load. The emulator is its own process (its RSS from /proc); Node-RED
 * runs embedded in the benchmark process, so its figure is that process's RSS — Node-RED, our nodes, the
 * peer node and the benchmark's own points and buffers: an upper bound of what Node-RED alone holds.
 */
import { rssMB } from './harness';
import { type Figure, figure, summarize } from './stats';

export function memoryFigures(emulatorPids: readonly number[], emulatorPeakMB: number): Figure[] {
  const emulator = Math.max(emulatorPeakMB, ...emulatorPids.map((pid) => rssMB(pid) ?? 0));
  if (global.gc) global.gc();
  const nodeRed = process.memoryUsage().rss / 2 ** 20;
  return [
    figure({
      id: 'memory.emulator',
      item: 5,
      what: 'emulator RSS after the write, backfill and ingest load',
      unit: 'MB',
      better: 'lower',
      ours: summarize([emulator]),
      oursName: '`iot-center emulator` process',
      target: { of: 'value', op: '<=', value: 300 },
    }),
    figure({
      id: 'memory.node-red',
      item: 5,
      what: 'Node-RED RSS after the write and backfill load',
      unit: 'MB',
      better: 'lower',
      ours: summarize([nodeRed]),
      oursName: 'process hosting Node-RED (with the benchmark itself: an upper bound)',
      target: { of: 'value', op: '<=', value: 300 },
    }),
  ];
}
