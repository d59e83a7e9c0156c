/**
 * `csv.from(mode: "raw")`: CSV without annotations is one table of string columns named by the first record, as
 * Flux's decoder reads it with NoAnnotations; any other mode is annotated CSV, as in Flux.
 */
import assert from 'node:assert/strict';
import { column, FluxFixture, keyOf, labels } from './flux-harness';

const raw = (csv: string) => `import "csv"\ncsv.from(csv: ${JSON.stringify(csv)}, mode: "raw")`;

describe('flux engine: csv.from(mode: "raw")', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  it('reads the header and every row as strings, in one table without a group key; an empty field is null', async () => {
    const tables = await fixture.tables(raw('\nname,n,at\na,1,2021-03-12T13:58:59Z\n"b, quoted",,x\n'));
    assert.equal(tables.length, 1);
    const [t] = tables;
    assert.deepEqual(labels(t), ['name', 'n', 'at']);
    assert.deepEqual(keyOf(t), {});
    assert.ok(t.columns.every((c) => c.type === 'string'));
    assert.deepEqual(column(t, 'name'), ['a', 'b, quoted']);
    assert.deepEqual(column(t, 'n'), ['1', null]);
  });

  it('takes annotation-like lines as data, and a header alone as a table without rows', async () => {
    const [t] = await fixture.tables(raw('#datatype,x\n,result\n'));
    assert.deepEqual(labels(t), ['#datatype', 'x']);
    assert.deepEqual(column(t, 'x'), ['result']);
    const [empty] = await fixture.tables(raw('a,b\n'));
    assert.deepEqual([labels(empty), empty.rows.length], [['a', 'b'], 0]);
  });

  it('refuses a row with another number of fields, naming its line', async () => {
    await assert.rejects(fixture.tables(raw('a,b\n1,2\n3\n')), /CSV line 3: wrong number of fields: 1, expected 2/);
  });

  it('answers the error of a header whose second column is "error", as Flux\'s decoder does', async () => {
    await assert.rejects(fixture.tables(raw('a,error\nx,boom\n')), /boom/);
    await assert.rejects(fixture.tables(raw('a,error\n')), /unexpected EOF/);
  });

  it('reads any other mode as annotated CSV, as Flux does', async () => {
    const annotated =
      '#datatype,string,long,double\n#group,false,false,false\n#default,_result,,\n,result,table,v\n,,0,1.5\n';
    const [t] = await fixture.tables(`import "csv"\ncsv.from(csv: ${JSON.stringify(annotated)}, mode: "whatever")`);
    assert.deepEqual(column(t, 'v'), [1.5]);
  });
});
