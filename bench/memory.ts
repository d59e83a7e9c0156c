/**
 * Item 5: resident memory after the load. Both figures are read from /proc of a process of their own: the
 * emulator's (which took the write, backfill and ingest load of the other benchmarks, and the queries
 * below), and Node-RED's, as `iot-center start` runs it, after the 100-device load went through the example's
 * `iot-write` and the dashboard's query set ran for the devices (bench/node-red-memory.ts, run here as a
 * child; the benchmark process waits for it, as nothing else runs meanwhile).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { emulatorByPid, ORG, ROOT, rssMB, TOKEN } from './harness';
import { type BenchOptions, type Figure, figure, progress, summarize } from './stats';

interface NodeRedMemory {
  rssMB: number;
  peakMB: number;
  points: number;
  queries: number;
}

function nodeRedMemory(emulatorPid: number, options: BenchOptions): NodeRedMemory {
  const emulator = emulatorByPid(emulatorPid);
  if (!emulator) throw new Error(`bench: no running emulator with pid ${emulatorPid}`);
  const minutes = options.quick ? 30 : 360;
  const queriedDevices = options.quick ? 10 : 100;
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'bench', 'node-red-memory.ts'),
      emulator.url,
      TOKEN,
      ORG,
      emulator.orgID,
      String(minutes),
      String(queriedDevices),
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  if (child.status !== 0) {
    const why = child.error?.message ?? `exit ${child.status ?? child.signal}`;
    throw new Error(`bench: the Node-RED memory run failed (${why}):\n${child.stdout}\n${child.stderr}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as NodeRedMemory;
}

export function memoryFigures(
  emulatorPids: readonly number[],
  emulatorPeakMB: number,
  options: BenchOptions,
): Figure[] {
  const nodeRed = nodeRedMemory(emulatorPids[0], options);
  progress(
    `Node-RED memory: ${nodeRed.rssMB.toFixed(0)} MB RSS (peak ${nodeRed.peakMB.toFixed(0)} MB) after ` +
      `${nodeRed.points} points and ${nodeRed.queries} queries`,
  );
  const loaded = Math.max(...emulatorPids.map((pid) => rssMB(pid) ?? 0));
  const emulator = Math.max(emulatorPeakMB, loaded);
  progress(`emulator memory: ${loaded.toFixed(0)} MB RSS after the load, ${emulatorPeakMB.toFixed(0)} MB in ingest`);
  return [
    figure({
      id: 'memory.emulator',
      item: 5,
      what: 'emulator RSS after the write, backfill, ingest and Node-RED memory load and its queries',
      unit: 'MB',
      better: 'lower',
      ours: summarize([emulator]),
      oursName: '`iot-center emulator` process',
      target: { of: 'value', op: '<=', value: 300 },
      note: `the larger of ${loaded.toFixed(0)} MB (after the load) and ${emulatorPeakMB.toFixed(0)} MB (the ingest run's emulator)`,
    }),
    figure({
      id: 'memory.node-red',
      item: 5,
      what:
        `Node-RED RSS after the 100-device load (${nodeRed.points.toLocaleString('en-US')} points, one minute of ` +
        `the fleet per msg, through the example's iot-write) and the dashboard's query set (${nodeRed.queries} ` +
        'queries: measurements, hourly means, last values, last seen)',
      unit: 'MB',
      better: 'lower',
      ours: summarize([nodeRed.rssMB]),
      oursName: 'Node-RED process as `iot-center start` runs it (its own /proc)',
      target: { of: 'value', op: '<=', value: 300 },
      note: `peak RSS (VmHWM) ${nodeRed.peakMB.toFixed(0)} MB`,
    }),
  ];
}
