import assert from 'node:assert/strict';
import type { SendResult } from '../../lib/write/sender';
import { Sender } from '../../lib/write/sender';
import type { ScriptedInflux, ScriptedReply } from '../support/scripted-influx';
import { freePort, rejectLinesContaining, startScriptedInflux } from '../support/scripted-influx';

describe('write: one write request', () => {
  let server: ScriptedInflux;
  const now = Date.parse('2024-01-02T03:04:05Z');
  const sender = (extra: Partial<ConstructorParameters<typeof Sender>[0]> = {}): Sender =>
    new Sender({
      url: server.url,
      token: 'tok',
      org: 'my org',
      bucket: 'b&1',
      precision: 'ms',
      now: () => now,
      ...extra,
    });
  const answer = async (reply: ScriptedReply, lines = ['m v=1 1']): Promise<SendResult> => {
    server.script = () => reply;
    return sender().send(lines);
  };

  beforeEach(async () => {
    server = await startScriptedInflux();
  });
  afterEach(() => server.close());

  it('posts the lines to /api/v2/write with org, bucket, precision and the token', async () => {
    assert.deepEqual(await sender().send(['m v=1 1', 'm v=2 2']), { kind: 'ok' });
    const [req] = server.received;
    assert.equal(req.path, '/api/v2/write');
    assert.deepEqual(Object.fromEntries(req.query), { org: 'my org', bucket: 'b&1', precision: 'ms' });
    assert.equal(req.headers.authorization, 'Token tok');
    assert.match(String(req.headers['content-type']), /^text\/plain/);
    assert.deepEqual(req.lines, ['m v=1 1', 'm v=2 2']);
  });

  it('gzips a body above the threshold', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `m v=${i} ${i}`);
    await sender({ gzipThreshold: 100 }).send(lines);
    assert.equal(server.received[0].gzipped, true);
    assert.deepEqual(server.received[0].lines, lines);
  });

  it('does not gzip a body below the threshold', async () => {
    await sender({ gzipThreshold: 1000 }).send(['m v=1 1']);
    assert.equal(server.received[0].gzipped, false);
  });

  it('retries a 429 after Retry-After read as seconds', async () => {
    const result = await answer({
      status: 429,
      code: 'too many requests',
      message: 'slow down',
      headers: { 'Retry-After': '7' },
    });
    assert.equal(result.kind, 'retry');
    assert.equal(result.kind === 'retry' && result.retryAfter, 7000);
    assert.equal(result.kind === 'retry' && result.error.code, 'too-many-requests');
  });

  it('retries a 503 after a Retry-After HTTP date', async () => {
    const result = await answer({
      status: 503,
      code: 'unavailable',
      headers: { 'Retry-After': 'Tue, 02 Jan 2024 03:04:15 GMT' },
    });
    assert.deepEqual(result.kind === 'retry' && [result.error.code, result.retryAfter], ['unavailable', 10_000]);
  });

  it('retries a 500 with backoff when there is no Retry-After', async () => {
    const result = await answer({ status: 500, message: 'boom' });
    assert.deepEqual(result.kind === 'retry' && [result.error.code, result.error.status, result.retryAfter], [
      'unavailable',
      500,
      undefined,
    ]);
  });

  it('retries when the connection is refused', async () => {
    const port = await freePort();
    const result = await new Sender({ url: `http://127.0.0.1:${port}`, org: 'o', bucket: 'b', precision: 'ms' }).send([
      'm v=1',
    ]);
    assert.equal(result.kind, 'retry');
    assert.equal(result.kind === 'retry' && result.error.code, 'network');
    assert.match(result.kind === 'retry' ? result.error.message : '', /ECONNREFUSED/);
  });

  it('retries when the connection is cut', async () => {
    const result = await answer({ reset: true });
    assert.equal(result.kind === 'retry' && result.error.code, 'network');
  });

  it('retries when no answer comes within the timeout', async () => {
    server.script = () => ({ hang: true });
    const result = await sender({ timeout: 50 }).send(['m v=1']);
    assert.equal(result.kind === 'retry' && result.error.code, 'timeout');
  });

  it('names the lines an OSS 400 rejects, with the reasons', async () => {
    server.script = rejectLinesContaining('BAD');
    const result = await sender().send(['m v=1', 'm BAD=1', 'm v=3']);
    assert.equal(result.kind, 'rejected');
    if (result.kind !== 'rejected') return;
    assert.deepEqual(result.rejected, [{ index: 1, reason: 'invalid field format' }]);
    assert.equal(result.othersWritten, false);
    assert.equal(result.error.code, 'rejected-line');
  });

  it('knows that Cloud wrote the lines a 400 does not name', async () => {
    const result = await answer(
      {
        status: 400,
        code: 'invalid',
        message: "partial write error (1 written): unable to parse 'm BAD=1': invalid field format",
      },
      ['m v=1', 'm BAD=1'],
    );
    assert.equal(result.kind === 'rejected' && result.othersWritten, true);
  });

  it('keeps the lines when a 400 is about the request, not the data', async () => {
    const result = await answer({
      status: 400,
      code: 'invalid',
      message: 'invalid precision; valid precision units are ns, us, ms, and s',
    });
    assert.equal(result.kind === 'blocked' && result.error.code, 'bad-request');
  });

  it('blames the token on a 401', async () => {
    const result = await answer({ status: 401, code: 'unauthorized', message: 'unauthorized access' });
    assert.equal(result.kind, 'blocked');
    assert.equal(result.kind === 'blocked' && result.error.code, 'unauthorized');
    assert.match(result.kind === 'blocked' ? result.error.message : '', /check the token/);
  });

  it('blames the permission on a 403', async () => {
    const result = await answer({ status: 403, code: 'forbidden', message: 'insufficient permissions for write' });
    assert.equal(result.kind === 'blocked' && result.error.code, 'forbidden');
    assert.match(result.kind === 'blocked' ? result.error.message : '', /may not write to bucket "b&1"/);
  });

  it('names the missing bucket on a 404', async () => {
    const result = await answer({ status: 404, code: 'not found', message: 'bucket "b&1" not found' });
    assert.equal(result.kind === 'blocked' && result.error.code, 'not-found');
    assert.match(result.kind === 'blocked' ? result.error.message : '', /create bucket "b&1" in org "my org"/);
  });

  it('asks for smaller requests on a 413', async () => {
    const result = await answer({
      status: 413,
      code: 'request too large',
      message: 'unable to read data: points batch is too large',
    });
    assert.equal(result.kind, 'too-large');
  });

  it('reads how many points a 422 partial write dropped', async () => {
    const result = await answer({
      status: 422,
      code: 'unprocessable entity',
      message:
        'failure writing points to database: partial write: field type conflict: input field "v" on measurement "m" is type integer, already exists as type float dropped=1',
    });
    assert.deepEqual(result.kind === 'partial' && [result.dropped, result.error.code], [1, 'partial-write']);
  });

  it('gives up a request when told to abort', async () => {
    server.script = () => ({ hang: true });
    const controller = new AbortController();
    const pending = sender().send(['m v=1'], controller.signal);
    setImmediate(() => controller.abort());
    const result = await pending;
    assert.equal(result.kind === 'retry' && result.error.code, 'network');
  });
});
