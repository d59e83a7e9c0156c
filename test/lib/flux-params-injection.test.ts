/**
 * The params record is the guard against Flux injection: every name is an identifier, every value a
 * checked literal, and the record lands after the imports. These tests pin each rule on its own (found
 * by mutation testing, see TESTING.md).
 */
import assert from 'node:assert/strict';
import { fluxParamsRecord, usesParams, withParamsRecord } from '../../lib/query/flux-params';
import { MAX_LIST_LENGTH, MAX_PARAMETER_LENGTH, QueryParameterError } from '../../lib/query/errors';

const record = (values: Record<string, unknown>): string => fluxParamsRecord(values).toString();

/** The QueryParameterError a build throws: its parameter and message. */
function refusal(build: () => unknown): { parameter: string; message: string } {
  try {
    build();
  } catch (e) {
    assert.ok(e instanceof QueryParameterError, `not a QueryParameterError: ${String(e)}`);
    return { parameter: e.parameter, message: e.message };
  }
  return assert.fail('expected a QueryParameterError');
}

describe('flux params record: names', () => {
  it('lists the known parameters in a fixed order, whatever order they are given in, then the others', () => {
    assert.equal(
      record({ limit: 3, fields: 'CO2', every: '1m', range: '-1h', deviceId: 'd', bucket: 'b' }),
      'params = {bucket: "b", deviceId: "d", range: -1h, every: 1m, fields: ["CO2"], limit: 3}',
    );
  });

  it('reads fields, range, every and deviceId by their meaning even when given alone', () => {
    assert.equal(record({ fields: 'a, b' }), 'params = {fields: ["a","b"]}');
    assert.equal(record({ range: '-2d' }), 'params = {range: -2d}');
    assert.equal(record({ every: '10s' }), 'params = {every: 10s}');
    assert.equal(record({ deviceId: 'dev-1' }), 'params = {deviceId: "dev-1"}');
    assert.equal(record({ bucket: 'iot' }), 'params = {bucket: "iot"}');
  });

  it('accepts names made of letters, digits and _ that do not start with a digit', () => {
    assert.equal(record({ a: 1, _x9: 2, abc: 3, Snake_Case_2: 4 }), 'params = {a: 1, _x9: 2, abc: 3, Snake_Case_2: 4}');
  });

  it('refuses a name that is not a Flux identifier anywhere in it, naming it', () => {
    for (const name of ['-x', 'x-', '9x', 'a b', 'a}', 'x: 1, y', 'é', '']) {
      const { parameter, message } = refusal(() => record({ [name]: 1 }));
      assert.equal(parameter, name);
      assert.equal(message, `parameter name ${JSON.stringify(name)} is not a Flux identifier (letters, digits, _)`);
    }
  });

  it('leaves out parameters given as undefined or an empty text, before looking at their names', () => {
    assert.equal(
      record({ bucket: 'b', deviceId: undefined, note: '', 'not a name': undefined }),
      'params = {bucket: "b"}',
    );
    assert.equal(record({ range: '' }), 'params = {}');
  });

  it('writes an empty record when nothing is given', () => {
    assert.equal(record({}), 'params = {}');
    assert.equal(withParamsRecord('x = 1', {}), 'params = {}\nx = 1');
  });
});

