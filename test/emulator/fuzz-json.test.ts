/**
 * Malformed JSON bodies over HTTP to setup, buckets, authorizations, orgs and query: truncated, wrong
 * types, byte noise, huge, deeply nested, `__proto__`/`constructor` payloads. Every answer is a
 * success or a 4xx with InfluxDB's `{code, message}`, never a 5xx or a hang; the emulator keeps
 * serving; and since it runs in this process, `Object.prototype` must come out unpolluted.
 * Also the body limits: 413 for a body over `maxBodyBytes`, and for a gzip bomb.
 */
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { type Onboarded, startOnboarded, startTestEmulator } from '../support/emulator';
import { assertErrorShape, assertHealthy, FUZZ_SEED, inPool, replayHint, send } from '../support/fuzz';

const BODIES = 2000;
const CONCURRENCY = 8;

type Endpoint = 'setup' | 'buckets' | 'authorizations' | 'orgs' | 'query';
const ENDPOINTS: Endpoint[] = ['setup', 'buckets', 'authorizations', 'orgs', 'query'];

/** A body each endpoint accepts, as the starting point of every mutation. */
function validBody(endpoint: Endpoint, orgID: string, n: number): Record<string, unknown> {
  switch (endpoint) {
    case 'setup':
      return { username: 'u', password: 'password123', org: `o${n}`, bucket: 'b', retentionPeriodSeconds: 0 };
    case 'buckets':
      return { name: `b${n}`, orgID, description: 'd', retentionRules: [{ type: 'expire', everySeconds: 3600 }] };
    case 'authorizations':
      return {
        orgID,
        description: 'IoT Center: d',
        permissions: [{ action: 'read', resource: { type: 'buckets', orgID } }],
      };
    case 'orgs':
      return { name: `org${n}`, description: 'd' };
    case 'query':
      return { query: 'from(bucket: "my-bucket") |> range(start: -1h)', type: 'flux', dialect: { header: true } };
  }
}

const POLLUTERS = [
  '{"__proto__": {"polluted": "yes"}}',
  '{"constructor": {"prototype": {"polluted": "yes"}}}',
  '{"__proto__": {"__proto__": {"polluted": "yes"}}}',
];

type Mutation =
  | { kind: 'setPath'; path: number[]; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'deep'; open: '[' | '{"a":'; depth: number; asField: boolean; closed: boolean }
  | { kind: 'pollute'; payload: string; asField: boolean }
  | { kind: 'huge'; bytes: number }
  | { kind: 'notJson'; text: string };

const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('setPath' as const),
      path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      value: fc.jsonValue({ maxDepth: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      text: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'null', '1e999', '-', '\u0000', '\ud800', '\n'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, byte: fc.nat(255) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      open: fc.constantFrom('[' as const, '{"a":' as const),
      depth: fc.constantFrom(100, 1000, 10_001, 100_000),
      asField: fc.boolean(),
      closed: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('pollute' as const),
      payload: fc.constantFrom(...POLLUTERS),
      asField: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('huge' as const), bytes: fc.constantFrom(100_000, 1_000_000) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('notJson' as const),
      text: fc.constantFrom(
        '',
        ' ',
        'null',
        '[]',
        '1',
        '"s"',
        'true',
        '{',
        '}',
        'undefined',
        'NaN',
        "{'a': 1}",
        '{"a":1}{"b":2}',
        '\ufeff{}',
      ),
    }),
  },
);

/** Sets a value at a path of indices (each picks a key or an element, modulo its count). */
function setPath(target: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof target !== 'object' || target === null) return value;
  const [head, ...rest] = path as [number, ...number[]];
  if (Array.isArray(target)) {
    if (target.length === 0) return [value];
    const copy = [...target];
    copy[head % copy.length] = setPath(copy[head % copy.length], rest, value);
    return copy;
  }
  const record = target as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return value;
  const key = keys[head % keys.length] as string;
  return { ...record, [key]: setPath(record[key], rest, value) };
}

