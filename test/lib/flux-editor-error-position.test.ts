import assert from 'node:assert/strict';
import { errorRange, rangeInWritten } from '../../lib/flux-editor';
import { withParamsRecord } from '../../lib/query';

describe('flux editor error positions', () => {
  it('reads the range InfluxDB writes as @line:col-line:col', () => {
    assert.deepEqual(errorRange('error @3:6-3:12: undefined identifier foo'), {
      line: 3,
      column: 6,
      endLine: 3,
      endColumn: 12,
    });
  });

  it('reads a single position', () => {
    assert.deepEqual(errorRange('error @2:4: expected RPAREN'), { line: 2, column: 4, endLine: 2, endColumn: 4 });
  });

  it('has no range for a message without a position', () => {
    assert.equal(errorRange('could not find bucket "x"'), undefined);
  });

  it('maps a line below an inserted params record back to the written line', () => {
    const written = 'from(bucket: params.bucket)\n  |> rnge(start: -1h)';
    const sent = withParamsRecord(written, { bucket: 'b' });
    assert.deepEqual(rangeInWritten({ line: 3, column: 6, endLine: 3, endColumn: 10 }, sent, written), {
      line: 2,
      column: 6,
      endLine: 2,
      endColumn: 10,
    });
  });

  it('keeps lines above a record inserted after the imports', () => {
    const written = 'import "strings"\nfrom(bucket: params.bucket)\n  |> rnge(start: -1h)';
    const sent = withParamsRecord(written, { bucket: 'b' });
    assert.deepEqual(rangeInWritten({ line: 1, column: 1, endLine: 1, endColumn: 7 }, sent, written), {
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 7,
    });
    assert.equal(rangeInWritten({ line: 4, column: 6, endLine: 4, endColumn: 10 }, sent, written)?.line, 3);
  });

  it('has no range in the written Flux for an error inside the inserted record', () => {
    const written = 'from(bucket: params.bucket)';
    const sent = withParamsRecord(written, { bucket: 'b' });
    assert.equal(rangeInWritten({ line: 1, column: 1, endLine: 1, endColumn: 5 }, sent, written), undefined);
  });

  it('leaves the range as it is when nothing was inserted', () => {
    const range = { line: 2, column: 1, endLine: 2, endColumn: 3 };
    assert.deepEqual(rangeInWritten(range, 'a\nb', 'a\nb'), range);
  });
});
