import assert from 'node:assert/strict';
import {
  deviceDescription,
  DeviceIdError,
  deviceIdFromDescription,
  MAX_DEVICE_ID_LENGTH,
  validateDeviceId,
} from '../../lib/devices/device-id';

function rejects(id: unknown, message: RegExp): void {
  assert.throws(
    () => validateDeviceId(id),
    (e: unknown) => e instanceof DeviceIdError && e.code === 'invalid_device_id' && message.test(e.message),
  );
}

describe('device id', () => {
  it('accepts the usual device names unchanged', () => {
    for (const id of ['virtual_device', 'esp32-A4:CF:12:9B:00:01', 'kitchen sensor', 'Čidlo 1', 'a']) {
      assert.equal(validateDeviceId(id), id);
    }
  });

  it('rejects a value that is not a string', () => {
    rejects(42, /must be a string, got number/);
    rejects(undefined, /got undefined/);
    rejects(null, /got null/);
  });

  it('rejects an empty id', () => {
    rejects('', /empty/);
  });

  it(`rejects an id longer than ${MAX_DEVICE_ID_LENGTH} characters`, () => {
    assert.equal(validateDeviceId('x'.repeat(64)), 'x'.repeat(64));
    rejects('x'.repeat(65), /65 characters long; at most 64/);
  });

  it('counts characters, not UTF-16 units', () => {
    const emoji = '🌡'.repeat(64);
    assert.equal(validateDeviceId(emoji), emoji);
  });

  it('rejects control characters and says which', () => {
    rejects('dev\n1', /control character \(U\+000A\) at position 3/);
    rejects('dev\u0000', /U\+0000/);
    rejects('dev\u007f', /U\+007F/);
    rejects('dev\u2028x', /U\+2028/);
  });

  it('rejects a lone surrogate, which would travel as U+FFFD', () => {
    rejects('dev\ud800', /not valid UTF-8: a lone surrogate \(U\+D800\) at position 3/);
    rejects('\udc00dev', /lone surrogate \(U\+DC00\) at position 0/);
  });

  it('rejects a huge id quickly, with a short message', () => {
    const started = Date.now();
    assert.throws(() => validateDeviceId('x'.repeat(10_000_000)), {
      message: 'deviceId is 10000000 characters long; at most 64 are allowed',
    });
    assert.ok(Date.now() - started < 200);
  });

  it('rejects leading or trailing whitespace', () => {
    rejects(' dev', /starts or ends with whitespace/);
    rejects('dev ', /starts or ends with whitespace/);
    rejects('dev\u00a0', /starts or ends with whitespace/);
  });
});

describe('device description', () => {
  it('is "IoT Center: <id>"', () => {
    assert.equal(deviceDescription('dev1'), 'IoT Center: dev1');
  });

  it('refuses to describe an invalid id', () => {
    assert.throws(() => deviceDescription(''), DeviceIdError);
  });

  it('gives back the id of its own description', () => {
    for (const id of ['dev1', 'dev10', 'a b', 'x'.repeat(64)]) {
      assert.equal(deviceIdFromDescription(deviceDescription(id)), id);
    }
  });

  it('matches the prefix exactly, not loosely', () => {
    assert.equal(deviceIdFromDescription('IoT Center:dev1'), undefined);
    assert.equal(deviceIdFromDescription('iot center: dev1'), undefined);
    assert.equal(deviceIdFromDescription('IoTCenterDevice: dev1'), undefined);
    assert.equal(deviceIdFromDescription('My IoT Center: dev1'), undefined);
  });

  it('names no device when the rest is not a valid id', () => {
    assert.equal(deviceIdFromDescription('IoT Center: '), undefined);
    assert.equal(deviceIdFromDescription('IoT Center: dev1 '), undefined);
    assert.equal(deviceIdFromDescription('IoT Center: ' + 'x'.repeat(65)), undefined);
  });

  it('names no device for a missing description', () => {
    assert.equal(deviceIdFromDescription(undefined), undefined);
  });
});
