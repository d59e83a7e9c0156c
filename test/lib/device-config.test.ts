import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import {
  buildDeviceConfig,
  DeviceConfig,
  DeviceConfigError,
  redactDeviceConfig,
  RegisteredDevice,
  toYaml,
} from '../../lib/devices/device-config';

const DEVICE: RegisteredDevice = {
  deviceId: 'dev1',
  token: 'Xb3-k_9sQ1pY0w==',
  createdAt: '2024-03-01T10:00:00.000Z',
  updatedAt: '2024-03-02T11:00:00.000Z',
  newlyRegistered: true,
};
const INFLUX = { url: 'http://192.168.1.10:8086', org: 'my-org', bucket: 'iot_center' };
const NOW = new Date('2024-03-10T12:00:00.000Z');

describe('device config', () => {
  it("has IoT Center's shape and defaults", () => {
    assert.deepEqual(buildDeviceConfig(DEVICE, INFLUX, {}, NOW), {
      id: 'dev1',
      influx_url: 'http://192.168.1.10:8086',
      influx_org: 'my-org',
      influx_token: 'Xb3-k_9sQ1pY0w==',
      influx_bucket: 'iot_center',
      createdAt: '2024-03-01T10:00:00.000Z',
      updatedAt: '2024-03-02T11:00:00.000Z',
      serverTime: '2024-03-10T12:00:00.000Z',
      newlyRegistered: true,
      default_lat: 50.0873254,
      default_lon: 14.4071543,
      measurement_interval: 60,
      configuration_refresh: 3600,
      write_endpoint: '/influx',
    });
  });

  it('takes the settings of the flow', () => {
    const config = buildDeviceConfig(DEVICE, INFLUX, {
      defaultLat: 48.2,
      defaultLon: 16.37,
      measurementInterval: 10,
      configurationRefresh: 600,
      writeEndpoint: '/custom',
    });
    assert.deepEqual(
      [
        config.default_lat,
        config.default_lon,
        config.measurement_interval,
        config.configuration_refresh,
        config.write_endpoint,
      ],
      [48.2, 16.37, 10, 600, '/custom'],
    );
  });

  it('adds MQTT settings and writes to /mqtt by default when MQTT is set', () => {
    const config = buildDeviceConfig(DEVICE, INFLUX, {
      mqtt: {
        url: 'mqtt://broker:1883',
        topic: 'iot_center',
        user: 'u',
        password: 'p',
        options: '{"connectTimeout":10000}',
      },
    });
    assert.equal(config.write_endpoint, '/mqtt');
    assert.equal(config.mqtt_url, 'mqtt://broker:1883');
    assert.equal(config.mqtt_topic, 'iot_center');
    assert.equal(config.mqtt_user, 'u');
    assert.equal(config.mqtt_password, 'p');
    assert.equal(config.mqtt_options, '{"connectTimeout":10000}');
  });

  it('writes to /kafka when Kafka is set, before MQTT', () => {
    const config = buildDeviceConfig(DEVICE, INFLUX, {
      kafka: { url: 'kafka:9092', topic: 't' },
      mqtt: { url: 'mqtt://b', topic: 't' },
    });
    assert.equal(config.write_endpoint, '/kafka');
  });

  it('leaves out MQTT and Kafka keys that are not set', () => {
    const config = buildDeviceConfig(DEVICE, INFLUX);
    assert.ok(!('mqtt_url' in config) && !('kafka_url' in config) && !('mqtt_password' in config));
  });

  it('rejects settings a device cannot use', () => {
    assert.throws(() => buildDeviceConfig(DEVICE, INFLUX, { measurementInterval: 0 }), DeviceConfigError);
    assert.throws(() => buildDeviceConfig(DEVICE, INFLUX, { measurementInterval: 1.5 }), /whole number of seconds/);
    assert.throws(
      () => buildDeviceConfig(DEVICE, INFLUX, { defaultLat: 95 }),
      /defaultLat must be a number from -90 to 90/,
    );
  });

  it('rejects an invalid device id', () => {
    assert.throws(() => buildDeviceConfig({ ...DEVICE, deviceId: ' x' }, INFLUX), /whitespace/);
  });
});

describe('redacted device config', () => {
  it('replaces the token and the MQTT password by ***', () => {
    const config = buildDeviceConfig(DEVICE, INFLUX, { mqtt: { url: 'mqtt://b', topic: 't', password: 'secret' } });
    const redacted = redactDeviceConfig(config);
    assert.equal(redacted.influx_token, '***');
    assert.equal(redacted.mqtt_password, '***');
    assert.equal(redacted.id, 'dev1');
    assert.equal(config.influx_token, DEVICE.token, 'the original is left as it was');
  });

  it('adds no MQTT password where there was none', () => {
    assert.ok(!('mqtt_password' in redactDeviceConfig(buildDeviceConfig(DEVICE, INFLUX))));
  });
});

describe('device config as YAML', () => {
  const config = buildDeviceConfig(DEVICE, INFLUX, {}, NOW);

  it('is flat key: value lines with plain values, as the Arduino client reads them', () => {
    assert.equal(
      toYaml(config),
      [
        'id: dev1',
        'influx_url: http://192.168.1.10:8086',
        'influx_org: my-org',
        'influx_token: Xb3-k_9sQ1pY0w==',
        'influx_bucket: iot_center',
        'createdAt: 2024-03-01T10:00:00.000Z',
        'updatedAt: 2024-03-02T11:00:00.000Z',
        'serverTime: 2024-03-10T12:00:00.000Z',
        'newlyRegistered: true',
        'default_lat: 50.0873254',
        'default_lon: 14.4071543',
        'measurement_interval: 60',
        'configuration_refresh: 3600',
        'write_endpoint: /influx',
        '',
      ].join('\n'),
    );
  });

  it('reads back as the same config with a YAML 1.2 parser', () => {
    assert.deepEqual(yaml.load(toYaml(config), { schema: yaml.CORE_SCHEMA }), config);
  });

  it('quotes strings that YAML would read as something else or that would break the line', () => {
    const tricky = [
      'true',
      'No',
      'null',
      '~',
      '123',
      '0x1F',
      '1e3',
      '.inf',
      '1_000',
      '1:20',
      '',
      ' lead',
      'trail ',
      'a: b',
      'a #b',
      '#x',
      '- x',
      '"q"',
      "'q'",
      '{a}',
      '[a]',
      '*ref',
      '&anchor',
      '!tag',
      '%x',
      '@x',
      '`x',
      '|x',
      '>x',
      'line\nbreak',
      'tab\there',
      'end:',
      'sep\u2028x',
      'back\\slash',
    ];
    for (const text of tricky) {
      const withText: DeviceConfig = { ...config, influx_token: text, influx_org: text };
      const parsed = yaml.load(toYaml(withText), { schema: yaml.CORE_SCHEMA }) as Record<string, unknown>;
      assert.equal(
        parsed.influx_token,
        text,
        `token ${JSON.stringify(text)} came back as ${JSON.stringify(parsed.influx_token)}`,
      );
      // js-yaml's default schema also knows YAML 1.1 words; they must stay strings there too.
      const parsed11 = yaml.load(toYaml(withText)) as Record<string, unknown>;
      assert.equal(parsed11.influx_org, text);
    }
  });

  it('keeps one line per key whatever the values hold', () => {
    const text = toYaml({ ...config, influx_org: 'a\nmqtt_password: leaked' });
    assert.equal(text.split('\n').filter((line) => line.startsWith('mqtt_password')).length, 0);
  });

  it('leaves out keys that are not set', () => {
    assert.ok(!toYaml(config).includes('mqtt_'));
  });
});
