/**
 * The `iot-downsample` node in Node-RED against the emulator: the one task it keeps (created, updated on
 * redeploy, never duplicated, kept or deleted on removal), the bucket it creates, the means the task
 * writes when the emulator's scheduler runs it at a controlled time, and a backfill on input.
 */
import assert from 'node:assert/strict';
import { BucketsAPI, TasksAPI } from '@influxdata/influxdb-client-apis';
import { runDueTasks } from '../../emulator';
import downsampleNode = require('../../nodes/iot-downsample/iot-downsample');
import { TASK_DESCRIPTION_PREFIX } from '../../lib/downsample';
import type { FlowNode } from '../support/node-red';
import {
  helper,
  influxConfig,
  send,
  TAB,
  until,
  useNodeRedWithEmulator,
  waitForStatus,
  watch,
} from '../support/node-red';
import { quietClientLogs } from '../support/emulator';

const MINUTE_MS = 60_000;
const T0 = Date.parse('2024-01-01T10:00:00Z');
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;
const TARGET = 'iot_center_1h';
/** A time as Flux writes it: no milliseconds when there are none. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Raw minute points of the hour from T0: Temperature floats and CO2 integers, different per device. */
function rawHour(deviceId: string, scale: number): { lines: string[]; meanTemperature: number; maxCO2: number } {
  const lines: string[] = [];
  const temperatures: number[] = [];
  const co2: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = Math.round((20 + scale * Math.sin(i / 7) + i / 100) * 100) / 100;
    const c = 400 + ((i * 37 * scale) % 900);
    temperatures.push(t);
    co2.push(c);
    lines.push(`environment,clientId=${deviceId} Temperature=${t},CO2=${c}i ${ns(T0 + i * MINUTE_MS)}`);
  }
  return {
    lines,
    meanTemperature: temperatures.reduce((a, b) => a + b, 0) / temperatures.length,
    maxCO2: Math.max(...co2),
  };
}

