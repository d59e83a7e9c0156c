/** What iot-write says: the error naming refused points, and the status of the shared pipeline. */
import assert from 'node:assert/strict';
import { refusalMessage, writeStatus } from '../../nodes/iot-write/controller';
import type { WriteStats } from '../../lib/write/pipeline';

const stats = (extra: Partial<WriteStats> = {}): WriteStats => ({
  buffered: 0,
  written: 0,
  failed: 0,
  invalid: 0,
  dropped: 0,
  retrying: false,
  circuit: 'closed',
  attempts: 0,
  durable: true,
  ...extra,
});

describe('iot-write messages', () => {
  it('names each refused point of an array by its index', () => {
    const message = refusalMessage([{}, {}, {}], {
      accepted: 1,
      errors: [
        { index: 0, reason: 'a' },
        { index: 2, reason: 'b' },
      ],
    });
    assert.equal(message, '2 of 3 points refused (the others are buffered): point 0: a; point 2: b');
  });

  it('names refused lines of a text', () => {
    assert.equal(
      refusalMessage('x\ny', {
        accepted: 0,
        errors: [
          { index: 0, reason: 'a' },
          { index: 1, reason: 'b' },
        ],
      }),
      '2 of 2 lines refused: line 0: a; line 1: b',
    );
  });

  it('says why a single point was refused', () => {
    assert.equal(
      refusalMessage(
        { fields: {} },
        { accepted: 0, errors: [{ index: 0, reason: 'a point needs at least one field' }] },
      ),
      'the point was refused: a point needs at least one field',
    );
  });

  it('lists ten refusals and counts the rest', () => {
    const errors = Array.from({ length: 12 }, (_, i) => ({ index: i, reason: 'r' }));
    const message = refusalMessage(new Array(12).fill({}), { accepted: 0, errors });
    assert.match(message, /point 9: r; and 2 more$/);
    assert.ok(!message.includes('point 10:'));
  });
});

describe('iot-write status', () => {
  it('shows counts, green when all is written', () => {
    assert.deepEqual(writeStatus(stats({ written: 5 }), 0), {
      fill: 'green',
      shape: 'dot',
      key: 'iot-write.status.counts',
      vars: { buffered: '0', written: '5', failed: '0' },
    });
  });

  it('is blue while points wait, yellow once some failed for good', () => {
    assert.equal(writeStatus(stats({ buffered: 2 }), 0).fill, 'blue');
    assert.equal(writeStatus(stats({ invalid: 1 }), 0).fill, 'yellow');
    const failed = writeStatus(stats({ failed: 1, invalid: 2, dropped: 3 }), 0);
    assert.deepEqual([failed.key, failed.vars.failed], ['iot-write.status.counts-failed', '6']);
  });

  it('writes large counts compactly, so that the status stays short', () => {
    assert.deepEqual(writeStatus(stats({ written: 350_123, buffered: 12_345, failed: 9_999 }), 0).vars, {
      written: '350k',
      buffered: '12k',
      failed: '9999',
    });
    assert.equal(writeStatus(stats({ written: 3_456_789 }), 0).vars.written, '3.5M');
  });

  it('is red with a short reason and the seconds until the next attempt while retrying', () => {
    const view = writeStatus(
      stats({
        buffered: 4,
        retrying: true,
        attempts: 1,
        nextRetryAt: 10_000,
        lastError: { code: 'unauthorized', message: 'long words', status: 401 },
      }),
      5_500,
    );
    assert.deepEqual(view, {
      fill: 'red',
      shape: 'ring',
      key: 'iot-write.status.retrying',
      vars: { reason: 'token refused 401', seconds: 5, buffered: '4', written: '0', failed: '0' },
    });
  });

  it('says "paused" while the circuit is open, with the same reason and counts', () => {
    const view = writeStatus(
      stats({
        buffered: 7,
        retrying: true,
        circuit: 'open',
        attempts: 3,
        nextRetryAt: 4_000,
        lastError: { code: 'network', message: 'ECONNREFUSED' },
      }),
      1_000,
    );
    assert.deepEqual(view, {
      fill: 'red',
      shape: 'ring',
      key: 'iot-write.status.paused',
      vars: { reason: 'unreachable', seconds: 3, buffered: '7', written: '0', failed: '0' },
    });
  });

  it('calls a lost connection unreachable', () => {
    const view = writeStatus(
      stats({
        retrying: true,
        attempts: 2,
        nextRetryAt: 1000,
        lastError: { code: 'network', message: 'ECONNREFUSED' },
      }),
      0,
    );
    assert.equal(view.vars.reason, 'unreachable');
  });
});
