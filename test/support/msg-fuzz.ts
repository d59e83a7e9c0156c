/**
 * Shared pieces of the node fuzz tests (test/nodes/fuzz-*.test.ts): seeded hostile values (fc.anything
 * with prototype-pollution keys, NaN/Infinity, huge texts, deep and cyclic objects), a driver that gives
 * a node thousands of msgs one after the other and records how each ended (done() or done(err), seen on
 * the node's own `_complete`, which Node-RED's done calls), and the checks every fuzz run ends with: no
 * uncaught exception or unhandled rejection, and no prototype polluted.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Node, NodeMessage } from 'node-red';
import { helper } from './node-red';

/** Every node fuzz test draws its msgs from this seed; MSG_FUZZ_SEED=<n> replays another run. */
export const MSG_FUZZ_SEED = Number(process.env['MSG_FUZZ_SEED'] ?? 20250917);
/** How many msgs each node gets (at least 10,000 in `npm test`); MSG_FUZZ_COUNT=<n> for a quick local run. */
export const MSG_FUZZ_COUNT = Number(process.env['MSG_FUZZ_COUNT'] ?? 10_000);

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Over InfluxDB's 1 MiB string field limit; one shared copy, so thousands of msgs cost no memory. */
export const HUGE_TEXT = 'x'.repeat(1024 * 1024 + 1);
/** Over the 64 KiB key limit. */
export const LONG_TEXT = 'k'.repeat(70_000);

/** A chain (each level holds the next once: a tree that shares children would be exponential to walk). */
function deepObject(depth: number): unknown {
  let value: unknown = { leaf: 1 };
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { nested: value } : [value];
  return value;
}

function cyclicObject(): unknown {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  value.list = [value];
  return value;
}

/** Values that no generator finds by chance. */
export function specialValues(): unknown[] {
  return [
    NaN,
    Infinity,
    -Infinity,
    -0,
    Number.MAX_VALUE,
    -Number.MAX_SAFE_INTEGER - 2,
    2n ** 70n,
    HUGE_TEXT,
    LONG_TEXT,
    '\ud800',
    'a\nb',
    '\u0000',
    '',
    ' ',
    deepObject(2000),
    cyclicObject(),
    Object.create(null),
    JSON.parse('{"__proto__": {"polluted": "yes"}}'),
    JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
    new Date(NaN),
    new Date(8.64e15),
    new Map([['a', 1]]),
    new Set([1]),
    Buffer.from('buffer'),
    Symbol('symbol'),
    () => 'function',
    // eslint-disable-next-line no-sparse-arrays -- a hole is the point
    [1, , 3],
    new Array(100_000),
  ];
}

/** Any JavaScript value, its object keys biased towards prototype-pollution names and `keys` of the domain. */
export function hostile(keys: readonly string[] = [], strings: readonly string[] = []): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
    ...(keys.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...keys) }] : []),
  );
  const leaves: fc.Arbitrary<unknown>[] = [
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 20 }),
    fc.constantFrom(null, undefined, NaN, Infinity, -Infinity),
    ...(strings.length > 0 ? [fc.constantFrom(...strings)] : []),
  ];
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.anything({
        key,
        values: leaves,
        maxDepth: 3,
        maxKeys: 5,
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withSet: true,
        withSparseArray: true,
        withTypedArray: true,
      }),
    },
    { weight: 2, arbitrary: fc.constantFrom(...specialValues()) },
  );
}

/** `count` values of `arbitrary`, the same for a given seed. */
export function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, seed = MSG_FUZZ_SEED): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}

export type Ending = { ok: true } | { ok: false; error: unknown };

interface Tracked {
  endings: Ending[];
  wait: Array<(ending: Ending) => void>;
}

/**
 * Gives node `id` each msg in turn and waits for its done() or done(err) before the next one; returns how
 * each ended. Fails when a msg gets no done within `ms`, or more than one.
 */
export async function drive(id: string, msgs: readonly NodeMessage[], ms = 10_000): Promise<Ending[]> {
  const node = helper.getNode(id) as (Node & { _complete(msg: object, error?: unknown): void }) | null;
  assert.ok(node, `no node ${id}`);
  const tracked = new Map<object, Tracked>();
  const original = node._complete;
  node._complete = function (msg: object, error?: unknown) {
    const entry = tracked.get(msg);
    if (entry) {
      const ending: Ending = error ? { ok: false, error } : { ok: true };
      entry.endings.push(ending);
      entry.wait.shift()?.(ending);
    }
    original.call(this, msg, error);
  };
  const endings: Ending[] = [];
  try {
    for (const [index, msg] of msgs.entries()) {
      const entry: Tracked = { endings: [], wait: [] };
      tracked.set(msg, entry);
      const ended = new Promise<Ending>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`msg #${index} got no done() within ${ms} ms: ${preview(msg)}`)),
          ms,
        );
        entry.wait.push((ending) => {
          clearTimeout(timer);
          resolve(ending);
        });
      });
      node.receive(msg);
      endings.push(await ended);
    }
    // A second done() of an early msg would show by now.
    await new Promise((resolve) => setImmediate(resolve));
    for (const [index, msg] of msgs.entries()) {
      const count = tracked.get(msg)?.endings.length;
      assert.equal(count, 1, `msg #${index} got done() ${count} times: ${preview(msg)}`);
    }
  } finally {
    node._complete = original;
  }
  return endings;
}

/** The error of done(err): an Error whose message is a short, non-empty text. `context` names the msg. */
export function assertClearError(error: unknown, context: () => string): Error {
  const fail = (why: string): never => assert.fail(`${context()}: ${why}`);
  if (!(error instanceof Error)) return fail(`done(err) with ${typeof error}, not an Error`);
  if (typeof error.message !== 'string' || error.message.trim() === '') return fail('an empty message');
  if (error.message.length > 2000) fail(`a message of ${error.message.length} characters`);
  return error;
}

/**
 * Collects uncaught exceptions and unhandled rejections for the tests of a describe block; call
 * `assertNone()` at the end of a test.
 */
export function watchUncaught(): { assertNone(): void } {
  const seen: unknown[] = [];
  const record = (e: unknown): void => {
    seen.push(e);
  };
  before(() => {
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  after(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });
  return {
    assertNone() {
      assert.deepEqual(
        seen.map((e) => (e instanceof Error ? e.stack : String(e))),
        [],
        'uncaught exceptions or unhandled rejections',
      );
    },
  };
}

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** The own property names of the built-in prototypes, to compare before and after a run. */
export function prototypeSnapshot(): Record<string, string[]> {
  return Object.fromEntries(PROTOTYPES.map(([name, proto]) => [name, Object.getOwnPropertyNames(proto).sort()]));
}

export function assertNotPolluted(before: Record<string, string[]>): void {
  assert.deepEqual(prototypeSnapshot(), before, 'a built-in prototype changed');
  const probe: Record<string, unknown> = {};
  assert.equal(probe['polluted'], undefined, 'Object.prototype.polluted is set');
}

/** Counts of values by label, for a summary line (what kinds of msgs ran, and how they ended). */
export function tally(labels: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v,
    );
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text === undefined ? String(typeof value) : text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
