import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FluxTableMetaData, linesToTables, stringToLines } from '@influxdata/influxdb-client';
import { ApiError } from '../../emulator/errors';
import { decodeAnnotatedCsv, parseTime } from '../../emulator/flux/csv/decode';
import { DEFAULT_DIALECT, Dialect } from '../../emulator/flux/csv/dialect';
import { encodeErrorTable, encodeResults, formatFloat, formatTime } from '../../emulator/flux/csv/encode';
import type { Cell, Column, ColumnType, Table } from '../../emulator/flux/table';
import { diffTables } from '../support/compare-tables';

const ALL: Dialect = { header: true, delimiter: ',', annotations: ['datatype', 'group', 'default'] };
const t = (iso: string): bigint => parseTime(iso);
const lines = (...rows: string[]): string => rows.map((r) => r + '\r\n').join('');

function table(columns: [string, ColumnType][], keyColumns: string[], rows: Cell[][], keyValues?: Cell[]): Table {
  const cols: Column[] = columns.map(([label, type]) => ({ label, type }));
  const key = keyValues ?? keyColumns.map((k) => rows[0]?.[cols.findIndex((c) => c.label === k)] ?? null);
  return { columns: cols, keyColumns, keyValues: key, rows };
}

// The reference example: from(bucket) |> range |> filter, two series with the same schema.
const SERIES_COLUMNS: [string, ColumnType][] = [
  ['_start', 'dateTime:RFC3339'],
  ['_stop', 'dateTime:RFC3339'],
  ['_time', 'dateTime:RFC3339'],
  ['_value', 'double'],
  ['_field', 'string'],
  ['_measurement', 'string'],
  ['host', 'string'],
];
const SERIES_KEY = ['_start', '_stop', '_field', '_measurement', 'host'];
function series(field: string, value: number): Table {
  const start = t('2018-05-22T19:00:00Z');
  const stop = t('2018-05-22T20:00:00Z');
  return table(SERIES_COLUMNS, SERIES_KEY, [
    [start, stop, t('2018-05-22T19:53:26Z'), value, field, 'system', 'host.local'],
  ]);
}

