/**
 * The math package's Frexp, Ldexp and Pow give Go's results bit for bit, subnormals included (they share
 * emulator/flux/stdlib/go-math.ts with holtWinters).
 */
import assert from 'node:assert/strict';
import { column, FluxFixture } from './flux-harness';

describe('flux engine: math.frexp, math.ldexp and math.pow as Go computes them', () => {
  let fixture: FluxFixture;
  beforeEach(() => {
    fixture = new FluxFixture();
  });
  afterEach(() => fixture.close());

  const value = async (expression: string): Promise<unknown> => {
    const [t] = await fixture.tables(`import "array"\nimport "math"\narray.from(rows: [{v: ${expression}}])`);
    return column(t, 'v')[0];
  };

  it('splits into a fraction in [0.5, 1) and a power of two, subnormals and negatives too', async () => {
    assert.equal(await value('math.frexp(f: 8.0).frac'), 0.5);
    assert.equal(await value('math.frexp(f: 8.0).exp'), 4n);
    assert.equal(await value('math.frexp(f: -3.0).frac'), -0.75);
    assert.equal(await value('math.frexp(f: math.ldexp(frac: 0.5, exp: -1073)).exp'), -1073n);
  });

  it('puts them back, rounding into the subnormals once', async () => {
    assert.equal(await value('math.ldexp(frac: 0.5, exp: 4)'), 8);
    assert.equal(await value('math.ldexp(frac: 0.75, exp: -1074)'), 5e-324);
    assert.equal(await value('math.ldexp(frac: 0.5, exp: -1075)'), 0);
    assert.equal(await value('math.ldexp(frac: 0.5, exp: 1025)'), Infinity);
  });

  it('raises to whole and half powers', async () => {
    assert.equal(await value('math.pow(x: 2.0, y: 10.0)'), 1024);
    assert.equal(await value('math.pow(x: 0.5, y: 0.5)'), Math.sqrt(0.5));
    assert.equal(await value('math.pow(x: 2.0, y: -2.0)'), 0.25);
    assert.equal(await value('math.pow(x: 2.0, y: 1000.0)'), 2 ** 1000);
    // Exponents past 2^31, whose parity the squaring reads: -1 to an odd and an even power.
    assert.equal(await value('math.pow(x: -1.0, y: 3000000001.0)'), -1);
    assert.equal(await value('math.pow(x: -1.0, y: 3000000000.0)'), 1);
    assert.equal(await value('math.pow(x: 0.5, y: 3000000000.0)'), 0);
  });
});
