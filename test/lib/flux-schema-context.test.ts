import assert from 'node:assert/strict';

interface SchemaContext {
  kind: string;
  prefix: string;
  quoted: boolean;
  bucket?: string;
  measurement?: string;
  tag?: string;
}

// The browser file exports its pure part to Node when `module` exists.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { schemaContext } = require('../../resources/flux/flux-schema.js') as {
  schemaContext: (before: string) => SchemaContext | null;
};

const FROM = 'from(bucket: "iot")\n  |> range(start: -1h)\n';

describe('flux editor schema completion context', () => {
  it('offers buckets inside the bucket string', () => {
    assert.deepEqual(schemaContext('from(bucket: "io'), { kind: 'buckets', prefix: 'io', quoted: true });
  });

  it('offers measurements of the bucket in a _measurement comparison', () => {
    const context = schemaContext(`${FROM}  |> filter(fn: (r) => r._measurement == "env`);
    assert.equal(context?.kind, 'measurements');
    assert.equal(context?.prefix, 'env');
    assert.equal(context?.bucket, 'iot');
  });

  it('offers fields of the measurement filtered before', () => {
    const context = schemaContext(`${FROM}  |> filter(fn: (r) => r._measurement == "environment" and r["_field"] == "`);
    assert.deepEqual(
      { kind: context?.kind, measurement: context?.measurement, prefix: context?.prefix },
      { kind: 'fields', measurement: 'environment', prefix: '' },
    );
  });

  it('offers the values of the tag compared', () => {
    const context = schemaContext(`${FROM}  |> filter(fn: (r) => r.clientId == "de`);
    assert.equal(context?.kind, 'tagValues');
    assert.equal(context?.tag, 'clientId');
    assert.equal(context?.prefix, 'de');
  });

  it('offers columns after the row parameter and a dot, unquoted', () => {
    const context = schemaContext(`${FROM}  |> filter(fn: (row) => row.cl`);
    assert.equal(context?.kind, 'columns');
    assert.equal(context?.prefix, 'cl');
    assert.equal(context?.quoted, false);
  });

  it('offers columns in a columns list', () => {
    assert.equal(schemaContext(`${FROM}  |> keep(columns: ["_time", "`)?.kind, 'columns');
  });

  it('offers nothing for a member of a package or a record that is not a row', () => {
    assert.equal(schemaContext('import "strings"\nstrings.'), null);
    assert.equal(schemaContext(`${FROM}  |> filter(fn: (r) => r._value == "`), null);
  });

  it('offers nothing once the string is closed', () => {
    assert.equal(schemaContext('from(bucket: "iot")'), null);
  });
});
