import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeAnnotatedCsv } from '../../emulator/flux/csv/decode';
import { parseTime } from '../../emulator/flux/csv/time';
import { diffTables } from '../support/compare-tables';
import { FluxFixture } from './flux-harness';

interface Vector {
  name: string;
  now: string;
  imports: string[];
  input: string;
  pipeline: string;
  want: string;
}

const vectors: Vector[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/flux-stdlib-vectors.json'), 'utf8'),
);

describe('flux engine: Flux stdlib conformance vectors (SQLite store)', () => {
  it('has the 16 vectors of the conformance set', () => {
    assert.equal(vectors.length, 16);
  });

  for (const v of vectors) {
    it(`passes ${v.name}`, async () => {
      const fixture = new FluxFixture();
      try {
        fixture.now = parseTime(v.now);
        fixture.writeCsv(v.input);
        const query = [...v.imports.map((i) => `import "${i}"`), `from(bucket: "test") ${v.pipeline}`].join('\n');
        const got = await fixture.tables(query);
        const want = decodeAnnotatedCsv(v.want).flatMap((r) => r.tables);
        assert.deepEqual(diffTables(got, want), []);
      } finally {
        fixture.close();
      }
    });
  }
});

describe('flux engine: Flux stdlib conformance vectors through csv.from (tables not from storage)', () => {
  for (const v of vectors) {
    it(`passes ${v.name}`, async () => {
      const fixture = new FluxFixture();
      try {
        fixture.now = parseTime(v.now);
        const query = [
          'import "csv"',
          ...v.imports.map((i) => `import "${i}"`),
          `csv.from(csv: ${JSON.stringify(v.input)}) ${v.pipeline}`,
        ].join('\n');
        const got = await fixture.tables(query);
        const want = decodeAnnotatedCsv(v.want).flatMap((r) => r.tables);
        assert.deepEqual(diffTables(got, want), []);
        assert.equal(fixture.reads.length, 0);
      } finally {
        fixture.close();
      }
    });
  }
});
