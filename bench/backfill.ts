/**
 * Item 4: virtual device backfill. A `virtual-device` wired to `iot-write` in the embedded Node-RED is
 * told to backfill; the figure is the time until the 7 days at one minute (10,080 points) are written.
 * A fresh device id per run, so that the whole week is missing.
 */
import type { NodeMessage } from 'node-red';
import influxdbNode = require('../nodes/iot-influxdb/iot-influxdb');
import writeNode = require('../nodes/iot-write/iot-write');
import virtualDeviceNode = require('../nodes/virtual-device/virtual-device');
import { type EmbeddedNodeRed, type EmulatorProcess, ORG, TAB, TOKEN, until } from './harness';
import { type BenchOptions, type Figure, figure, progress, summarize, timed } from './stats';

export async function benchBackfill(
  red: EmbeddedNodeRed,
  emulator: EmulatorProcess,
  options: BenchOptions,
): Promise<Figure[]> {
  const bucket = await emulator.bucket('bucket-backfill');
  const runs = options.quick ? 1 : Math.max(3, options.runs);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const deviceId = `backfill-${run}-${Date.now()}`;
    await red.unload();
    await red.load(
      [influxdbNode, writeNode, virtualDeviceNode],
      [
        {
          id: 'influx',
          type: 'iot-influxdb',
          name: 'emulator',
          url: emulator.url,
          org: ORG,
          bucket,
          timeout: 10,
          rejectUnauthorized: true,
          caFile: '',
          tokenSource: 'cred',
          tokenEnv: '',
          healthInterval: 0,
        },
        {
          id: 'bench-device',
          type: 'virtual-device',
          z: TAB,
          deviceId,
          deviceIdType: 'str',
          seed: 'bench',
          interval: 60,
          track: 'builtIn',
          trackFile: '',
          autoStart: false,
          influxdb: 'influx',
          wires: [['bench-write'], ['bench-progress']],
        },
        {
          id: 'bench-write',
          type: 'iot-write',
          z: TAB,
          influxdb: 'influx',
          measurement: 'environment',
          precision: 'ms',
        },
        { id: 'bench-progress', type: 'helper', z: TAB },
      ],
      { influx: { token: TOKEN } },
    );
    let percent = 0;
    red.node('bench-progress').on('input', (msg: NodeMessage) => {
      percent = (msg.payload as { percent: number }).percent;
    });
    const ms = await timed(async () => {
      red.node('bench-device').receive({ payload: 'backfill' } as NodeMessage);
      // The last progress msg leaves with the last chunk of points.
      await until(() => percent === 100, 'the backfill is sent');
      await new Promise((resolve) => setImmediate(resolve));
      // Then a flush through iot-write: its done() comes when every point before it is written.
      red.node('bench-write').receive({ payload: [], flush: true, bench: 'flush' } as NodeMessage);
      await until(() => red.completed('flush') + red.failed('flush') > 0, 'the backfill is written');
    });
    if (red.failed('flush') > 0) throw new Error('bench: the backfill was not written');
    times.push(ms);
    progress(`backfill run ${run + 1}: ${ms.toFixed(0)} ms`);
  }
  return [
    figure({
      id: 'backfill.week',
      item: 4,
      what: 'virtual device backfill: 7 days at one minute (10,080 points) through iot-write, until written',
      unit: 'ms',
      better: 'lower',
      ours: summarize(times),
      oursName: '`virtual-device` → `iot-write` in Node-RED',
      target: { of: 'value', op: '<=', value: 3000 },
    }),
  ];
}