describe('flux params record: values', () => {
  it('keeps hostile texts string literals under any name', () => {
    const hostile = '"} |> drop(columns: ["_value"]) //\n${params}';
    // Quotes and the newline escaped, and `${` too: Flux would read it as string interpolation.
    assert.equal(
      record({ note: hostile }),
      'params = {note: "\\"} |> drop(columns: [\\"_value\\"]) //\\n\\${params}"}',
    );
    assert.equal(record({ bucket: 'a"b' }), 'params = {bucket: "a\\"b"}');
  });

  it('splits a fields text at commas, trims each name and drops empty ones', () => {
    assert.equal(record({ fields: ' Temperature ,, CO2 , ' }), 'params = {fields: ["Temperature","CO2"]}');
  });

  it('refuses fields that hold no name, an empty name or a non-text', () => {
    for (const fields of [',', ' , ', [], [''], ['a', ''], [1], ['a', 1], 'x'.length, null, { a: 'b' }]) {
      assert.deepEqual(
        refusal(() => record({ fields })),
        {
          parameter: 'fields',
          message: 'fields must be a list of field names or a comma-separated text',
        },
      );
    }
  });

  it('takes a list of one type only, every item a literal', () => {
    assert.equal(record({ ids: ['a', 'b'] }), 'params = {ids: ["a","b"]}');
    assert.equal(record({ ns: [1, 2.5] }), 'params = {ns: [1,2.5]}');
    for (const ids of [['a', 1], [1, NaN], [1, Infinity], [true, 'x'], ['a', null], [new Date(NaN)], []]) {
      assert.deepEqual(
        refusal(() => record({ ids })),
        {
          parameter: 'ids',
          message:
            'parameter ids must be a text, a number, a boolean, a Date or a non-empty list of one of those, ' +
            'got a list of mixed or unsupported values',
        },
      );
    }
  });

  it('names what it got when a value is not a literal', () => {
    const got = (value: unknown): string => refusal(() => record({ v: value })).message.replace(/^.*, got /, '');
    assert.equal(got(null), 'null');
    assert.equal(got(Infinity), 'Infinity');
    assert.equal(got(new Date(NaN)), 'an invalid Date');
    assert.equal(got({}), 'an object');
    assert.equal(
      got(() => 1),
      'a function',
    );
  });

  it('takes texts and lists up to the limits and refuses one more', () => {
    const longest = 'x'.repeat(MAX_PARAMETER_LENGTH);
    assert.equal(record({ note: longest }), `params = {note: "${longest}"}`);
    assert.equal(record({ ids: [longest] }), `params = {ids: ["${longest}"]}`);
    assert.deepEqual(
      refusal(() => record({ ids: ['a', longest + 'x'] })),
      {
        parameter: 'ids',
        message: `parameter ids is a text of ${MAX_PARAMETER_LENGTH + 1} characters; at most ${MAX_PARAMETER_LENGTH} are allowed`,
      },
    );
    assert.equal(refusal(() => record({ fields: ['a', longest + 'x'] })).parameter, 'fields');

    const most = new Array(MAX_LIST_LENGTH).fill(1);
    assert.equal(record({ ns: most }), `params = {ns: [${most.join(',')}]}`);
    assert.equal(
      record({ fields: new Array(MAX_LIST_LENGTH).fill('f') }),
      `params = {fields: [${new Array(MAX_LIST_LENGTH).fill('"f"').join(',')}]}`,
    );
    assert.deepEqual(
      refusal(() => record({ ns: [...most, 1] })),
      {
        parameter: 'ns',
        message: `parameter ns has ${MAX_LIST_LENGTH + 1} values; at most ${MAX_LIST_LENGTH} are allowed`,
      },
    );
  });

  it('measures the length of texts only, not of a value that merely has a length property', () => {
    const when = Object.assign(new Date(Date.UTC(2024, 0, 1)), { length: MAX_PARAMETER_LENGTH + 1 });
    assert.equal(record({ since: when }), 'params = {since: 2024-01-01T00:00:00.000Z}');
  });

  it('wraps a bad device id in a QueryParameterError for deviceId', () => {
    const { parameter, message } = refusal(() => record({ deviceId: ' padded' }));
    assert.equal(parameter, 'deviceId');
    assert.match(message, /padded/);
  });
});

describe('flux params: where the record goes', () => {
  it('reads params with spaces before the dot', () => {
    assert.equal(usesParams('from(bucket: params .bucket)'), true);
    assert.equal(usesParams('from(bucket: params\n  .bucket)'), true);
  });

  it('does not take a word ending in params for the record', () => {
    assert.equal(usesParams('from(bucket: myparams.bucket)'), false);
  });

  it('sees a definition of params however it is spaced, but only at the start of a line', () => {
    assert.equal(usesParams('  params = {bucket: "b"}\nfrom(bucket: params.bucket)'), false);
    assert.equal(usesParams('params={bucket: "b"}\nfrom(bucket: params.bucket)'), false);
    assert.equal(usesParams('params  =  {bucket: "b"}\nfrom(bucket: params.bucket)'), false);
    assert.equal(usesParams('from(bucket: params.bucket) |> filter(fn: (r) => r.note == "params = x")'), true);
  });

  it('puts the record after a package clause and imports however they are spaced', () => {
    const head = 'package  main\nimport  "strings"\nimport str  "regexp"\nimport\tv1 "influxdata/influxdb/v1"';
    assert.equal(
      withParamsRecord(`${head}\nfrom(bucket: params.bucket)`, { bucket: 'b' }),
      `${head}\nparams = {bucket: "b"}\nfrom(bucket: params.bucket)`,
    );
  });

  it('skips blank lines and comments between imports, and stops at the first other statement', () => {
    const head = '// c1\n\n// c2\nimport "strings"\n\n// c3\nimport "regexp"';
    const rest = '\n// after\nx = "import \\"array\\""\nimport "array"';
    assert.equal(withParamsRecord(head + rest, { a: 1 }), `${head}\nparams = {a: 1}${rest}`);
  });

  it('reads an escaped quote inside an import path as part of the path', () => {
    const head = 'import "a\\"b"';
    assert.equal(withParamsRecord(`${head} x`, { a: 1 }), `${head}\nparams = {a: 1} x`);
  });

  it('puts the record first when the text before the Flux is only a comment', () => {
    assert.equal(withParamsRecord('// only\nx = 1', { a: 1 }), 'params = {a: 1}\n// only\nx = 1');
  });
});