function applyMutation(body: Record<string, unknown>, text: string, m: Mutation): string {
  const at = (f: number) => Math.floor(f * (text.length + 1));
  const asField = (inner: string) => `${text.slice(0, text.length - 1)}${text.length > 2 ? ',' : ''}"x":${inner}}`;
  switch (m.kind) {
    case 'setPath':
      return JSON.stringify(setPath(body, m.path, m.value));
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'flip':
      return text.slice(0, at(m.at)) + String.fromCharCode(m.byte) + text.slice(at(m.at) + 1);
    case 'deep': {
      const close = m.open === '[' ? ']' : '}';
      const deep = m.open.repeat(m.depth) + '1' + (m.closed ? close.repeat(m.depth) : '');
      return m.asField && text.endsWith('}') ? asField(deep) : deep;
    }
    case 'pollute':
      return m.asField && text.endsWith('}') ? asField(m.payload) : m.payload;
    case 'huge':
      return text.endsWith('}') ? asField(JSON.stringify('h'.repeat(m.bytes))) : text;
    case 'notJson':
      return m.text;
  }
}

interface JsonCase {
  endpoint: Endpoint;
  mutations: Mutation[];
  contentType: string;
}

const jsonCase: fc.Arbitrary<JsonCase> = fc.record({
  endpoint: fc.constantFrom(...ENDPOINTS),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
});

/**
 * Where OSS 2.7 itself answers 500: `POST /api/v2/setup` hands the JSON decoder's plain error to
 * kithttp's `API.Err` (tenant/http_server_onboarding.go:78), and an authorization of type `instance`
 * is a plain error too (authorization/service.go).
 */
const OSS_500: Partial<Record<Endpoint, RegExp>> = {
  setup: /^(EOF|unexpected EOF|invalid character .*|json: .*|exceeded max depth)$/s,
  authorizations: /^authorizations cannot be created with the instance type/,
};

function assertNotPolluted(): void {
  const probe: Record<string, unknown> = {};
  assert.equal(probe['polluted'], undefined, 'Object.prototype was polluted');
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), ownNames);
}
// Taken when this file's tests start, not when it loads: other test files' libraries (should.js, loaded by
// node-red-node-test-helper) add their own names to Object.prototype in between, by design.
let ownNames: string[] = [];

