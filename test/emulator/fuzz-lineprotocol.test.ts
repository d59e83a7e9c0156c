/**
 * Line protocol fuzzing over HTTP: 10,000 seeded write bodies, generated valid lines and mutations of
 * them (byte flips, truncations, inserted separators and escapes, huge keys, invalid UTF-8, NUL,
 * gzip), each posted as one request. Every answer must be 204 or a 4xx with InfluxDB's error body,
 * never a hang, and the emulator must still be healthy afterwards. A sample goes to fresh buckets to
 * check that a refused body wrote nothing and an accepted valid body reads back through Flux as written.
 */
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import type { Precision } from '../../emulator/lineprotocol/parse';
import { type Onboarded, quietClientLogs, startOnboarded } from '../support/emulator';
import { assertErrorShape, assertHealthy, FUZZ_SEED, inPool, replayHint, send } from '../support/fuzz';

const BODIES = 10_000;
const CONCURRENCY = 8;
/** Every SAMPLE_EVERY-th case goes to a fresh bucket and its stored points are checked. */
const SAMPLE_EVERY = 50;
const MAX_BODY_BYTES = 256 * 1024;
const MULTIPLIER: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };
/** Generated timestamps lie in 1990..2010, so a stored time after 2020 can only be the server's "now". */
const TS_MIN_NS = 631_152_000_000_000_000n;
const TS_MAX_NS = 1_262_304_000_000_000_000n;
const NOW_AFTER_NS = 1_577_836_800_000_000_000n;

// ---------------------------------------------------------------------------------------------
// Valid lines, with the model of what they store.

type FieldKind = 'double' | 'long' | 'unsignedLong' | 'boolean' | 'string';
/** The field key ends in a marker of its type, so no two lines of a body can conflict on a field's type. */
const KIND_MARKER: Record<FieldKind, string> = { double: 'F', long: 'I', unsignedLong: 'U', boolean: 'B', string: 'S' };

interface FieldModel {
  key: string;
  kind: FieldKind;
  /** As line protocol writes it. */
  literal: string;
  /** As Flux's CSV shows it, for comparison (floats compare as numbers). */
  expected: string;
}

interface LineModel {
  measurement: string;
  tags: [string, string][];
  fields: FieldModel[];
  /** In precision units; null = the server's time. */
  timestamp: bigint | null;
  /** Leading spaces/tabs and extra separating spaces, which OSS skips. */
  padding: { lead: string; beforeFields: string; beforeTime: string };
}

const NAME_CHARS = ['a', 'b', 'z', 'Q', '0', '9', '_', '-', '.', ',', ' ', '=', '"', 'é', '日', '\u{1F600}', '\t'];
const nameTail = fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 8 });
/** A fixed first letter keeps names off line protocol's comments and off Flux's own column names. */
const named = (first: string) => nameTail.map((tail) => first + tail);

const escapeKey = (s: string) => s.replace(/[, =]/g, (c) => `\\${c}`);
const escapeMeasurement = (s: string) => s.replace(/[, ]/g, (c) => `\\${c}`);
const escapeString = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`);

const BOOLEAN_WORDS = ['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE'];

const fieldValue: fc.Arbitrary<Omit<FieldModel, 'key'>> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => ({
    kind: 'double' as const,
    literal: String(v),
    expected: String(Number(String(v))),
  })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({
    kind: 'long' as const,
    literal: `${v}i`,
    expected: String(v),
  })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => ({
    kind: 'unsignedLong' as const,
    literal: `${v}u`,
    expected: String(v),
  })),
  fc.constantFrom(...BOOLEAN_WORDS).map((w) => ({
    kind: 'boolean' as const,
    literal: w,
    expected: String(w.startsWith('t') || w.startsWith('T')),
  })),
  fc.string({ unit: fc.constantFrom(...NAME_CHARS, '\\', '\n', '\r', '#', '\u0000'), maxLength: 12 }).map((s) => ({
    kind: 'string' as const,
    literal: `"${escapeString(s)}"`,
    expected: s,
  })),
);

function lineModel(precision: Precision): fc.Arbitrary<LineModel> {
  const m = MULTIPLIER[precision];
  const spaces = fc.constantFrom('', '', '', ' ', '  ', '\t');
  return fc.record({
    measurement: named('m'),
    tags: fc.uniqueArray(fc.tuple(named('t'), fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1 })), {
      selector: ([k]) => k,
      maxLength: 4,
    }),
    fields: fc
      .uniqueArray(fc.tuple(named('f'), fieldValue), { selector: ([k]) => k, minLength: 1, maxLength: 5 })
      .map((pairs) => pairs.map(([key, v]) => ({ ...v, key: key + KIND_MARKER[v.kind] }))),
    timestamp: fc.option(fc.bigInt({ min: TS_MIN_NS / m, max: TS_MAX_NS / m }), { freq: 4 }),
    padding: fc.record({ lead: spaces, beforeFields: spaces.map((s) => s.replace('\t', ' ')), beforeTime: spaces }),
  });
}

function toLine(line: LineModel): string {
  const tags = line.tags.map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`).join('');
  const fields = line.fields.map((f) => `${escapeKey(f.key)}=${f.literal}`).join(',');
  const time = line.timestamp === null ? '' : ` ${line.padding.beforeTime.replace('\t', ' ')}${line.timestamp}`;
  const key = escapeMeasurement(line.measurement) + tags;
  // OSS scanLine takes a leading space for the start of the fields and counts the key's `=` too; a
  // quote in a key can then open a string value that runs on past the newline: not a valid line.
  const quoteInKeys = key.includes('"') || line.fields.some((f) => f.key.includes('"'));
  const lead = quoteInKeys || line.measurement.includes('=') ? '' : line.padding.lead;
  return `${lead}${key} ${line.padding.beforeFields}${fields}${time}`;
}

