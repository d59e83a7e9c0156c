/**
 * Device health in the example dashboards: the devices section's nodes (iot-register list → keep list, note the
 * time → lastSeen preset) run in Node-RED against the emulator, and their msg goes through the flow's "table rows
 * and health" function with a controlled clock: a silent device raises exactly one alert, and one more when it
 * writes again; a redeploy or a restart raises nothing twice; a check that stalls raises nothing early; a removed
 * device leaves every list.
 */
import assert from 'node:assert/strict';
import vm from 'node:vm';
import type { NodeMessage } from 'node-red';
import queryNode = require('../../nodes/iot-query/iot-query');
import registerNode = require('../../nodes/iot-register/iot-register');
import { type FlowNode, helper, nextMessage, send, TAB, useNodeRedWithEmulator, watch } from '../support/node-red';
import { coreNode, readExample } from '../support/examples';

interface Row {
  deviceId: string;
  lastSeen: string | null;
  expectedInterval: number;
  health: string;
}
interface Alert {
  deviceId: string;
  health: string;
  payload: string;
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

for (const [file, prefix] of [
  ['flows.json', 'iotc'],
  ['dashboard-2.json', 'iotc2'],
] as const) {
  describe(`device health of ${file}`, () => {
    const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
    const example = readExample(file);
    const node = (id: string): FlowNode => {
      const found = example.find((n) => n.id === `${prefix}.${id}`);
      assert.ok(found, `${prefix}.${id}`);
      return found;
    };

    beforeEach(async () => {
      const onTab = (n: FlowNode, wires: string[][]): FlowNode => ({ ...n, z: TAB, influxdb: 'influx', wires });
      await fixture.deploy(
        [registerNode, queryNode, coreNode('function/15-change.js')],
        [
          onTab(node('reg.list'), [[`${prefix}.chg.devices`]]),
          { ...node('chg.devices'), z: TAB, wires: [[`${prefix}.q.lastseen`]] },
          onTab(node('q.lastseen'), [['health-in']]),
          { id: 'health-in', type: 'helper', z: TAB },
          {
            id: 'reg',
            type: 'iot-register',
            z: TAB,
            influxdb: 'influx',
            action: 'register',
            deviceId: 'deviceId',
            deviceIdType: 'msg',
            wires: [[]],
          },
          ...watch('reg'),
        ],
      );
    });

    /** The example tab's environment variables as `env.get` returns them (a `json` entry parsed). */
    function tabEnv(changes: Record<string, unknown> = {}): Record<string, unknown> {
      const tab = example.find((n) => n.type === 'tab');
      const entries = (tab?.env ?? []) as Array<{ name: string; value: string; type: string }>;
      const values = Object.fromEntries(
        entries.map((e) => [e.name, e.type === 'json' ? (JSON.parse(e.value) as unknown) : e.value]),
      );
      return { ...values, ...changes };
    }

    /**
     * The example's function, as Node-RED runs it, for a check that began at `clockMs` (msg.checkedAt, which the
     * flow's change node set) and reaches the function `stallMs` later (`Date.now()`), with the given flow context
     * and the tab's environment variables (with `envChanges` as a user would make them).
     */
    function tableRows(
      msg: NodeMessage,
      clockMs: number,
      context: Map<string, unknown>,
      envChanges: Record<string, unknown> = {},
      stallMs = 0,
    ): { rows: Row[]; alerts: Alert[] } {
      class ClockDate extends Date {
        static override now(): number {
          return clockMs + stallMs;
        }
      }
      msg = { ...msg, checkedAt: clockMs } as NodeMessage;
      const flow = { get: (k: string) => context.get(k), set: (k: string, v: unknown) => void context.set(k, v) };
      const values = tabEnv(envChanges);
      const env = { get: (name: string) => values[name] };
      const code = `(function (msg, flow, env) {\n${String(node('fn.table').func)}\n})(msg, flow, env)`;
      // Through JSON: values made in another realm have other prototypes than deepEqual expects.
      const out = JSON.parse(
        JSON.stringify(vm.runInNewContext(code, { msg, flow, env, Date: ClockDate, Map })),
      ) as unknown[];
      return { rows: (out[0] as { payload: Row[] }).payload, alerts: out[2] as Alert[] };
    }

    /** One refresh of the devices section: the msg with msg.devices and the lastSeen rows. */
    async function refresh(): Promise<NodeMessage> {
      const arrived = nextMessage('health-in');
      const before = Date.now();
      helper.getNode(`${prefix}.reg.list`)?.receive({ payload: before } as NodeMessage);
      const msg = await arrived;
      // The change node notes when the check began, before the query.
      const { checkedAt } = msg as NodeMessage & { checkedAt?: unknown };
      assert.ok(typeof checkedAt === 'number' && checkedAt >= before && checkedAt <= Date.now(), String(checkedAt));
      return msg;
    }

    async function writePoint(deviceId: string, ms: number): Promise<void> {
      const { influx, org, bucket } = fixture.influx;
      const write = influx.getWriteApi(org, bucket, 'ms');
      write.writeRecord(`environment,clientId=${deviceId} Temperature=21.5 ${ms}`);
      await write.close();
    }

    it('raises one alert when the virtual device falls silent and one when it writes again, never twice', async () => {
      const context = new Map<string, unknown>();
      for (const deviceId of ['virtual_device', 'dev-quiet']) {
        const outcome = await send('reg', { deviceId } as NodeMessage);
        assert.ok(outcome.ok);
      }
      // The story's clock starts 15 minutes ago, so that the recovery entry (written now) is made after every
      // check of the silent spell, as a real one is: an entry made before the alert does not bring it back.
      const t1 = Date.now() - 900_000;
      await writePoint('virtual_device', t1);
      const alerts: Alert[] = [];
      const check = async (clock: number, ctx = context): Promise<Row[]> => {
        const { rows, alerts: raised } = tableRows(await refresh(), clock, ctx);
        alerts.push(...raised);
        return rows;
      };

      const first = await check(t1 + 5_000);
      assert.deepEqual(
        first.map((r) => [r.deviceId, r.health]),
        [
          ['dev-quiet', 'no data'],
          ['virtual_device', 'ok'],
        ],
      );
      await check(t1 + 29_000); // 3 intervals of 10 s not yet over
      assert.equal(alerts.length, 0);
      const silent = await check(t1 + 31_000);
      assert.equal(silent.find((r) => r.deviceId === 'virtual_device')?.health, 'silent');
      // An entry made just before the alert that reaches InfluxDB only after it (late in iot-write's buffer) is
      // fresh by its age, but it is no return: the device stays silent, and nothing is said.
      await writePoint('virtual_device', t1 + 30_000);
      const late = await check(t1 + 32_000);
      assert.equal(late.find((r) => r.deviceId === 'virtual_device')?.health, 'silent');
      await check(t1 + 60_000);
      await check(t1 + 600_000);
      assert.deepEqual(
        alerts.map((a) => [a.deviceId, a.health]),
        [['virtual_device', 'silent']],
        'one alert while it stays silent',
      );
      assert.match(alerts[0]?.payload ?? '', /^virtual_device is silent: no entry for 31 s$/);

      // A restart loses flow context: the first check learns that it is silent and says nothing.
      const restarted = new Map<string, unknown>();
      await check(t1 + 700_000, restarted);
      await check(t1 + 800_000, restarted);
      assert.equal(alerts.length, 1, 'no second alert after a restart');

      const t2 = Date.now();
      await writePoint('virtual_device', t2);
      await check(t2 + 1_000);
      await check(t2 + 2_000);
      assert.deepEqual(
        alerts.map((a) => [a.deviceId, a.health]),
        [
          ['virtual_device', 'silent'],
          ['virtual_device', 'ok'],
        ],
        'one recovery',
      );
      assert.equal(alerts[1]?.payload, 'virtual_device writes again');
    });

    it("reads each device's expected interval from the tab's environment variables, as the user sets them", async () => {
      assert.deepEqual(tabEnv(), {
        EXPECTED_INTERVALS: { virtual_device: 10 },
        EXPECTED_INTERVAL: '60',
        SILENT_AFTER_INTERVALS: '3',
      });
      for (const deviceId of ['virtual_device', 'dev-slow']) await send('reg', { deviceId } as NodeMessage);
      const t1 = Date.now();
      await writePoint('virtual_device', t1);
      await writePoint('dev-slow', t1);
      const health = async (
        clock: number,
        changes: Record<string, unknown>,
      ): Promise<Array<[string, string, number]>> =>
        tableRows(await refresh(), clock, new Map(), changes).rows.map((r) => [
          r.deviceId,
          r.health,
          r.expectedInterval,
        ]);
      // The defaults: 10 s for the virtual device, 60 s for any other; silent after 3 of them.
      assert.deepEqual(await health(t1 + 100_000, {}), [
        ['dev-slow', 'ok', 60],
        ['virtual_device', 'silent', 10],
      ]);
      // A user names dev-slow's interval (JSON text, as a Node-RED env variable holds it) and asks for 2 intervals.
      assert.deepEqual(
        await health(t1 + 100_000, { EXPECTED_INTERVALS: '{"dev-slow": 30}', SILENT_AFTER_INTERVALS: 2 }),
        [
          ['dev-slow', 'silent', 30],
          ['virtual_device', 'ok', 60],
        ],
      );
      // Settings that are not numbers or JSON fall back to the defaults rather than break the table.
      assert.deepEqual(
        await health(t1 + 100_000, {
          EXPECTED_INTERVALS: '{oops',
          EXPECTED_INTERVAL: 'soon',
          SILENT_AFTER_INTERVALS: -1,
        }),
        [
          ['dev-slow', 'ok', 60],
          ['virtual_device', 'ok', 60],
        ],
      );
    });

    it('counts ages from when the check began, so that a check stalled after its query raises nothing early', async () => {
      const context = new Map<string, unknown>();
      await send('reg', { deviceId: 'virtual_device' } as NodeMessage);
      const t1 = Date.now();
      await writePoint('virtual_device', t1);
      const ok = tableRows(await refresh(), t1 + 5_000, context);
      assert.deepEqual(
        ok.rows.map((r) => r.health),
        ['ok'],
      );
      // Begun 29 s after the entry (3 intervals of 10 s not yet over), the check reaches the function 5 s later:
      // what its query read was fresh when it began.
      const stalled = tableRows(await refresh(), t1 + 29_000, context, {}, 5_000);
      assert.deepEqual([stalled.rows.map((r) => r.health), stalled.alerts], [['ok'], []]);
      const late = tableRows(await refresh(), t1 + 31_000, context, {}, 5_000);
      assert.deepEqual(
        late.alerts.map((a) => a.payload),
        ['virtual_device is silent: no entry for 31 s'],
      );
    });

    it('drops a removed device from the rows and from the health it keeps', async () => {
      const context = new Map<string, unknown>();
      await send('reg', { deviceId: 'dev-gone' } as NodeMessage);
      await writePoint('dev-gone', Date.now());
      assert.deepEqual(
        tableRows(await refresh(), Date.now(), context).rows.map((r) => r.deviceId),
        ['dev-gone'],
      );
      assert.deepEqual(plain(context.get('deviceHealth')), { 'dev-gone': 'ok' });
      await send('reg', { deviceId: 'dev-gone', action: 'remove' } as NodeMessage);
      const { rows, alerts } = tableRows(await refresh(), Date.now() + 3_600_000, context);
      assert.deepEqual([rows, alerts, plain(context.get('deviceHealth'))], [[], [], {}]);
    });
  });
}