describe('annotated CSV encoder', () => {
  it('writes the reference example byte for byte', () => {
    const body = encodeResults([{ name: '_result', tables: [series('load1', 1.83), series('load15', 1.98)] }], {
      header: true,
      delimiter: ',',
      annotations: ['group', 'datatype', 'default'],
    });
    assert.equal(
      body,
      '#group,false,false,true,true,false,false,true,true,true\r\n' +
        '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string\r\n' +
        '#default,_result,,,,,,,,\r\n' +
        ',result,table,_start,_stop,_time,_value,_field,_measurement,host\r\n' +
        ',,0,2018-05-22T19:00:00Z,2018-05-22T20:00:00Z,2018-05-22T19:53:26Z,1.83,load1,system,host.local\r\n' +
        ',,1,2018-05-22T19:00:00Z,2018-05-22T20:00:00Z,2018-05-22T19:53:26Z,1.98,load15,system,host.local\r\n' +
        '\r\n',
    );
  });

  it('writes the annotation rows in the order the dialect asks', () => {
    const body = encodeResults([{ name: '_result', tables: [table([['v', 'long']], [], [[1n]])] }], {
      header: true,
      delimiter: ',',
      annotations: ['default', 'datatype'],
    });
    assert.equal(body, lines('#default,_result,,', '#datatype,string,long,long', ',result,table,v', ',,0,1', ''));
  });

  it('starts a new block after an empty line when the columns change', () => {
    const a = table(
      [
        ['_value', 'double'],
        ['host', 'string'],
      ],
      ['host'],
      [[1.5, 'a']],
    );
    const b = table(
      [
        ['_value', 'long'],
        ['host', 'string'],
      ],
      ['host'],
      [[2n, 'b']],
    );
    const c = table(
      [
        ['_value', 'long'],
        ['host', 'string'],
      ],
      ['host'],
      [[3n, 'c']],
    );
    assert.equal(
      encodeResults([{ name: '_result', tables: [a, b, c] }], ALL),
      lines(
        '#datatype,string,long,double,string',
        '#group,false,false,false,true',
        '#default,_result,,,',
        ',result,table,_value,host',
        ',,0,1.5,a',
        '',
        '#datatype,string,long,long,string',
        '#group,false,false,false,true',
        '#default,_result,,,',
        ',result,table,_value,host',
        ',,1,2,b',
        ',,2,3,c',
        '',
      ),
    );
  });

  it('keeps the block when only the group key changes, as Flux compares labels and types only', () => {
    const a = table(
      [
        ['k', 'string'],
        ['v', 'long'],
      ],
      ['k'],
      [['x', 1n]],
    );
    const b = table(
      [
        ['k', 'string'],
        ['v', 'long'],
      ],
      ['k', 'v'],
      [['y', 2n]],
    );
    assert.equal(
      encodeResults([{ name: 'r', tables: [a, b] }], ALL),
      lines(
        '#datatype,string,long,string,long',
        '#group,false,false,true,false',
        '#default,r,,,',
        ',result,table,k,v',
        ',,0,x,1',
        ',,1,y,2',
        '',
      ),
    );
  });

  it('writes an empty table as its own block whose #default row carries the table id and key values', () => {
    const full = table(
      [
        ['_field', 'string'],
        ['_value', 'double'],
      ],
      ['_field'],
      [['a', 1]],
    );
    const empty = table(
      [
        ['_field', 'string'],
        ['_value', 'double'],
      ],
      ['_field'],
      [],
      ['b'],
    );
    const after = table(
      [
        ['_field', 'string'],
        ['_value', 'double'],
      ],
      ['_field'],
      [['c', 3]],
    );
    assert.equal(
      encodeResults([{ name: '_result', tables: [full, empty, after] }], ALL),
      lines(
        '#datatype,string,long,string,double',
        '#group,false,false,true,false',
        '#default,_result,,,',
        ',result,table,_field,_value',
        ',,0,a,1',
        '',
        '#datatype,string,long,string,double',
        '#group,false,false,true,false',
        '#default,_result,1,b,',
        ',result,table,_field,_value',
        '',
        '#datatype,string,long,string,double',
        '#group,false,false,true,false',
        '#default,_result,,,',
        ',result,table,_field,_value',
        ',,2,c,3',
        '',
      ),
    );
  });

  it('numbers tables from 0 in each result and ends every result with an empty line', () => {
    const one = (v: bigint) => table([['v', 'long']], [], [[v]]);
    assert.equal(
      encodeResults(
        [
          { name: 'a', tables: [one(1n), one(2n)] },
          { name: 'b', tables: [one(3n)] },
        ],
        ALL,
      ),
      lines(
        '#datatype,string,long,long',
        '#group,false,false,false',
        '#default,a,,',
        ',result,table,v',
        ',,0,1',
        ',,1,2',
        '',
        '#datatype,string,long,long',
        '#group,false,false,false',
        '#default,b,,',
        ',result,table,v',
        ',,0,3',
        '',
      ),
    );
  });

  it('writes a result without tables as a lone empty line, and no results as nothing', () => {
    assert.equal(encodeResults([{ name: '_result', tables: [] }], ALL), '\r\n');
    assert.equal(encodeResults([], ALL), '');
  });

  it('puts the result name on every row when no #default row is asked for (plain CSV by default)', () => {
    const body = encodeResults(
      [{ name: '_result', tables: [table([['v', 'boolean']], [], [[true], [false]])] }],
      DEFAULT_DIALECT,
    );
    assert.deepEqual(DEFAULT_DIALECT, { header: true, delimiter: ',', annotations: [] });
    assert.equal(body, lines(',result,table,v', ',_result,0,true', ',_result,0,false', ''));
  });

  it('leaves out the header row when the dialect says header: false', () => {
    const body = encodeResults([{ name: '_result', tables: [table([['v', 'long']], [], [[7n]])] }], {
      ...ALL,
      header: false,
    });
    assert.equal(
      body,
      lines('#datatype,string,long,long', '#group,false,false,false', '#default,_result,,', ',,0,7', ''),
    );
  });

  it('separates fields with the dialect delimiter and quotes fields that contain it', () => {
    const body = encodeResults([{ name: '_result', tables: [table([['s', 'string']], [], [['a;b'], ['a,b']])] }], {
      header: true,
      delimiter: ';',
      annotations: [],
    });
    assert.equal(body, lines(';result;table;s', ';_result;0;"a;b"', ';_result;0;a,b', ''));
  });

  it('writes null cells as empty fields', () => {
    const cols: [string, ColumnType][] = [
      ['t', 'dateTime:RFC3339'],
      ['d', 'double'],
      ['l', 'long'],
      ['b', 'boolean'],
      ['s', 'string'],
    ];
    const body = encodeResults(
      [{ name: '_result', tables: [table(cols, [], [[null, null, null, null, null]])] }],
      DEFAULT_DIALECT,
    );
    assert.equal(body, lines(',result,table,t,d,l,b,s', ',_result,0,,,,,', ''));
  });

  it('quotes a value only when Go encoding/csv would', () => {
    const values = [
      'plain',
      'trailing ',
      'a,b',
      'say "hi"',
      'two\nlines',
      'cr\r\nlf',
      'bare\rcr',
      ' lead',
      '\tlead',
      '\u00a0nbsp',
      '\\.',
      '',
    ];
    const body = encodeResults(
      [
        {
          name: '_result',
          tables: [
            table(
              [['s', 'string']],
              [],
              values.map((v) => [v]),
            ),
          ],
        },
      ],
      DEFAULT_DIALECT,
    );
    assert.equal(
      body,
      ',result,table,s\r\n' +
        ',_result,0,plain\r\n' +
        ',_result,0,trailing \r\n' +
        ',_result,0,"a,b"\r\n' +
        ',_result,0,"say ""hi"""\r\n' +
        ',_result,0,"two\r\nlines"\r\n' +
        ',_result,0,"cr\r\nlf"\r\n' +
        ',_result,0,"barecr"\r\n' +
        ',_result,0," lead"\r\n' +
        ',_result,0,"\tlead"\r\n' +
        ',_result,0,"\u00a0nbsp"\r\n' +
        ',_result,0,"\\."\r\n' +
        ',_result,0,\r\n' +
        '\r\n',
    );
  });

  it('writes unsignedLong and long values exactly, beyond 2^53', () => {
    const body = encodeResults(
      [
        {
          name: '_result',
          tables: [
            table(
              [
                ['u', 'unsignedLong'],
                ['l', 'long'],
              ],
              [],
              [[18446744073709551615n, -9223372036854775808n]],
            ),
          ],
        },
      ],
      DEFAULT_DIALECT,
    );
    assert.equal(body, lines(',result,table,u,l', ',_result,0,18446744073709551615,-9223372036854775808', ''));
  });
});