// ---------------------------------------------------------------------------------------------
// Mutations, applied to the bytes of a valid body.

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'hugeKey'; length: number }
  | { kind: 'hugeNumber'; digits: number; suffix: string }
  | { kind: 'replaceAll'; text: string }
  | { kind: 'oversize' };

const INSERTS = ['"', ',', ' ', '\\', '\n', '=', '\u0000', '#', '\t', '\r\n', '\\\n', '""', '=,', ' \\', '\n\n\n'];
const INVALID_UTF8 = ['\xff', '\xc3', '\xed\xa0\x80', '\xf8\x88\x80\x80\x80', '\xc0\xaf', '\xe2\x82'];
/** Whole bodies that are not line protocol at all. */
const ODD_BODIES = ['', '\n', '\n\n \n', '# only a comment', '\u0000', ' ', '=', ',', '"', '\\', 'm', 'm ', 'm f'];

const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, byte: fc.nat(255) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      text: fc.constantFrom(...INSERTS, ...INVALID_UTF8),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      length: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('duplicate' as const),
      at: position,
      length: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hugeKey' as const),
      length: fc.constantFrom(65_530, 65_536, 70_000),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('hugeNumber' as const),
      digits: fc.constantFrom(19, 20, 21, 25, 320, 5000),
      suffix: fc.constantFrom('', 'i', 'u', 'e999', '.5', 'e-400'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('replaceAll' as const), text: fc.constantFrom(...ODD_BODIES) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'oversize' as const }) },
);

/** Works on latin1 strings: one char per byte, so byte-level edits and invalid UTF-8 are easy. */
function mutate(bytes: string, m: Mutation): string {
  const at = (f: number) => Math.floor(f * (bytes.length + 1));
  switch (m.kind) {
    case 'flip': {
      const i = Math.min(at(m.at), bytes.length - 1);
      return i < 0 ? bytes : bytes.slice(0, i) + String.fromCharCode(m.byte) + bytes.slice(i + 1);
    }
    case 'truncate':
      return bytes.slice(0, at(m.at));
    case 'insert':
      return bytes.slice(0, at(m.at)) + Buffer.from(m.text, 'latin1').toString('latin1') + bytes.slice(at(m.at));
    case 'delete':
      return bytes.slice(0, at(m.at)) + bytes.slice(at(m.at) + m.length);
    case 'duplicate': {
      const i = at(m.at);
      return bytes.slice(0, i) + bytes.slice(i, i + m.length) + bytes.slice(i);
    }
    case 'hugeKey':
      return `${'k'.repeat(m.length)} v=1\n${bytes}`;
    case 'hugeNumber':
      return `${bytes}\nm v=${'9'.repeat(m.digits)}${m.suffix}`;
    case 'replaceAll':
      return m.text;
    case 'oversize':
      return `${bytes}\n`.repeat(Math.ceil((MAX_BODY_BYTES + 1) / (bytes.length + 1)));
  }
}

// ---------------------------------------------------------------------------------------------
// Cases.

type Encoding = 'identity' | 'gzip' | 'gzip-truncated' | 'gzip-flipped' | 'not-gzip';

interface FuzzCase {
  precision: Precision;
  bytes: Buffer;
  /** Set when the body is unmutated: what it must store. */
  lines?: LineModel[];
  mutations: Mutation[];
  encoding: Encoding;
}

