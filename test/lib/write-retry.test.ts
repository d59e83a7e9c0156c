import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_RETRY_DELAY, MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../lib/write/retry';
import { cloudWrittenCount, droppedCount, findRejectedLines } from '../../lib/write/rejections';

describe('write: retry delays', () => {
  const lowest = () => 0;
  const highest = () => 0.999999;

  it('waits minRetryDelay after the first failure', () => {
    assert.equal(backoffDelay(1, DEFAULT_RETRY_DELAY, lowest), 1000);
  });

  it('doubles the step with each attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffDelay(a, DEFAULT_RETRY_DELAY, lowest)),
      [1000, 2000, 4000, 8000],
    );
  });

  it('adds jitter up to the next step', () => {
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY_DELAY, () => 0.5),
      1500,
    );
    assert.equal(backoffDelay(2, DEFAULT_RETRY_DELAY, highest), 4000);
  });

  it('never waits longer than maxRetryDelay', () => {
    assert.equal(backoffDelay(30, DEFAULT_RETRY_DELAY, highest), 60_000);
    assert.equal(backoffDelay(6, DEFAULT_RETRY_DELAY, highest), 60_000);
  });

  it('follows custom options', () => {
    assert.equal(backoffDelay(3, { minRetryDelay: 10, maxRetryDelay: 100, exponentialBase: 3 }, lowest), 90);
  });
});

describe('write: Retry-After', () => {
  const now = Date.parse('2024-01-02T03:04:05Z');

  it('reads a number as seconds, as HTTP defines it', () => {
    assert.equal(parseRetryAfter('30', now), 30_000);
  });

  it('reads zero as at once', () => {
    assert.equal(parseRetryAfter('0', now), 0);
  });

  it('reads an HTTP date as the time until then', () => {
    assert.equal(parseRetryAfter('Tue, 02 Jan 2024 03:04:35 GMT', now), 30_000);
  });

  it('reads a date in the past as at once', () => {
    assert.equal(parseRetryAfter('Tue, 02 Jan 2024 03:00:00 GMT', now), 0);
  });

  it('ignores an unreadable value', () => {
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('takes the first of repeated headers', () => {
    assert.equal(parseRetryAfter(['2', '9'], now), 2000);
  });

  it('caps an absurd value at an hour', () => {
    assert.equal(parseRetryAfter('999999', now), MAX_RETRY_AFTER_MS);
  });
});

describe('write: reading InfluxDB write errors', () => {
  it('finds each line the OSS 400 message names, with its reason', () => {
    const lines = ['m v=1 1', 'm v=abc 2', 'm v=3 3', 'm,t= v=4 4'];
    const message = "unable to parse 'm v=abc 2': invalid number\nunable to parse 'm,t= v=4 4': missing tag value";
    assert.deepEqual(findRejectedLines(message, lines), [
      { index: 1, reason: 'invalid number' },
      { index: 3, reason: 'missing tag value' },
    ]);
  });

  it('matches a line holding a newline and a quote-colon exactly', () => {
    const lines = ['m s="a\': b\nc" 1', 'm v=1 2'];
    const message = "unable to parse 'm s=\"a': b\nc\" 1': invalid field format";
    assert.deepEqual(findRejectedLines(message, lines), [{ index: 0, reason: 'invalid field format' }]);
  });

  it('finds nothing when the message names lines that were not sent', () => {
    assert.deepEqual(findRejectedLines("unable to parse 'x': bad", ['m v=1']), []);
  });

  it('reads how many lines Cloud wrote', () => {
    assert.equal(cloudWrittenCount("partial write error (2 written): unable to parse 'm v=x': invalid number"), 2);
    assert.equal(cloudWrittenCount("unable to parse 'm v=x': invalid number"), undefined);
  });

  it('reads how many points a 422 dropped', () => {
    const message =
      'failure writing points to database: partial write: dropped 3 points outside retention policy of duration 1h0m0s - oldest 1, newest 2 dropped=3 for database: b for retention policy: autogen';
    assert.equal(droppedCount(message), 3);
  });
});
