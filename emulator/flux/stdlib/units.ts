/** Duration arguments that must be a fixed, positive length (a `unit:`): months have no fixed length. */
import { FluxError } from '../interpreter/errors';
import { isNegative, isZero } from '../interpreter/time';
import type { Duration } from '../interpreter/values';

export function fixedPositiveNanoseconds(d: Duration, what: string): bigint {
  if (d.months !== 0n || d.infinite || isNegative(d) || isZero(d))
    throw new FluxError(`${what} must be greater than zero and without months`);
  return d.nanoseconds;
}