const fuzzCase: fc.Arbitrary<FuzzCase> = fc.constantFrom<Precision>('ns', 'us', 'ms', 's').chain((precision) =>
  fc
    .record({
      lines: fc.array(lineModel(precision), { minLength: 1, maxLength: 12 }),
      separator: fc.constantFrom('\n', '\n', '\n', '\n\n', '\n# comment\n', '\n   \n'),
      trailer: fc.constantFrom('', '', '\n', '\n\n'),
      mutations: fc.oneof(
        { weight: 1, arbitrary: fc.constant([] as Mutation[]) },
        { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
      ),
      encoding: fc.constantFrom<Encoding>(
        ...(Array(36).fill('identity') as Encoding[]),
        'gzip',
        'gzip',
        'gzip',
        'gzip-truncated',
        'gzip-flipped',
        'not-gzip',
      ),
    })
    .map(({ lines, separator, trailer, mutations, encoding }) => {
      const text = lines.map(toLine).join(separator) + trailer;
      const mutated = mutations.reduce(mutate, Buffer.from(text, 'utf8').toString('latin1'));
      const c: FuzzCase = { precision, bytes: Buffer.from(mutated, 'latin1'), mutations, encoding };
      if (mutations.length === 0) c.lines = lines;
      return c;
    }),
);

function encode(c: FuzzCase): { body: Buffer; headers: Record<string, string> } {
  const gzipHeader = { 'content-encoding': 'gzip' };
  switch (c.encoding) {
    case 'identity':
      return { body: c.bytes, headers: {} };
    case 'gzip':
      return { body: zlib.gzipSync(c.bytes), headers: gzipHeader };
    case 'gzip-truncated': {
      const full = zlib.gzipSync(c.bytes);
      return { body: full.subarray(0, Math.max(1, full.length - 5)), headers: gzipHeader };
    }
    case 'gzip-flipped': {
      const full = Buffer.from(zlib.gzipSync(c.bytes));
      const i = 10 + (c.bytes.length % Math.max(1, full.length - 10));
      full[i] = (full[i] ?? 0) ^ 0x5a;
      return { body: full, headers: gzipHeader };
    }
    case 'not-gzip':
      return { body: c.bytes, headers: gzipHeader };
  }
}

/**
 * InfluxDB 2.7 answers 500 for a gzip body it cannot inflate for a reason other than a bad header or
 * checksum (http/points/points_parser.go: any other read error is EInternal; a body gzip.NewReader
 * refuses fails in http/write_handler.go before any error code is chosen).
 */
const OSS_GZIP_500 =
  /^(unable to read data: (unexpected EOF|flate: corrupt input.*)|An internal error has occurred - check server logs)$/;

/** Some line is neither blank (space, tab, NUL) nor a `#` comment. */
function hasContent(c: FuzzCase): boolean {
  return c.bytes
    .toString('latin1')
    .split('\n')
    .some((line) => !/^[ \t\0]*(#.*)?$/s.test(line));
}

function allowedStatuses(c: FuzzCase): number[] {
  if (c.encoding === 'identity' || c.encoding === 'gzip') return [204, 400, 413, 422];
  return [204, 400, 413, 422, 500];
}

// ---------------------------------------------------------------------------------------------

describe('fuzz: line protocol over /api/v2/write', function () {
  this.timeout(120_000);
  quietClientLogs();
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded({ maxBodyBytes: MAX_BODY_BYTES });
  });
  after(() => env.emulator.close());

  const auth = () => ({ authorization: `Token ${env.token}` });
  const writeUrl = (bucket: string, precision: Precision) =>
    `${env.emulator.url}/api/v2/write?org=${encodeURIComponent(env.org)}&bucket=${encodeURIComponent(bucket)}&precision=${precision}`;

  async function freshBucket(name: string): Promise<string> {
    const res = await send(`${env.emulator.url}/api/v2/buckets`, {
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name, orgID: env.orgID, retentionRules: [] }),
    });
    assert.equal(res.status, 201, res.body);
    return (JSON.parse(res.body) as { id: string }).id;
  }

  const storedSeries = (bucketID: string) =>
    env.emulator.state.points.read({ bucketId: bucketID, start: -(2n ** 63n) + 2n, stop: 2n ** 63n - 2n });

  it(`answers ${BODIES} generated and mutated bodies with 204 or a 4xx error body, and stays up`, async () => {
    const cases = fc.sample(fuzzCase, { seed: FUZZ_SEED, numRuns: BODIES });
    const statuses = new Map<number, number>();
    const sampled: { index: number; c: FuzzCase; bucket: string; bucketID: string; status: number }[] = [];
    await inPool(cases, CONCURRENCY, async (c, index) => {
      const hint = () =>
        `${c.encoding} ${c.precision}, mutations ${JSON.stringify(c.mutations)}, ${replayHint(index, c.bytes)}`;
      let bucket = env.bucket;
      let bucketID = env.bucketID;
      if (index % SAMPLE_EVERY === 0) {
        bucket = `fuzz-${index}`;
        bucketID = await freshBucket(bucket);
      }
      const { body, headers } = encode(c);
      const res = await send(writeUrl(bucket, c.precision), { headers: { ...auth(), ...headers }, body }).catch(
        (err: unknown) => assert.fail(`${String(err)} — ${hint()}`),
      );
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(allowedStatuses(c).includes(res.status), `status ${res.status} ${res.body} — ${hint()}`);
      if (res.status === 204) assert.equal(res.body, '', hint());
      else {
        const error = assertErrorShape(res, hint());
        if (res.status === 500) assert.match(error.message, OSS_GZIP_500, `${error.message} — ${hint()}`);
      }
      if (c.lines && c.encoding !== 'gzip-flipped' && c.encoding !== 'gzip-truncated' && c.encoding !== 'not-gzip') {
        assert.ok([204, 422].includes(res.status), `a valid body was refused: ${res.body} — ${hint()}`);
      }
      if (bucket !== env.bucket) sampled.push({ index, c, bucket, bucketID, status: res.status });
    });
    assert.equal(
      [...statuses.values()].reduce((a, b) => a + b, 0),
      BODIES,
    );
    // The mix must exercise both sides: plenty accepted and plenty refused.
    assert.ok((statuses.get(204) ?? 0) > BODIES / 10, `statuses ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > BODIES / 10, `statuses ${JSON.stringify([...statuses])}`);

    for (const s of sampled) {
      const hint = replayHint(s.index, s.c.bytes);
      const series = storedSeries(s.bucketID);
      // A 422 is InfluxDB's partial write: its good points are stored (a mutation can make a point
      // the storage engine refuses, e.g. a field given twice with two types).
      if (s.status === 422) continue;
      if (s.status !== 204) assert.deepEqual(series, [], `a refused body (${s.status}) wrote points — ${hint}`);
      else if (!s.c.lines) {
        if (hasContent(s.c)) assert.ok(series.length > 0, `an accepted body stored nothing — ${hint}`);
      } else await assertReadsBack(s.bucket, s.c, hint);
    }
    await assertHealthy(env.emulator.url);
  });

  /** Queries the bucket with Flux over HTTP and compares every row with the model of the body. */
  async function assertReadsBack(bucket: string, c: FuzzCase, hint: string): Promise<void> {
    const lines = c.lines ?? [];
    const expected = new Map<string, string>();
    for (const line of lines) {
      const time = line.timestamp === null ? 'now' : String(line.timestamp * MULTIPLIER[c.precision]);
      const tags = line.tags.map(([k, v]) => `${k}=${v}`).sort();
      for (const f of line.fields) {
        expected.set(JSON.stringify([line.measurement, tags, f.key, time]), `${f.kind}:${withoutCr(f.expected)}`);
      }
    }
    const rows = await queryRows(bucket);
    const actual = new Map(rows.map((r) => [JSON.stringify([r.measurement, r.tags, r.field, r.time]), r.value]));
    assert.deepEqual(actual, expected, hint);
  }

  interface Row {
    measurement: string;
    tags: string[];
    field: string;
    time: string;
    value: string;
  }

  async function queryRows(bucket: string): Promise<Row[]> {
    const flux = `from(bucket: ${JSON.stringify(bucket)}) |> range(start: 1980-01-01T00:00:00Z, stop: 2100-01-01T00:00:00Z)`;
    const rows: Row[] = [];
    const queryApi = env.influx.getQueryApi(env.org);
    for await (const { values, tableMeta } of queryApi.iterateRows(flux)) {
      const row: Partial<Row> & { tags: string[] } = { tags: [] };
      let kind = '';
      tableMeta.columns.forEach((col, i) => {
        const raw = values[i] ?? '';
        if (col.label === '_measurement') row.measurement = raw;
        else if (col.label === '_field') row.field = raw;
        else if (col.label === '_time') row.time = timeKey(raw);
        else if (col.label === '_value') {
          kind = col.dataType;
          row.value = raw;
        } else if (!['result', 'table', '_start', '_stop'].includes(col.label) && raw !== '')
          row.tags.push(`${col.label}=${raw}`);
      });
      row.tags.sort();
      const value = kind === 'double' ? String(Number(row.value)) : withoutCr(row.value ?? '');
      rows.push({ ...(row as Row), value: `${kind}:${value}` });
    }
    return rows;
  }
});

/**
 * Flux writes CSV with Go's `csv.Writer` and `UseCRLF`, which drops a `\r` inside a value and writes a
 * newline as `\r\n`: carriage returns in strings do not survive a query, in InfluxDB either.
 */
function withoutCr(value: string): string {
  return value.replace(/\r/g, '');
}

/** RFC 3339 with nanoseconds → ns since the epoch as a string; a time after 2020 is the server's `now`. */
function timeKey(rfc3339: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(rfc3339);
  assert.ok(m, `time ${rfc3339}`);
  const ns = BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  return ns > NOW_AFTER_NS ? 'now' : String(ns);
}