describe('in-band error table', () => {
  it('writes the requested annotations, the error/reference header and the message', () => {
    assert.equal(
      encodeErrorTable('runtime error @1:1-1:9: boom', ALL),
      lines(
        '#datatype,string,string',
        '#group,true,true',
        '#default,,',
        ',error,reference',
        ',runtime error @1:1-1:9: boom,',
      ),
    );
  });

  it('quotes a message with a comma or a quote, and keeps the header without annotations', () => {
    assert.equal(encodeErrorTable('a, "b"', DEFAULT_DIALECT), lines(',error,reference', ',"a, ""b""",'));
    assert.equal(encodeErrorTable('x', { ...DEFAULT_DIALECT, header: false }), lines(',error,reference', ',x,'));
  });

  it('is read back by the decoder as an error carrying the message, with or without annotations', () => {
    for (const dialect of [ALL, DEFAULT_DIALECT]) {
      const body =
        encodeResults([{ name: '_result', tables: [series('load1', 1)] }], dialect) +
        '\r\n' +
        encodeErrorTable('query failed, sorry', dialect);
      assert.throws(
        () => decodeAnnotatedCsv(body),
        (e: unknown) => e instanceof ApiError && e.message === 'query failed, sorry',
      );
    }
  });
});

describe('formatFloat (Go FormatFloat(v, f, -1, 64))', () => {
  const cases: [number, string][] = [
    [0.1, '0.1'],
    [1.83, '1.83'],
    [100, '100'],
    [-1.5, '-1.5'],
    [0, '0'],
    [-0, '-0'],
    [1e21, '1000000000000000000000'],
    [1e20, '100000000000000000000'],
    [2 ** 63, '9223372036854776000'],
    [1e-7, '0.0000001'],
    [123456789.125, '123456789.125'],
    [0.30000000000000004, '0.30000000000000004'],
    [82.9833984375, '82.9833984375'],
    [5e-324, '0.' + '0'.repeat(323) + '5'],
    [1.7976931348623157e308, '17976931348623157' + '0'.repeat(292)],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [v, text] of cases) {
    it(`writes ${Object.is(v, -0) ? '-0' : v} as ${text.length > 30 ? text.slice(0, 12) + '…' : text}`, () => {
      assert.equal(formatFloat(v), text);
    });
  }

  it('matches JavaScript where JavaScript writes no exponent (1e-6 <= |v| < 1e21)', () => {
    const plain = fc.double({ min: 1e-6, max: 1e21, noNaN: true, maxExcluded: true });
    fc.assert(
      fc.property(plain, fc.boolean(), (v, negative) => formatFloat(negative ? -v : v) === String(negative ? -v : v)),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('reads back to the same double for any finite value', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => Object.is(Number(formatFloat(v)), v)),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('formatTime (RFC3339Nano, UTC)', () => {
  const cases: [bigint, string][] = [
    [0n, '1970-01-01T00:00:00Z'],
    [1527018806000000000n, '2018-05-22T19:53:26Z'],
    [1527018804421470485n, '2018-05-22T19:53:24.421470485Z'],
    [1527018806100000000n, '2018-05-22T19:53:26.1Z'],
    [1527018806000120000n, '2018-05-22T19:53:26.00012Z'],
    [1709164800000000000n, '2024-02-29T00:00:00Z'],
    [-1n, '1969-12-31T23:59:59.999999999Z'],
    [-1_000_000_000n, '1969-12-31T23:59:59Z'],
    [-86_400_000_000_001n, '1969-12-30T23:59:59.999999999Z'],
    [-(2n ** 63n), '1677-09-21T00:12:43.145224192Z'],
    [2n ** 63n - 1n, '2262-04-11T23:47:16.854775807Z'],
  ];
  for (const [ns, text] of cases) {
    it(`writes ${ns} as ${text}`, () => assert.equal(formatTime(ns), text));
  }

  it('agrees with Date.toISOString on whole milliseconds', () => {
    const ms = fc.integer({ min: -9_223_372_036_854, max: 9_223_372_036_854 });
    fc.assert(
      fc.property(ms, (m) => formatTime(BigInt(m) * 1_000_000n) === new Date(m).toISOString().replace(/\.?0*Z$/, 'Z')),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('is undone by parseTime for every int64 nanosecond', () => {
    fc.assert(
      fc.property(fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), (ns) => parseTime(formatTime(ns)) === ns),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('parseTime', () => {
  it('reads a zone offset and converts to UTC', () => {
    assert.equal(parseTime('2018-05-22T21:53:26+02:00'), 1527018806000000000n);
    assert.equal(parseTime('2018-05-22T14:23:26-05:30'), 1527018806000000000n);
  });

  it('reads 1 to 9 fraction digits and truncates more, like Go', () => {
    assert.equal(parseTime('1970-01-01T00:00:00.5Z'), 500_000_000n);
    assert.equal(parseTime('1970-01-01T00:00:00.000000001Z'), 1n);
    assert.equal(parseTime('1970-01-01T00:00:00.0000000019Z'), 1n);
  });

  it('reads times before 1970', () => {
    assert.equal(parseTime('1969-12-31T23:59:59.999999999Z'), -1n);
  });

  it('wraps a time outside int64 nanoseconds around as Flux does (Go UnixNano overflows)', () => {
    // 2^64 - 1 ns after the epoch, the largest uint, is -1 as an int64.
    assert.equal(parseTime('2554-07-21T23:34:33.709551615Z'), -1n);
    assert.equal(parseTime('2262-04-11T23:47:16.854775808Z'), -(2n ** 63n));
    assert.equal(parseTime('1677-09-21T00:12:43.145224191Z'), 2n ** 63n - 1n);
  });

  for (const bad of [
    '2018-05-22',
    '2018-05-22T19:53:26',
    '2018-13-01T00:00:00Z',
    '2019-02-29T00:00:00Z',
    '2018-05-22T24:00:00Z',
    '2018-05-22t19:53:26Z',
    '',
  ]) {
    it(`rejects ${JSON.stringify(bad)} as invalid`, () => {
      assert.throws(
        () => parseTime(bad),
        (e: unknown) => e instanceof ApiError && e.code === 'invalid',
      );
    });
  }
});

interface Vector {
  name: string;
  input: string;
  want: string;
}

function loadVectors(): Vector[] {
  const raw: unknown = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'flux-stdlib-vectors.json'), 'utf8'),
  );
  assert.ok(Array.isArray(raw));
  return raw.map((v: unknown) => {
    assert.ok(typeof v === 'object' && v !== null);
    const { name, input, want } = v as Record<string, unknown>;
    assert.ok(typeof name === 'string' && typeof input === 'string' && typeof want === 'string');
    return { name, input, want };
  });
}

/** Table count and row count of the CSV text, read without the decoder (table ids are distinct per result). */
function countRows(text: string): number {
  return text.split('\n').filter((l) => /^,[^,]*,\d+,/.test(l)).length;
}

describe('annotated CSV decoder', () => {
  const vectors = loadVectors();

  it('has the conformance vectors to read', () => {
    assert.equal(vectors.length, 16);
  });

  for (const vector of vectors) {
    for (const which of ['input', 'want'] as const) {
      it(`reads ${vector.name} ${which} without loss (decode, encode with all annotations, decode)`, () => {
        const text = vector[which];
        const decoded = decodeAnnotatedCsv(text);
        const rows = decoded.flatMap((r) => r.tables).reduce((n, tb) => n + tb.rows.length, 0);
        assert.equal(rows, countRows(text));
        for (const tb of decoded.flatMap((r) => r.tables)) {
          for (const row of tb.rows) assert.equal(row.length, tb.columns.length);
        }
        const again = decodeAnnotatedCsv(encodeResults(decoded, ALL));
        assert.deepEqual(
          again.map((r) => r.name),
          decoded.map((r) => r.name),
        );
        again.forEach((r, k) => assert.deepEqual(diffTables(r.tables, decoded[k].tables), []));
        assert.deepEqual(again, decoded);
      });
    }
  }

  it('types values by #datatype: bigint longs, unsignedLongs and times, number doubles', () => {
    const mean = vectors.find((v) => v.name === 'mean');
    assert.ok(mean);
    const tables = decodeAnnotatedCsv(mean.input).flatMap((r) => r.tables);
    const types = new Set(tables.flatMap((tb) => tb.columns.filter((c) => c.label === '_value').map((c) => c.type)));
    assert.deepEqual([...types].sort(), ['double', 'long', 'unsignedLong']);
    for (const tb of tables) {
      const j = tb.columns.findIndex((c) => c.label === '_value');
      const time = tb.columns.findIndex((c) => c.label === '_time');
      const expected = tb.columns[j].type === 'double' ? 'number' : 'bigint';
      for (const row of tb.rows) {
        assert.equal(typeof row[j], expected);
        assert.equal(typeof row[time], 'bigint');
      }
    }
  });

  it('names results by the #default row (influxFieldsAsCols wants result "0" with two schemas)', () => {
    const vector = vectors.find((v) => v.name === 'influxFieldsAsCols');
    assert.ok(vector);
    const results = decodeAnnotatedCsv(vector.want);
    assert.equal(results.length, 1);
    assert.equal(results[0].name, '0');
    assert.deepEqual(
      results[0].tables.map((tb) => tb.columns.map((c) => c.label)),
      [
        ['_start', '_stop', '_time', '_measurement', 'host', 'used_percent'],
        ['_start', '_stop', '_time', '_measurement', 'host', 'load1', 'load15', 'load5'],
      ],
    );
    assert.deepEqual(results[0].tables[1].keyColumns, ['_start', '_stop', '_measurement', 'host']);
    assert.deepEqual(results[0].tables[1].keyValues, [
      t('2018-05-22T19:53:26Z'),
      t('2018-05-22T19:54:17Z'),
      'system',
      'host.local',
    ]);
  });

  it('splits tables on the table column and keeps each group key from its first row', () => {
    const text = [
      '#datatype,string,long,string,double',
      '#group,false,false,true,false',
      '#default,_result,,,',
      ',result,table,host,v',
      ',,0,a,1',
      ',,0,a,2',
      ',,1,b,3',
    ].join('\n');
    const [result] = decodeAnnotatedCsv(text);
    assert.equal(result.tables.length, 2);
    assert.deepEqual(
      result.tables.map((tb) => [tb.keyValues, tb.rows]),
      [
        [
          ['a'],
          [
            ['a', 1],
            ['a', 2],
          ],
        ],
        [['b'], [['b', 3]]],
      ],
    );
  });

  it('fills an empty field from #default, else with null', () => {
    const text = lines(
      '#datatype,string,long,string,long',
      '#group,false,false,false,false',
      '#default,_result,,dflt,',
      ',result,table,s,l',
      ',,0,,',
      ',,0,x,5',
    );
    const [result] = decodeAnnotatedCsv(text);
    assert.deepEqual(result.tables[0].rows, [
      ['dflt', null],
      ['x', 5n],
    ]);
  });

  it('reads an empty table with its key values from the #default row', () => {
    const text = lines(
      '#datatype,string,long,string,double',
      '#group,false,false,true,false',
      '#default,_result,3,cpu,',
      ',result,table,_field,_value',
      '',
    );
    assert.deepEqual(decodeAnnotatedCsv(text), [
      {
        name: '_result',
        tables: [
          {
            columns: [
              { label: '_field', type: 'string' },
              { label: '_value', type: 'double' },
            ],
            keyColumns: ['_field'],
            keyValues: ['cpu'],
            rows: [],
          },
        ],
      },
    ]);
  });

  it('names a result _result when neither the #default row nor the rows name it', () => {
    const text = lines(
      '#datatype,string,long,long',
      '#group,false,false,false',
      '#default,,,',
      ',result,table,v',
      ',,0,1',
    );
    assert.equal(decodeAnnotatedCsv(text)[0].name, '_result');
  });

  it('reads plain CSV: string columns, result names from the rows, a new result when the name changes', () => {
    const text = lines(',result,table,v', ',a,0,1', ',a,1,2', '', ',result,table,w', ',b,0,x');
    const results = decodeAnnotatedCsv(text);
    assert.deepEqual(
      results.map((r) => [r.name, r.tables.map((tb) => tb.rows)]),
      [
        ['a', [[['1']], [['2']]]],
        ['b', [[['x']]]],
      ],
    );
    assert.deepEqual(results[0].tables[0].columns, [{ label: 'v', type: 'string' }]);
  });

  it('reads dateTime:RFC3339Nano columns as dateTime:RFC3339', () => {
    const text = lines(
      '#datatype,string,long,dateTime:RFC3339Nano',
      '#group,false,false,false',
      '#default,_result,,',
      ',result,table,_time',
      ',,0,2018-05-22T19:53:26.000000001Z',
    );
    const tb = decodeAnnotatedCsv(text)[0].tables[0];
    assert.deepEqual(tb.columns, [{ label: '_time', type: 'dateTime:RFC3339' }]);
    assert.deepEqual(tb.rows, [[1527018806000000001n]]);
  });

  it('reads LF and CRLF line ends alike, and quoted fields spanning lines', () => {
    const rows = [
      '#datatype,string,long,string',
      '#group,false,false,false',
      '#default,_result,,',
      ',result,table,s',
      ',,0,"a,""b""',
      'c"',
    ];
    const lf = decodeAnnotatedCsv(rows.join('\n'));
    const crlf = decodeAnnotatedCsv(rows.join('\r\n') + '\r\n');
    assert.deepEqual(lf, crlf);
    assert.deepEqual(lf[0].tables[0].rows, [['a,"b"\nc']]);
  });

  it('reads back every string the encoder quotes', () => {
    const values = ['a,b', 'say "hi"', 'two\nlines', ' lead', '\\.', '', 'x'];
    const tb = table(
      [['s', 'string']],
      [],
      values.map((v) => [v]),
    );
    const [result] = decodeAnnotatedCsv(encodeResults([{ name: '_result', tables: [tb] }], ALL));
    assert.deepEqual(
      result.tables[0].rows,
      values.map((v) => [v === '' ? null : v]),
    );
  });

  it('reads booleans, doubles and longs the way Go strconv does', () => {
    const text = lines(
      '#datatype,string,long,boolean,double,long,unsignedLong',
      '#group,false,false,false,false,false,false',
      '#default,_result,,,,,',
      ',result,table,b,d,l,u',
      ',,0,True,+Inf,+5,18446744073709551615',
      ',,0,f,-infinity,-9223372036854775808,0',
      ',,0,0,NaN,0,1',
      ',,0,T,1e3,0,1',
    );
    const rows = decodeAnnotatedCsv(text)[0].tables[0].rows;
    assert.deepEqual(rows, [
      [true, Infinity, 5n, 18446744073709551615n],
      [false, -Infinity, -9223372036854775808n, 0n],
      [false, NaN, 0n, 1n],
      [true, 1000, 0n, 1n],
    ]);
  });

  for (const [what, datatype, value] of [
    ['a long out of int64 range', 'long', '9223372036854775808'],
    ['a negative unsignedLong', 'unsignedLong', '-1'],
    ['a double that overflows', 'double', '1e400'],
    ['a word as a boolean', 'boolean', 'yes'],
    ['a time without a zone', 'dateTime:RFC3339', '2018-05-22T19:53:26'],
  ] as const) {
    it(`rejects ${what}, naming the line and column`, () => {
      const text = lines(
        `#datatype,string,long,${datatype}`,
        '#group,false,false,false',
        '#default,_result,,',
        ',result,table,v',
        `,,0,${value}`,
      );
      assert.throws(
        () => decodeAnnotatedCsv(text),
        (e: unknown) =>
          e instanceof ApiError && e.code === 'invalid' && e.message.includes('line 5') && e.message.includes('"v"'),
      );
    });
  }

  it('rejects an unknown datatype and a row with the wrong number of fields', () => {
    const unknown = lines(
      '#datatype,string,long,duration',
      '#group,false,false,false',
      '#default,_result,,',
      ',result,table,v',
      ',,0,1s',
    );
    assert.throws(() => decodeAnnotatedCsv(unknown), /invalid datatype "duration"/);
    const short = lines(
      '#datatype,string,long,long',
      '#group,false,false,false',
      '#default,_result,,',
      ',result,table,v',
      ',,0',
    );
    assert.throws(() => decodeAnnotatedCsv(short), /line 5: wrong number of fields/);
  });
});

describe('diffTables', () => {
  const base = (): Table =>
    table(
      [
        ['_time', 'dateTime:RFC3339'],
        ['_value', 'double'],
        ['host', 'string'],
      ],
      ['host'],
      [
        [1n, 1.5, 'a'],
        [2n, 2.5, 'a'],
      ],
    );
  const other = (): Table =>
    table(
      [
        ['_time', 'dateTime:RFC3339'],
        ['_value', 'double'],
        ['host', 'string'],
      ],
      ['host'],
      [[1n, 9, 'b']],
    );

  it('says nothing for equal tables, reordered columns or reordered tables', () => {
    assert.deepEqual(diffTables([base(), other()], [base(), other()]), []);
    const reordered: Table = table(
      [
        ['host', 'string'],
        ['_value', 'double'],
        ['_time', 'dateTime:RFC3339'],
      ],
      ['host'],
      [
        ['a', 1.5, 1n],
        ['a', 2.5, 2n],
      ],
    );
    assert.deepEqual(diffTables([other(), reordered], [base(), other()]), []);
  });

  it('finds a changed value, naming the row and column', () => {
    const got = base();
    got.rows[1][1] = 2.75;
    const diffs = diffTables([got], [base()]);
    assert.equal(diffs.length, 1);
    assert.match(diffs[0], /row 1: _value got 2\.75, want 2\.5/);
  });

  it('finds a missing column', () => {
    const got = table(
      [
        ['_time', 'dateTime:RFC3339'],
        ['host', 'string'],
      ],
      ['host'],
      [
        [1n, 'a'],
        [2n, 'a'],
      ],
    );
    assert.deepEqual(diffTables([got], [base()]), ['table {host="a"}: missing column _value (double)']);
  });

  it('finds a changed column type', () => {
    const got = table(
      [
        ['_time', 'dateTime:RFC3339'],
        ['_value', 'long'],
        ['host', 'string'],
      ],
      ['host'],
      [
        [1n, 1n, 'a'],
        [2n, 2n, 'a'],
      ],
    );
    assert.deepEqual(diffTables([got], [base()]), ['table {host="a"}: column _value is long, want double']);
  });

  it('finds a different group key', () => {
    const got = base();
    got.keyColumns = ['_value', 'host'];
    got.keyValues = [1.5, 'a'];
    const diffs = diffTables([got], [base()]);
    assert.ok(
      diffs.some((d) => d.includes('group key columns differ: got [_value, host], want [host]')),
      diffs.join('\n'),
    );
  });

  it('finds a missing and an unexpected table', () => {
    assert.deepEqual(diffTables([base()], [base(), other()]), ['missing table {host="b"} (want table 1)']);
    assert.deepEqual(diffTables([base(), other()], [base()]), ['unexpected table {host="b"} (got table 1)']);
  });

  it('finds a different row count', () => {
    const got = base();
    got.rows.pop();
    assert.deepEqual(diffTables([got], [base()]), ['table {host="a"}: 1 rows, want 2']);
  });
});

describe('@influxdata/influxdb-client reads the encoded CSV', () => {
  function parseWithClient(body: string): { tableMeta: FluxTableMetaData; values: string[] }[] {
    const rows: { tableMeta: FluxTableMetaData; values: string[] }[] = [];
    let failure: Error | undefined;
    stringToLines(
      body,
      linesToTables({
        next: (values, tableMeta) => void rows.push({ values, tableMeta }),
        error: (e) => (failure = e),
        complete: () => undefined,
      }),
    );
    if (failure) throw failure;
    return rows;
  }

  it('gets the values, result name and table ids back through toObject', () => {
    const cols: [string, ColumnType][] = [
      ['_time', 'dateTime:RFC3339'],
      ['_value', 'double'],
      ['n', 'long'],
      ['ok', 'boolean'],
      ['note', 'string'],
      ['_field', 'string'],
    ];
    const a = table(cols, ['_field'], [[t('2018-05-22T19:53:26.5Z'), 1.83, 42n, true, 'a, "quoted"\nnote', 'f1']]);
    const b = table(cols, ['_field'], [[t('2018-05-22T19:53:36Z'), -Infinity, -7n, false, null, 'f2']]);
    const c = table(
      [
        ['_field', 'string'],
        ['_value', 'double'],
      ],
      ['_field'],
      [],
      ['f3'],
    );
    const rows = parseWithClient(
      encodeResults(
        [
          { name: '_result', tables: [a, b, c] },
          { name: 'second', tables: [b] },
        ],
        ALL,
      ),
    );
    // The client's own conventions: a null string reads as '' (the column default) and the CRLF that
    // Go's writer puts inside quotes stays as written.
    assert.deepEqual(
      rows.map((r) => r.tableMeta.toObject(r.values)),
      [
        {
          result: '_result',
          table: 0,
          _time: '2018-05-22T19:53:26.5Z',
          _value: 1.83,
          n: 42,
          ok: true,
          note: 'a, "quoted"\r\nnote',
          _field: 'f1',
        },
        {
          result: '_result',
          table: 1,
          _time: '2018-05-22T19:53:36Z',
          _value: -Infinity,
          n: -7,
          ok: false,
          note: '',
          _field: 'f2',
        },
        {
          result: 'second',
          table: 0,
          _time: '2018-05-22T19:53:36Z',
          _value: -Infinity,
          n: -7,
          ok: false,
          note: '',
          _field: 'f2',
        },
      ],
    );
    assert.deepEqual(
      rows[0].tableMeta.columns.filter((col) => col.group).map((col) => col.label),
      ['_field'],
    );
  });

  it('sees the in-band error table as a row with error and reference', () => {
    const body =
      encodeResults([{ name: '_result', tables: [series('load1', 1)] }], ALL) + '\r\n' + encodeErrorTable('boom', ALL);
    const rows = parseWithClient(body);
    assert.deepEqual(rows[rows.length - 1].tableMeta.toObject(rows[rows.length - 1].values), {
      error: 'boom',
      reference: '',
    });
  });
});
