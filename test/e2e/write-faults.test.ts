/**
 * The durable write path under faults, end to end: the example flow's `iot-write` in a real Node-RED process,
 * the emulator stopped, throttled, and Node-RED killed with SIGKILL. Every acknowledged point arrives, once.
 */
import assert from 'node:assert/strict';
import { seqSum, startWriteStack, type WriteStack } from '../support/write-stack';

const PER_MSG = 1000;

/** Polls until the bucket holds `count` points, or the deadline passes; returns what it holds. */
async function waitForStored(stack: WriteStack, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let stored = { count: -1, sum: -1 };
  while (Date.now() < deadline) {
    stored = await stack.stored();
    if (stored.count >= count) return stored;
    await new Promise((r) => setTimeout(r, 250));
  }
  return stored;
}

function iotWriteWarnings(log: string): string[] {
  return log.split('\n').filter((line) => /\[warn\] \[iot-write:/.test(line));
}

describe('iot-write under faults (Node-RED process, emulator stopped, throttled, SIGKILL)', function () {
  this.timeout(240_000);
  let stack: WriteStack | undefined;

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('delivers all of 50,000 points streamed in while the emulator is stopped and started again', async () => {
    stack = await startWriteStack('outage');
    const total = 50_000;
    for (let from = 0; from < total; from += PER_MSG) {
      if (from === 10_000) await stack.stopEmulator();
      if (from === 40_000) await stack.startEmulator();
      await stack.post(from, PER_MSG);
    }
    const stored = await waitForStored(stack, total, 120_000);
    assert.deepEqual(stored, { count: total, sum: seqSum(total) });
  });

  it('delivers points spooled while the emulator was down, after Node-RED is killed with SIGKILL and started again', async () => {
    stack = await startWriteStack('crash');
    const total = 30_000;
    for (let from = 0; from < total; from += PER_MSG) {
      if (from === 5_000) await stack.stopEmulator();
      if (from === 20_000) {
        await stack.killNodeRed();
        await stack.startNodeRed();
      }
      if (from === 25_000) await stack.startEmulator();
      await stack.post(from, PER_MSG);
    }
    const stored = await waitForStored(stack, total, 120_000);
    assert.deepEqual(stored, { count: total, sum: seqSum(total) });
  });

  it('keeps what it could not send when Node-RED is stopped (Ctrl-C) during an outage, and sends it after', async () => {
    stack = await startWriteStack('graceful');
    const total = 12_000;
    await stack.stopEmulator();
    for (let from = 0; from < total / 2; from += PER_MSG) await stack.post(from, PER_MSG);
    await stack.nodeRed().stop();
    await stack.startNodeRed();
    for (let from = total / 2; from < total; from += PER_MSG) await stack.post(from, PER_MSG);
    await stack.startEmulator();
    const stored = await waitForStored(stack, total, 120_000);
    assert.deepEqual(stored, { count: total, sum: seqSum(total) });
  });

  it('survives a SIGKILL in the middle of sending (slow server): nothing lost, nothing extra', async () => {
    stack = await startWriteStack('crash-sending');
    await stack.stopEmulator();
    await stack.startEmulator([{ delayMs: 1500 }]);
    const total = 10_000;
    for (let from = 0; from < total; from += PER_MSG) await stack.post(from, PER_MSG);
    await stack.killNodeRed();
    stack.emulator()?.faults.clear();
    await stack.startNodeRed();
    const stored = await waitForStored(stack, total, 120_000);
    assert.deepEqual(stored, { count: total, sum: seqSum(total) });
  });

  it('waits as 429 Retry-After: 2 asks, loses nothing, and logs the throttling once', async () => {
    stack = await startWriteStack('throttle');
    await stack.stopEmulator();
    const throttled = 4;
    const emulator = await stack.startEmulator([{ status: 429, retryAfter: 2, count: throttled }]);
    const started = Date.now();
    const total = 10_000;
    for (let from = 0; from < total; from += PER_MSG) await stack.post(from, PER_MSG);
    const stored = await waitForStored(stack, total, 120_000);
    const elapsed = Date.now() - started;
    assert.deepEqual(stored, { count: total, sum: seqSum(total) });
    assert.equal(emulator.faults.stats().applied, throttled);
    // Each 429 asked for 2 s: four of them in a row cannot be over sooner (a retry that ignored them would be).
    assert.ok(elapsed >= throttled * 2000 - 250, `took ${elapsed} ms for ${throttled} answers of Retry-After: 2`);
    const warnings = iotWriteWarnings(stack.log());
    assert.ok(warnings.length >= 1 && warnings.length <= 2, `one warning per state change:\n${warnings.join('\n')}`);
  });
});