describe('fuzz: malformed JSON bodies', function () {
  before(() => {
    ownNames = Object.getOwnPropertyNames(Object.prototype).sort();
  });
  this.timeout(120_000);
  let env: Onboarded;
  let fresh: Awaited<ReturnType<typeof startTestEmulator>>;
  before(async () => {
    env = await startOnboarded();
    fresh = await startTestEmulator();
  });
  after(async () => {
    await env.emulator.close();
    await fresh.close();
  });

  it(`answers ${BODIES} malformed bodies with success or a 4xx error body, unpolluted and up`, async () => {
    const cases = fc.sample(jsonCase, { seed: FUZZ_SEED, numRuns: BODIES });
    const statuses = new Map<number, number>();
    await inPool(cases, CONCURRENCY, async (c, index) => {
      const body = validBody(c.endpoint, env.orgID, index);
      const text = c.mutations.reduce((t, m) => applyMutation(body, t, m), JSON.stringify(body));
      const hint = () => `${c.endpoint} ${JSON.stringify(c.contentType)}, ${replayHint(index, text)}`;
      // Setup goes to an emulator that is not set up yet, so that a body can still succeed there.
      const base = c.endpoint === 'setup' ? fresh.url : env.emulator.url;
      const query = c.endpoint === 'query' ? `?org=${env.org}` : '';
      const headers: Record<string, string> = { authorization: `Token ${env.token}` };
      if (c.contentType) headers['content-type'] = c.contentType;
      const res = await send(`${base}/api/v2/${c.endpoint}${query}`, {
        headers,
        body: Buffer.from(text, 'latin1'),
      }).catch((err: unknown) => assert.fail(`${String(err)} — ${hint()}`));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assertNotPolluted();
      if (res.status === 200 || res.status === 201) return;
      const error = assertErrorShape(res, hint());
      if (res.status === 500 && OSS_500[c.endpoint]?.test(error.message)) return;
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status} ${res.body} — ${hint()}`);
    });
    assert.ok((statuses.get(400) ?? 0) > BODIES / 4, JSON.stringify([...statuses]));
    assertNotPolluted();
    await assertHealthy(env.emulator.url);
    await assertHealthy(fresh.url);
    const buckets = await send(`${env.emulator.url}/api/v2/buckets?limit=1`, {
      method: 'GET',
      headers: { authorization: `Token ${env.token}` },
    });
    assert.equal(buckets.status, 200, buckets.body);
  });

  for (const payload of POLLUTERS) {
    it(`creates no property on Object.prototype from ${payload}`, async () => {
      for (const endpoint of ENDPOINTS) {
        const base = endpoint === 'setup' ? fresh.url : env.emulator.url;
        const text = JSON.stringify(validBody(endpoint, env.orgID, 0)).replace(
          /^\{/,
          `{"__proto__":${payload},"x":${payload},`,
        );
        const res = await send(`${base}/api/v2/${endpoint}${endpoint === 'query' ? `?org=${env.org}` : ''}`, {
          headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
          body: text,
        });
        assert.ok(res.status < 500, `${endpoint}: ${res.status} ${res.body}`);
      }
      assertNotPolluted();
    });
  }

  it('answers 100,000 levels of "[" with a decoding error on every endpoint (500 from setup, as OSS)', async () => {
    for (const endpoint of ENDPOINTS) {
      const base = endpoint === 'setup' ? fresh.url : env.emulator.url;
      const res = await send(`${base}/api/v2/${endpoint}${endpoint === 'query' ? `?org=${env.org}` : ''}`, {
        headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
        body: '['.repeat(100_000),
      });
      const error = assertErrorShape(res, endpoint);
      if (endpoint === 'setup') assert.match(error.message, OSS_500.setup ?? /^$/, res.body);
      else assert.equal(res.status, 400, `${endpoint}: ${res.body}`);
    }
  });
});

describe('body limits', () => {
  let env: Onboarded;
  const LIMIT = 64 * 1024;
  before(async () => {
    env = await startOnboarded({ maxBodyBytes: LIMIT });
  });
  after(() => env.emulator.close());

  const write = (body: Buffer | string, headers: Record<string, string> = {}) =>
    send(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
      headers: { authorization: `Token ${env.token}`, ...headers },
      body,
    });
  const stored = () => env.emulator.state.points.read({ bucketId: env.bucketID, start: -(2n ** 62n), stop: 2n ** 62n });

  it('answers a write body over maxBodyBytes with 413 "points batch is too large" and writes nothing', async () => {
    const body = Array.from({ length: 5000 }, (_, i) => `m v=${i} ${i}`).join('\n');
    assert.ok(body.length > LIMIT);
    const res = await write(body);
    assert.equal(res.status, 413);
    assert.deepEqual(JSON.parse(res.body), {
      code: 'request too large',
      message: 'unable to read data: points batch is too large',
    });
    assert.deepEqual(stored(), []);
  });

  it('answers a gzip bomb (40 members, 60 KB, inflating to 40 MB) with 413, without inflating it all', async () => {
    // Concatenated gzip members are one stream to Go's reader and to zlib alike.
    const member = zlib.gzipSync(Buffer.alloc(1024 * 1024, 'm v=1 1\n'), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 40 }, () => member));
    assert.ok(bomb.length < LIMIT, `bomb of ${bomb.length} bytes`);
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 1);
    const res = await write(bomb, { 'content-encoding': 'gzip' }).finally(() => clearInterval(sampler));
    assert.equal(res.status, 413, res.body);
    assert.equal(JSON.parse(res.body).message, 'unable to read data: points batch is too large');
    assert.ok(peak - baseline < 16 * 1024 * 1024, `buffers grew by ${peak - baseline} bytes`);
    assert.deepEqual(stored(), []);
  });

  it('answers JSON and Flux bodies over maxBodyBytes with 413 and stays up', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(LIMIT), orgID: env.orgID });
    for (const [path, contentType] of [
      ['/api/v2/buckets', 'application/json'],
      ['/api/v2/orgs', 'application/json'],
      ['/api/v2/authorizations', 'application/json'],
      [`/api/v2/query?org=${env.org}`, 'application/vnd.flux'],
    ] as const) {
      const res = await send(`${env.emulator.url}${path}`, {
        headers: { authorization: `Token ${env.token}`, 'content-type': contentType },
        body: huge,
      });
      assert.equal(res.status, 413, `${path}: ${res.body}`);
      assert.equal(assertErrorShape(res, path).code, 'request too large');
    }
    await assertHealthy(env.emulator.url);
  });
});
