/** The config node's fields → connection settings, and the token from an environment variable. */
import assert from 'node:assert/strict';
import { healthIntervalMs, influxSettings, resolveEnvToken } from '../../nodes/iot-influxdb/settings';

describe('iot-influxdb settings', () => {
  const env: Record<string, string> = { INFLUX_TOKEN: 'tok==' };
  const lookup = (name: string) => env[name] ?? '';

  it('reads the token from the named variable', () => {
    assert.deepEqual(resolveEnvToken('INFLUX_TOKEN', lookup), { token: 'tok==' });
    assert.deepEqual(resolveEnvToken(' ${INFLUX_TOKEN} ', lookup), { token: 'tok==' });
  });

  it('names the variable that is not set', () => {
    assert.deepEqual(resolveEnvToken('NO_SUCH', lookup), { missing: 'NO_SUCH' });
    assert.deepEqual(resolveEnvToken('${NO_SUCH}', lookup), { missing: 'NO_SUCH' });
    assert.deepEqual(resolveEnvToken('', lookup), { missing: '(none)' });
  });

  it('takes a value Node-RED already substituted for ${NAME} as the token, never naming it', () => {
    assert.deepEqual(resolveEnvToken('abc-DEF_123==', lookup), { token: 'abc-DEF_123==' });
    const long = 'A'.repeat(88);
    assert.deepEqual(resolveEnvToken(long, lookup), { missing: '(the one named in the config node)' });
  });

  it('turns the timeout into ms and keeps certificate checks on unless unticked', () => {
    const s = influxSettings(
      { url: ' http://h:8086 ', org: 'o', bucket: 'b', timeout: '30', rejectUnauthorized: true },
      't',
    );
    assert.deepEqual(s, {
      url: 'http://h:8086',
      org: 'o',
      bucket: 'b',
      token: 't',
      timeoutMs: 30_000,
      rejectUnauthorized: true,
      caFile: '',
    });
    assert.equal(influxSettings({ rejectUnauthorized: false }, 't').rejectUnauthorized, false);
    assert.equal(influxSettings({}, 't').rejectUnauthorized, true);
    assert.equal(influxSettings({}, 't').timeoutMs, 10_000);
  });

  it('checks health every 60 s unless told otherwise; 0 = at start only', () => {
    assert.equal(healthIntervalMs({}), 60_000);
    assert.equal(healthIntervalMs({ healthInterval: '0' }), 0);
    assert.equal(healthIntervalMs({ healthInterval: 5 }), 5000);
    assert.equal(healthIntervalMs({ healthInterval: -1 }), 60_000);
  });
});
