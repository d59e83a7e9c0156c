/**
 * Writes where the emulator once stored what InfluxDB 2.7 refuses or changes (issue 15): a field
 * named `time`, one field key given twice with two types, a string value over 1 MiB, and bodies that
 * are not valid UTF-8. Each answer (status, error body) and what a Flux query then reads back is
 * what OSS v2.7.12 gives; the source that decides it is cited at each case.
 */
import assert from 'node:assert/strict';
import { assertHttpError, type Onboarded, quietClientLogs, rawRequest, startOnboarded } from '../support/emulator';

const T0 = 1_700_000_000_000_000_000n;
const MIB = 1_048_576;

interface Row {
  measurement: string;
  field: string;
  value: unknown;
  time: string;
  tags: Record<string, string>;
}

describe('write: InfluxDB 2.7 parity (time field, repeated field types, long strings, bytes)', function () {
  this.timeout(20_000);
  quietClientLogs();
  let env: Onboarded;
  beforeEach(async () => {
    env = await startOnboarded({ maxBodyBytes: 4 * MIB });
  });
  afterEach(() => env.emulator.close());

  const post = (body: string | Buffer) =>
    rawRequest(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}` },
      body,
    });

  /** The 422 OSS's write handler sends for a tsdb.PartialWriteError (http/write_handler.go:193). */
  const partialWrite = (reason: string) => ({
    code: 'unprocessable entity',
    message: `failure writing points to database: partial write: ${reason}`,
  });

  async function assertAnswer(
    res: Awaited<ReturnType<typeof post>>,
    status: number,
    body?: { code: string; message: string },
  ): Promise<void> {
    assert.equal(res.status, status, res.body.slice(0, 300));
    if (!body) return assert.equal(res.body, '');
    assert.equal(res.headers['x-platform-error-code'], body.code);
    assert.deepEqual(JSON.parse(res.body), body);
  }

  /** Everything in the bucket, as a Flux query through the client library reads it. */
  async function readBack(): Promise<Row[]> {
    const flux = `from(bucket: "${env.bucket}") |> range(start: 0)`;
    const rows = await env.influx.getQueryApi(env.org).collectRows<Record<string, unknown>>(flux);
    const out = rows.map((r) => {
      const tags: Record<string, string> = {};
      for (const [k, v] of Object.entries(r)) {
        if (!['result', 'table', '_start', '_stop', '_time', '_value', '_field', '_measurement'].includes(k))
          tags[k] = String(v);
      }
      return {
        measurement: String(r._measurement),
        field: String(r._field),
        value: r._value,
        time: String(r._time),
        tags,
      };
    });
    // By field; within one (Flux returns each table in time order) the sort is stable.
    return out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  }

  /** T0 + offset as Flux's RFC 3339 with nanoseconds, trailing zeros dropped. */
  const at = (offsetNs: bigint) => {
    const ns = T0 + offsetNs;
    const seconds = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
    const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
    return `${seconds}${fraction ? `.${fraction}` : ''}Z`;
  };

  describe('(1) a field named time (tsdb/shard.go:805-822, tsdb/engine/tsm1/engine.go:1295)', () => {
    it('refuses a point whose only field is time: 422, nothing stored', async () => {
      const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns', { maxRetries: 0 });
      writeApi.writeRecord(`m time=1 ${T0}`);
      await assertHttpError(
        writeApi.close(),
        422,
        'unprocessable entity',
        partialWrite('invalid field name: input field "time" on measurement "m" is invalid dropped=1').message,
      );
      assert.deepEqual(await readBack(), []);
    });

    it('stores the other fields of a point and drops its time field: 204', async () => {
      await assertAnswer(await post(`m time=1i,f=2,time="x" ${T0}`), 204);
      assert.deepEqual(await readBack(), [{ measurement: 'm', field: 'f', value: 2, time: at(0n), tags: {} }]);
    });

    it('in a batch, writes the good points and counts the dropped ones: 422', async () => {
      const res = await post(`m f=1 ${T0}\nm time=2 ${T0 + 1n}\nn time=3 ${T0 + 2n}\nm f=4 ${T0 + 3n}`);
      await assertAnswer(
        res,
        422,
        partialWrite('invalid field name: input field "time" on measurement "m" is invalid dropped=2'),
      );
      assert.deepEqual(
        (await readBack()).map((r) => [r.field, r.value]),
        [
          ['f', 1],
          ['f', 4],
        ],
      );
    });
  });

  describe('(2) one field key with two types in a point (tsdb/field_validator.go:53-61, tsdb/shard.go:1845)', () => {
    it('refuses the point with a field type conflict: 422, nothing stored, and the first type stays', async () => {
      const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns', { maxRetries: 0 });
      writeApi.writeRecord(`m f=1,f=2i ${T0}`);
      await assertHttpError(
        writeApi.close(),
        422,
        'unprocessable entity',
        partialWrite(
          'field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=1',
        ).message,
      );
      assert.deepEqual(await readBack(), []);
      // OSS created f as a float while checking the refused point, so an integer now conflicts too.
      await assertAnswer(
        await post(`m f=3i ${T0 + 1n}`),
        422,
        partialWrite(
          'field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=1',
        ),
      );
      await assertAnswer(await post(`m f=3 ${T0 + 2n}`), 204);
      assert.deepEqual(await readBack(), [{ measurement: 'm', field: 'f', value: 3, time: at(2n), tags: {} }]);
    });

    it('keeps the last value of a key given twice with one type: 204', async () => {
      await assertAnswer(await post(`m f=1i,g=true,f=2i ${T0}`), 204);
      assert.deepEqual(
        (await readBack()).map((r) => [r.field, r.value]),
        [
          ['f', 2],
          ['g', true],
        ],
      );
    });

    it('in a batch, drops each conflicting point whole and reports the first reason: 422', async () => {
      const body = [`m g=1 ${T0}`, `m h="a",f=1,f=2i ${T0 + 1n}`, `m f=1i ${T0 + 2n}`, `m f=5 ${T0 + 3n}`].join('\n');
      await assertAnswer(
        await post(body),
        422,
        partialWrite(
          'field type conflict: input field "f" on measurement "m" is type integer, already exists as type float dropped=2',
        ),
      );
      // h was created (a string) before the conflict but its point was not written.
      assert.deepEqual(
        (await readBack()).map((r) => [r.field, r.value, r.time]),
        [
          ['f', 5, at(3n)],
          ['g', 1, at(0n)],
        ],
      );
    });
  });

  describe('(3) a string value over 1 MiB (tsdb/field_validator.go:12, :26-39)', () => {
    it('refuses the point, counting unescaped UTF-8 bytes: 422', async () => {
      const res = await post(`m s="${'é'.repeat(MIB / 2)}\\"",f=1 ${T0}\nm f=2 ${T0 + 1n}`);
      await assertAnswer(
        res,
        422,
        partialWrite(`input field "s" on measurement "m" is too long, ${MIB + 1} > ${MIB} dropped=1`),
      );
      assert.deepEqual(await readBack(), [{ measurement: 'm', field: 'f', value: 2, time: at(1n), tags: {} }]);
    });

    it('stores a value of exactly 1 MiB: 204', async () => {
      await assertAnswer(await post(`m s="${'\\"'.repeat(MIB / 2)}${'a'.repeat(MIB / 2)}" ${T0}`), 204);
      const [row] = await readBack();
      assert.equal(String(row?.value).length, MIB);
    });
  });

  describe('(4) the body is parsed as bytes (models/points.go:23, :38-45, :540-545)', () => {
    it('refuses the reserved tag key 0xff: 400, nothing from the batch stored', async () => {
      const body = Buffer.concat([Buffer.from(`m f=1 ${T0}\nm,`), Buffer.from([0xff]), Buffer.from(`=v f=1 ${T0}`)]);
      await assertAnswer(await post(body), 400, {
        code: 'invalid',
        // Go's encoding/json writes the invalid byte of the quoted line as \ufffd; %q writes it as \xff.
        message: `unable to parse 'm,\ufffd=v f=1 ${T0}': cannot use reserved tag key "\\xff"`,
      });
      assert.deepEqual(await readBack(), []);
    });

    it('stores invalid UTF-8 in names, keys and values, which reads back as U+FFFD: 204', async () => {
      const body = Buffer.concat([
        Buffer.from('m'),
        Buffer.from([0xff]),
        Buffer.from(',t=caf'),
        Buffer.from([0xe9]),
        Buffer.from(' s="a'),
        Buffer.from([0xe2, 0x82]),
        Buffer.from('b",f'),
        Buffer.from([0xfe]),
        Buffer.from(`=1 ${T0}`),
      ]);
      await assertAnswer(await post(body), 204);
      assert.deepEqual(await readBack(), [
        { measurement: 'm\ufffd', field: 'f\ufffd', value: 1, time: at(0n), tags: { t: 'caf\ufffd' } },
        { measurement: 'm\ufffd', field: 's', value: 'a\ufffdb', time: at(0n), tags: { t: 'caf\ufffd' } },
      ]);
    });

    it('measures the series key in bytes as sent: 400 max key length exceeded', async () => {
      const body = Buffer.concat([Buffer.alloc(65_536, 0xff), Buffer.from(` f=1 ${T0}`)]);
      const res = await post(body);
      assert.equal(res.status, 400);
      const { code, message } = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(code, 'invalid');
      assert.equal(
        message,
        `unable to parse '${'\ufffd'.repeat(65_536)} f=1 ${T0}': max key length exceeded: 65536 > 65535`,
      );
    });
  });
});
