/** The `iot-influxdb` config node in Node-RED, against the emulator over HTTP. */
import assert from 'node:assert/strict';
import influxdbNode = require('../../nodes/iot-influxdb/iot-influxdb');
import registerNode = require('../../nodes/iot-register/iot-register');
import writeNode = require('../../nodes/iot-write/iot-write');
import { InfluxConnection } from '../../lib/connection/influx-connection';
import type { InfluxConfigNode } from '../../nodes/iot-influxdb/types';
import {
  helper,
  influxConfig,
  loadFlow,
  send,
  TAB,
  useNodeRedWithEmulator,
  waitForStatus,
  watch,
} from '../support/node-red';
import { quietClientLogs } from '../support/emulator';

describe('iot-influxdb', () => {
  const fixture = useNodeRedWithEmulator({ lifetime: 'test' });
  quietClientLogs();

  const configNode = (id = 'influx') => helper.getNode(id) as InfluxConfigNode;

  it('creates one connection that every node of the flow shares', async () => {
    await fixture.deploy(
      [registerNode],
      [
        { id: 'r1', type: 'iot-register', z: TAB, influxdb: 'influx', action: 'list', wires: [[]] },
        { id: 'r2', type: 'iot-register', z: TAB, influxdb: 'influx', action: 'list', wires: [[]] },
      ],
    );
    const connection = configNode().connection;
    assert.ok(connection instanceof InfluxConnection);
    assert.equal(connection.problem, undefined);
    assert.deepEqual(
      [connection.url, connection.org, connection.bucket],
      [fixture.influx.emulator.url, 'my-org', 'my-bucket'],
    );
  });

  it('closes its connection when the flow stops', async () => {
    await fixture.deploy([], []);
    const connection = configNode().connection;
    await helper.unload();
    assert.equal(connection.isClosed, true);
  });

  it('replaces its connection on redeploy', async () => {
    const cfg = influxConfig(fixture.influx);
    await loadFlow([influxdbNode], [cfg.node], cfg.credentials);
    const before = configNode().connection;
    await helper.setFlows(
      [
        { id: TAB, type: 'tab' },
        { ...cfg.node, bucket: 'other' },
      ],
      'full',
      cfg.credentials,
    );
    assert.equal(before.isClosed, true);
    assert.equal(configNode().connection.bucket, 'other');
  });

  it('reads the token from an environment variable', async () => {
    process.env.IOT_CENTER_TEST_TOKEN = fixture.influx.token;
    try {
      const cfg = influxConfig(fixture.influx, { tokenSource: 'env', tokenEnv: 'IOT_CENTER_TEST_TOKEN' }, '');
      await loadFlow([influxdbNode], [cfg.node], {});
      const connection = configNode().connection;
      assert.equal(connection.problem, undefined);
      assert.deepEqual(await connection.registry().list(), [], 'the token is accepted');
    } finally {
      delete process.env.IOT_CENTER_TEST_TOKEN;
    }
  });

  it('also takes the variable written as ${NAME}', async () => {
    process.env.IOT_CENTER_TEST_TOKEN = fixture.influx.token;
    try {
      const cfg = influxConfig(fixture.influx, { tokenSource: 'env', tokenEnv: '${IOT_CENTER_TEST_TOKEN}' }, '');
      await loadFlow([influxdbNode], [cfg.node], {});
      assert.deepEqual(await configNode().connection.registry().list(), []);
    } finally {
      delete process.env.IOT_CENTER_TEST_TOKEN;
    }
  });

  it('says which environment variable is missing, to the nodes that use it', async () => {
    const cfg = influxConfig(fixture.influx, { tokenSource: 'env', tokenEnv: 'IOT_CENTER_NO_SUCH_VAR' }, '');
    await loadFlow(
      [influxdbNode, registerNode],
      [
        cfg.node,
        { id: 'r', type: 'iot-register', z: TAB, influxdb: 'influx', action: 'list', wires: [[]] },
        ...watch('r'),
      ],
      {},
    );
    assert.equal(configNode().connection.problem?.code, 'misconfigured');
    await waitForStatus(
      'r',
      (s) => s.text === 'InfluxDB config incomplete' && s.fill === 'red',
      'the register node shows it',
    );
    const outcome = await send('r', {});
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.error, /no token: enter it, or name the environment variable that holds it/);
  });

  it('shows in the nodes when the server is not healthy, and when it is again', async () => {
    await fixture.deploy(
      [registerNode, writeNode],
      [
        { id: 'r', type: 'iot-register', z: TAB, influxdb: 'influx', action: 'list', wires: [[]] },
        { id: 'w', type: 'iot-write', z: TAB, influxdb: 'influx', wires: [[]] },
      ],
    );
    const connection = configNode().connection;
    await connection.checkHealth();
    await fixture.influx.emulator.close();
    assert.equal((await connection.checkHealth()).status, 'fail');
    await waitForStatus('r', (s) => s.fill === 'red' && s.text === 'InfluxDB unreachable', 'iot-register shows it');
    await waitForStatus(
      'w',
      (s) => s.fill === 'red' && s.text === 'InfluxDB not healthy (0 waiting)',
      'iot-write shows it',
    );
    await fixture.restartEmulator();
    assert.equal((await connection.checkHealth()).status, 'pass');
    await waitForStatus(
      'w',
      (s) => s.fill === 'green' && s.text === 'written 0 · buffered 0',
      'iot-write shows counts again',
    );
  });

  describe('test connection (editor)', () => {
    const form = (extra: Record<string, unknown> = {}) => ({
      id: 'influx',
      url: fixture.influx.emulator.url,
      org: fixture.influx.org,
      bucket: fixture.influx.bucket,
      timeout: '10',
      rejectUnauthorized: true,
      caFile: '',
      tokenSource: 'cred',
      tokenEnv: '',
      ...extra,
    });
    const post = async (body: object) => {
      const response = await helper.request().post('/iot-influxdb/test').send(body);
      assert.equal(response.status, 200);
      return response.body as { ok: boolean; checks: Array<{ name: string; ok: boolean; message: string }> };
    };

    it('checks health, org and bucket with the token typed in the form', async () => {
      await fixture.deploy([], []);
      const result = await post(form({ id: 'not-deployed', token: fixture.influx.token }));
      assert.deepEqual(
        result.checks.map((c) => [c.name, c.ok]),
        [
          ['health', true],
          ['org', true],
          ['bucket', true],
        ],
      );
    });

    it('uses the deployed token when the field is unchanged, and never sends it back', async () => {
      await fixture.deploy([], []);
      const result = await post(form({ token: '__PWRD__' }));
      assert.equal(result.ok, true);
      assert.ok(!JSON.stringify(result).includes(fixture.influx.token));
    });

    it('does not send the deployed token to another URL', async () => {
      await fixture.deploy([], []);
      const result = await post(form({ token: '__PWRD__', url: 'http://127.0.0.2:9' }));
      assert.deepEqual(result, {
        ok: false,
        checks: [
          {
            name: 'settings',
            ok: false,
            message:
              'the saved token is only sent to the URL it was deployed with; enter the token again to test this URL',
          },
        ],
      });
    });

    it('asks for the token when none is saved yet', async () => {
      await fixture.deploy([], []);
      const result = await post(form({ id: 'new-node', token: '' }));
      assert.match(result.checks[0].message, /^no saved token to test with/);
    });

    it('says what the token cannot see', async () => {
      await fixture.deploy([], []);
      const result = await post(form({ token: fixture.influx.token, bucket: 'missing' }));
      assert.equal(result.ok, false);
      assert.deepEqual(result.checks[2], {
        name: 'bucket',
        ok: false,
        message: 'bucket "missing" not found, or the token may not read it',
      });
    });
  });
});
