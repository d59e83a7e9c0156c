import assert from 'node:assert/strict';
import { fluxParamsRecord, QueryParameterError, usesParams, withParamsRecord } from '../../lib/query';
import { buildQuery } from '../../nodes/iot-query/query-request';
import { calledFunctions, isValidFlux, stringLiterals, syntaxErrors } from '../support/flux-validate';

const HOSTILE = 'dev") |> drop(columns: ["_value"]) // ${x} \\';
const READS_PARAMS =
  'from(bucket: params.bucket) |> range(start: params.range) |> filter(fn: (r) => r.clientId == params.deviceId)';

function rejectsParameter(build: () => unknown, parameter: string): void {
  assert.throws(build, (e: unknown) => e instanceof QueryParameterError && e.parameter === parameter);
}

describe('iot-query params record', () => {
  it('writes range and every as durations, fields as a list, texts as escaped strings', () => {
    const record = fluxParamsRecord({
      bucket: 'b',
      deviceId: 'dev1',
      range: '-1h',
      every: '5m',
      fields: 'Temperature, CO2',
    }).toString();
    assert.equal(
      record,
      'params = {bucket: "b", deviceId: "dev1", range: -1h, every: 5m, fields: ["Temperature","CO2"]}',
    );
    assert.equal(isValidFlux(record), true);
  });

  it('keeps a hostile device id one string literal', () => {
    const source = withParamsRecord(READS_PARAMS, { bucket: 'b', deviceId: HOSTILE, range: '-1h' });
    assert.deepEqual(syntaxErrors(source), []);
    assert.ok(stringLiterals(source).includes(HOSTILE), source);
    assert.ok(!calledFunctions(source).includes('drop'), source);
  });

  it('puts the record after the package clause, comments and imports', () => {
    const flux = '// a comment\npackage main\nimport "influxdata/influxdb/v1"\nimport s "strings"\n' + READS_PARAMS;
    const source = withParamsRecord(flux, { bucket: 'b', range: '-1h', deviceId: 'd' });
    assert.match(
      source,
      /import s "strings"\nparams = \{bucket: "b", deviceId: "d", range: -1h\}\nfrom\(bucket: params.bucket\)/,
    );
    assert.deepEqual(syntaxErrors(source), []);
  });

  it('puts the record first when there are no imports', () => {
    assert.match(withParamsRecord(READS_PARAMS, { bucket: 'b' }), /^params = \{bucket: "b"\}\nfrom/);
  });

  it('takes numbers, booleans, Dates and lists of them under other names', () => {
    const record = fluxParamsRecord({
      limit: 5,
      ratio: 0.5,
      on: true,
      since: new Date(Date.UTC(2024, 0, 1)),
      ids: ['a', 'b'],
    }).toString();
    assert.equal(record, 'params = {limit: 5, ratio: 0.5, on: true, since: 2024-01-01T00:00:00.000Z, ids: ["a","b"]}');
    assert.equal(isValidFlux(record), true);
  });

  it('rejects values and names Flux cannot hold', () => {
    rejectsParameter(() => fluxParamsRecord({ range: '1h' }), 'range');
    rejectsParameter(() => fluxParamsRecord({ every: '-1m' }), 'every');
    rejectsParameter(() => fluxParamsRecord({ deviceId: ' padded' }), 'deviceId');
    rejectsParameter(() => fluxParamsRecord({ fields: [] }), 'fields');
    rejectsParameter(() => fluxParamsRecord({ limit: null }), 'limit');
    rejectsParameter(() => fluxParamsRecord({ limit: { n: 1 } }), 'limit');
    rejectsParameter(() => fluxParamsRecord({ limit: NaN }), 'limit');
    rejectsParameter(() => fluxParamsRecord({ 'a b': 1 }), 'a b');
  });

  it('rejects values of any type with a short QueryParameterError, never a TypeError', () => {
    const message = (build: () => unknown): string => {
      try {
        build();
      } catch (e) {
        assert.ok(e instanceof QueryParameterError, `not a QueryParameterError: ${String(e)}`);
        return e.message;
      }
      return assert.fail('expected a QueryParameterError');
    };
    assert.match(
      message(() => fluxParamsRecord({ limit: 10n })),
      /got 10n$/,
    );
    assert.match(
      message(() => fluxParamsRecord({ range: Object.create(null) })),
      /got an object$/,
    );
    assert.match(
      message(() => fluxParamsRecord({ every: 5 })),
      /got 5$/,
    );
    assert.match(
      message(() => fluxParamsRecord({ ['x-'.repeat(50_000)]: 1 })),
      /^parameter name "(x-){30}…" is not/,
    );
  });

  it('rejects a sparse list, whose holes would pass unchecked', () => {
    rejectsParameter(() => fluxParamsRecord({ fields: new Array(3) }), 'fields');
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    rejectsParameter(() => fluxParamsRecord({ ids: ['a', , 'c'] }), 'ids');
  });

  it('rejects a huge text or list and a huge duration literal', () => {
    assert.match(
      (() => {
        try {
          return fluxParamsRecord({ note: 'x'.repeat(65536) }).toString();
        } catch (e) {
          return (e as Error).message;
        }
      })(),
      /^parameter note is a text of 65536 characters; at most 65535 are allowed$/,
    );
    rejectsParameter(() => fluxParamsRecord({ ids: new Array(1001).fill('a') }), 'ids');
    rejectsParameter(() => fluxParamsRecord({ fields: new Array(1001).fill('a') }), 'fields');
    rejectsParameter(() => fluxParamsRecord({ range: `-${'1s'.repeat(1000)}` }), 'range');
  });

  it('is used only by Flux that reads params and does not define them', () => {
    assert.equal(usesParams(READS_PARAMS), true);
    assert.equal(usesParams('from(bucket: "b") |> range(start: -1h)'), false);
    assert.equal(usesParams('params = {bucket: "b"}\nfrom(bucket: params.bucket)'), false);
  });
});

describe('iot-query request', () => {
  const base = {
    source: 'preset',
    preset: 'lastValues',
    flux: '',
    settings: {},
    fn: '',
    defaultBucket: 'iot',
    msg: {},
  };

  it("lets msg properties win over the node's settings and uses the config node's bucket last", () => {
    const flux = buildQuery({
      ...base,
      settings: { deviceId: 'node-device', range: '-2h' },
      msg: { deviceId: 'msg-device' },
    }).toString();
    assert.match(flux, /from\(bucket: "iot"\)/);
    assert.match(flux, /r\.clientId == "msg-device"/);
    assert.match(flux, /range\(start: -2h\)/);
  });

  it('leaves Flux that does not read params as it is', () => {
    const flux = 'from(bucket: "x") |> range(start: -1h)';
    assert.equal(buildQuery({ ...base, source: 'flux', flux, msg: { deviceId: 'd' } }), flux);
  });

  it('names what is missing', () => {
    rejectsParameter(() => buildQuery({ ...base, source: 'flux' }), 'query');
    rejectsParameter(() => buildQuery({ ...base, source: 'msg' }), 'msg.query');
    rejectsParameter(() => buildQuery({ ...base }), 'deviceId');
    rejectsParameter(() => buildQuery({ ...base, source: 'sql' }), 'source');
  });

  it('refuses msg.query.params that are not a plain object, whose values would be lost', () => {
    for (const params of [new Map([['deviceId', 'd']]), new Date(0), ['d'], 'deviceId=d', null]) {
      rejectsParameter(
        () => buildQuery({ ...base, source: 'msg', msg: { query: { query: READS_PARAMS, params } } }),
        'msg.query.params',
      );
    }
  });
});
