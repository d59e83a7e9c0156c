import assert from 'node:assert/strict';
import { WritePipelineError } from '../../lib/write/errors';
import type { WritePipelineConfig } from '../../lib/write/options';
import { resolveOptions } from '../../lib/write/options';

describe('write pipeline: options', () => {
  const base: WritePipelineConfig = { url: 'http://127.0.0.1:8086', org: 'o', bucket: 'b' };
  const refusal = (config: WritePipelineConfig): string => {
    try {
      resolveOptions(config);
    } catch (e) {
      assert.ok(e instanceof WritePipelineError);
      assert.equal(e.code, 'invalid-options');
      return e.message;
    }
    return assert.fail('the options were accepted');
  };

  it('fills in the documented defaults', () => {
    const o = resolveOptions(base);
    assert.deepEqual(
      [
        o.batchSize,
        o.flushInterval,
        o.maxBufferLines,
        o.precision,
        o.measurement,
        o.minRetryDelay,
        o.maxRetryDelay,
        o.gzipThreshold,
      ],
      [5000, 1000, 100_000, 'ms', 'environment', 1000, 60_000, 1000],
    );
    assert.equal(o.spoolDir, undefined);
  });

  it('treats an option given as undefined as not given', () => {
    assert.equal(resolveOptions({ ...base, batchSize: undefined }).batchSize, 5000);
  });

  it('requires org and bucket', () => {
    assert.match(refusal({ ...base, org: '', bucket: '' }), /org is required; bucket is required/);
  });

  it('requires a url or a transport', () => {
    assert.match(refusal({ org: 'o', bucket: 'b' }), /url \(or a transport\) is required/);
  });

  it('refuses an unknown precision', () => {
    assert.match(refusal({ ...base, precision: 'm' as 'ms' }), /precision must be one of ns, us, ms, s/);
  });

  it('refuses a buffer smaller than a batch', () => {
    assert.match(
      refusal({ ...base, batchSize: 500, maxBufferLines: 100 }),
      /maxBufferLines must be at least batchSize/,
    );
  });

  it('refuses a batch size of zero', () => {
    assert.match(refusal({ ...base, batchSize: 0 }), /batchSize must be a positive number/);
  });
});
