/** Range bounds: `start`/`stop` values (times, durations relative to now, unix seconds) to nanoseconds. */
import { FluxError } from '../interpreter/errors';
import { addDuration, MAX_TIME, MIN_TIME, NS_PER_SECOND } from '../interpreter/time';
import type { Value } from '../interpreter/values';
import { typeName } from '../interpreter/values';
import type { Bounds } from '../stream';

/** A missing stop means now. */
export function resolveRange(start: Value, stop: Value | undefined, now: bigint): Bounds {
  return { start: resolveBound(start, now), stop: stop ? resolveBound(stop, now) : now };
}

function resolveBound(v: Value, now: bigint): bigint {
  switch (v.type) {
    case 'time':
      return v.value;
    case 'duration':
      if (v.value.infinite) return v.value.nanoseconds < 0n ? MIN_TIME : MAX_TIME;
      return addDuration(now, v.value);
    case 'int':
      return v.value * NS_PER_SECOND;
    default:
      throw new FluxError(`range bound must be a time, a duration or an int, got ${typeName(v)}`);
  }
}
