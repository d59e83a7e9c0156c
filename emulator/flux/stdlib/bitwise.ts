/**
 * The `bitwise` package (FLUX stdlib/bitwise): Go's operators on int64 (s*) and uint64 (u*). A shift by 64 or
 * more gives 0 (or the sign for a signed right shift), as in Go; a negative shift count, which Go refuses at run
 * time, is an error.
 */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import type { FluxFunction } from '../interpreter/values';
import { int, typeName, uint } from '../interpreter/values';

function uintArg(args: Args, name: string): bigint {
  const v = args.value(name);
  if (v.type !== 'uint') throw new FluxError(`argument ${name} must be a uint, got ${typeName(v)}`);
  return v.value;
}

function op(name: string, signed: boolean, params: string[], f: (a: bigint, b: bigint) => bigint): FluxFunction {
  return builtin({
    name: `bitwise.${name}`,
    params,
    required: params,
    run(args) {
      const read = (p: string) => (signed ? args.int(p) : uintArg(args, p));
      const out = f(read(params[0]), params.length > 1 ? read(params[1]) : 0n);
      return signed ? int(out) : uint(out);
    },
  });
}

function shiftCount(b: bigint): bigint {
  if (b < 0n) throw new FluxError(`negative shift amount: ${b}`);
  return b;
}

const AB = ['a', 'b'];

export const BITWISE: Record<string, FluxFunction> = {
  uand: op('uand', false, AB, (a, b) => a & b),
  uor: op('uor', false, AB, (a, b) => a | b),
  uxor: op('uxor', false, AB, (a, b) => a ^ b),
  uclear: op('uclear', false, AB, (a, b) => a & ~b),
  unot: op('unot', false, ['a'], (a) => BigInt.asUintN(64, ~a)),
  ulshift: op('ulshift', false, AB, (a, b) => (b >= 64n ? 0n : BigInt.asUintN(64, a << b))),
  urshift: op('urshift', false, AB, (a, b) => (b >= 64n ? 0n : a >> b)),
  sand: op('sand', true, AB, (a, b) => a & b),
  sor: op('sor', true, AB, (a, b) => a | b),
  sxor: op('sxor', true, AB, (a, b) => a ^ b),
  sclear: op('sclear', true, AB, (a, b) => a & ~b),
  snot: op('snot', true, ['a'], (a) => ~a),
  slshift: op('slshift', true, AB, (a, b) => (shiftCount(b) >= 64n ? 0n : BigInt.asIntN(64, a << b))),
  srshift: op('srshift', true, AB, (a, b) => (shiftCount(b) >= 64n ? (a < 0n ? -1n : 0n) : a >> b)),
};