describe('iot-downsample', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test', emulator: { taskCheckIntervalMs: 0 } });
  quietClientLogs();

  const downsample = (fields: Partial<FlowNode> = {}): FlowNode => ({
    id: 'd',
    type: 'iot-downsample',
    z: TAB,
    influxdb: 'influx',
    sourceBucket: '',
    targetBucket: TARGET,
    retention: '400d',
    every: '1h',
    offset: '0s',
    measurement: 'environment',
    fn: 'mean',
    fields: 'CO2: max',
    backfillRange: '-7d',
    pollInterval: 1,
    deleteOnRemove: false,
    wires: [[]],
    ...fields,
  });
  const flowWith = (nodes: FlowNode[]): FlowNode[] => [
    { id: TAB, type: 'tab' },
    influxConfig(fixture.influx).node,
    ...nodes,
  ];
  const load = async (fields: Partial<FlowNode> = {}) => {
    await fixture.deploy([downsampleNode], [downsample(fields), ...watch('d')]);
  };
  const redeploy = (nodes: FlowNode[]) =>
    helper.setFlows(flowWith(nodes), 'full', influxConfig(fixture.influx).credentials);
  const ourTasks = async () =>
    ((await new TasksAPI(fixture.influx.influx).getTasks({ orgID: fixture.influx.orgID })).tasks ?? []).filter((t) =>
      t.description?.startsWith(TASK_DESCRIPTION_PREFIX),
    );
  const targetRows = (range: string) =>
    fixture.influx.influx
      .getQueryApi(fixture.influx.org)
      .collectRows<{ _time: string; _field: string; _value: number; clientId: string }>(
        `from(bucket: "${TARGET}") |> range(${range}) |> sort(columns: ["clientId", "_field", "_time"])`,
      );

  it('creates the target bucket with its retention and one task', async () => {
    await load();
    await waitForStatus('d', (s) => s.text === 'task created, no run yet', 'the task is created');
    const bucket = (await new BucketsAPI(fixture.influx.influx).getBuckets({ name: TARGET })).buckets?.[0];
    assert.deepEqual(
      bucket?.retentionRules.map((r) => r.everySeconds),
      [400 * 86_400],
    );
    const tasks = await ourTasks();
    assert.equal(tasks.length, 1);
    assert.deepEqual(
      { name: tasks[0].name, every: tasks[0].every, status: tasks[0].status, description: tasks[0].description },
      {
        name: 'downsample my-bucket to iot_center_1h',
        every: '1h',
        status: 'active',
        description: `${TASK_DESCRIPTION_PREFIX}d`,
      },
    );
  });

  it('runs in the emulator at the next hour and fills the target bucket with the means of the raw points', async () => {
    const dev1 = rawHour('dev1', 3);
    const dev2 = rawHour('dev2', 5);
    const { influx, org, bucket } = fixture.influx;
    const write = influx.getWriteApi(org, bucket, 'ns');
    write.writeRecords([...dev1.lines, ...dev2.lines]);
    await write.close();
    fixture.influx.emulator.state.nowNs = () => ns(T0 + 30 * MINUTE_MS);
    await load();
    await waitForStatus('d', (s) => s.text === 'task created, no run yet', 'the task is created');

    const runs = await runDueTasks(fixture.influx.emulator.state, ns(T0 + 60 * MINUTE_MS));
    assert.deepEqual(
      runs.map((r) => r.status),
      ['success'],
      JSON.stringify(runs.map((r) => r.log.map((e) => e.message))),
    );
    const rows = await targetRows('start: 2024-01-01T00:00:00Z, stop: 2024-01-02T00:00:00Z');
    const value = (clientId: string, field: string) => rows.find((r) => r.clientId === clientId && r._field === field);
    assert.equal(rows.length, 4, JSON.stringify(rows));
    assert.ok(
      rows.every((r) => r._time === '2024-01-01T11:00:00Z'),
      'one point per window, at its end',
    );
    assert.ok(Math.abs((value('dev1', 'Temperature')?._value ?? NaN) - dev1.meanTemperature) < 1e-9);
    assert.ok(Math.abs((value('dev2', 'Temperature')?._value ?? NaN) - dev2.meanTemperature) < 1e-9);
    assert.equal(value('dev1', 'CO2')?._value, dev1.maxCO2);
    assert.equal(value('dev2', 'CO2')?._value, dev2.maxCO2);

    await waitForStatus('d', (s) => s.text === 'run 2024-01-01 11:00Z: ok', 'the status shows the run');
  });

  it('keeps exactly one task over two redeploys, and updates its script when the form changed', async () => {
    await load();
    await waitForStatus('d', (s) => s.text === 'task created, no run yet', 'the task is created');
    const [created] = await ourTasks();
    await redeploy([downsample()]);
    await waitForStatus('d', (s) => s.text === 'task ready, no run yet', 'the task is found again');
    await redeploy([downsample({ every: '30m', fields: '' })]);
    await waitForStatus('d', (s) => s.text === 'task updated, no run yet', 'the task is updated');
    const tasks = await ourTasks();
    assert.deepEqual(
      tasks.map((t) => [t.id, t.every]),
      [[created?.id, '30m']],
    );
    assert.ok(!tasks[0]?.flux.includes('"CO2"'), 'the new script');
  });

  it('removes a duplicate of its task left behind', async () => {
    await load();
    await waitForStatus('d', (s) => s.text === 'task created, no run yet', 'the task is created');
    const [task] = await ourTasks();
    await new TasksAPI(fixture.influx.influx).postTasks({
      body: { orgID: fixture.influx.orgID, flux: task?.flux ?? '', description: task?.description ?? '' },
    });
    assert.equal((await ourTasks()).length, 2);
    await redeploy([downsample()]);
    await waitForStatus('d', (s) => s.text === 'task ready, no run yet', 'the task is found again');
    assert.deepEqual(
      (await ourTasks()).map((t) => t.id),
      [task?.id],
    );
  });

  it('keeps its task when removed, by default', async () => {
    await load();
    await waitForStatus('d', (s) => s.text === 'task created, no run yet', 'the task is created');
    await redeploy([]);
    assert.equal((await ourTasks()).length, 1);
  });

  it('deletes its task when removed with "delete the task when this node is removed"', async () => {
    await load({ deleteOnRemove: true });
    await waitForStatus('d', (s) => s.text === 'task created, no run yet', 'the task is created');
    await redeploy([downsample({ deleteOnRemove: true })]);
    await waitForStatus('d', (s) => s.text === 'task ready, no run yet', 'a redeploy is no removal');
    assert.equal((await ourTasks()).length, 1);
    await redeploy([]);
    await until(async () => (await ourTasks()).length === 0, 'the task is deleted');
  });

  it('backfills whole hours of the past on input and tells what it wrote', async () => {
    const hour = 3_600_000;
    const lastHour = Math.floor(Date.now() / hour) * hour - hour;
    const { influx, org, bucket } = fixture.influx;
    const write = influx.getWriteApi(org, bucket, 'ms');
    // Two complete hours, and the hour still open (the task's to fill, not the backfill's).
    for (let t = lastHour - hour; t < Date.now(); t += MINUTE_MS)
      write.writeRecord(`environment,clientId=dev1 Temperature=${(t / MINUTE_MS) % 60} ${t}`);
    await write.close();
    await load();
    const outcome = await send('d', { range: '-3h' });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.error);
    const payload = outcome.msg.payload as { points: number; stop: string; taskID: string };
    assert.equal(payload.stop, new Date(lastHour + hour).toISOString());
    assert.equal(payload.points, 2);
    const rows = await targetRows('start: -1d');
    assert.deepEqual(
      rows.map((r) => [r._time, r._value]),
      [
        [rfc3339(lastHour), 29.5],
        [rfc3339(lastHour + hour), 29.5],
      ],
    );
    assert.equal(payload.taskID, (await ourTasks())[0]?.id);
  });

  it('refuses a form it cannot use, and says why in its status', async () => {
    await load({ targetBucket: '_system' });
    await waitForStatus('d', (s) => String(s.text).startsWith('targetBucket "_system"'), 'the problem is shown');
    const outcome = await send('d', {});
    assert.ok(!outcome.ok && /may not start with _/.test(outcome.error));
    assert.equal((await ourTasks()).length, 0);
  });
});
