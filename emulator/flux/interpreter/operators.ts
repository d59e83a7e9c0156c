/**
 * Binary and unary operators with Flux's rules (FLUX values/binary.go): a null operand gives null,
 * arithmetic needs both operands of one type, comparisons may mix int/uint/float, `^` gives a float.
 */
import { FluxError } from './errors';
import { addDuration, addDurations, negate } from './time';
import { bool, duration, float, int, NULL, str, time, typeName, uint, Value } from './values';

export function binaryOperation(operator: string, l: Value, r: Value): Value {
  if (l.type === 'null' || r.type === 'null') return NULL;
  switch (operator) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
      return arithmetic(operator, l, r);
    case '==':
      return equality(l, r, operator);
    case '!=': {
      const eq = equality(l, r, operator);
      return eq.type === 'bool' ? bool(!eq.value) : eq;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const c = compareForOperator(l, r, operator);
      return bool(operator === '<' ? c < 0 : operator === '<=' ? c <= 0 : operator === '>' ? c > 0 : c >= 0);
    }
    case '=~':
    case '!~': {
      if (l.type !== 'string' || r.type !== 'regexp') throw unsupported(l, operator, r);
      const matches = r.value.test(l.value);
      return bool(operator === '=~' ? matches : !matches);
    }
    default:
      throw new FluxError(`unsupported operator ${operator}`);
  }
}

function arithmetic(operator: string, l: Value, r: Value): Value {
  if (l.type === 'int' && r.type === 'int') return intArithmetic(operator, l.value, r.value, int);
  if (l.type === 'uint' && r.type === 'uint') return intArithmetic(operator, l.value, r.value, uint);
  if (l.type === 'float' && r.type === 'float') {
    const a = l.value;
    const b = r.value;
    switch (operator) {
      case '+':
        return float(a + b);
      case '-':
        return float(a - b);
      case '*':
        return float(a * b);
      case '/':
        return float(a / b);
      case '%':
        return float(a % b);
      case '^':
        return float(Math.pow(a, b));
    }
  }
  if (operator === '+' && l.type === 'string' && r.type === 'string') return str(l.value + r.value);
  if (l.type === 'duration' && r.type === 'duration') {
    if (operator === '+') return duration(addDurations(l.value, r.value));
    if (operator === '-') return duration(addDurations(l.value, negate(r.value)));
  }
  // Not in Flux (which has date.add for this), but harmless and handy in range(start: now() - 1h).
  if (l.type === 'time' && r.type === 'duration') {
    if (operator === '+') return time(addDuration(l.value, r.value));
    if (operator === '-') return time(addDuration(l.value, r.value, -1n));
  }
  throw unsupported(l, operator, r);
}

function intArithmetic(operator: string, a: bigint, b: bigint, make: (v: bigint) => Value): Value {
  switch (operator) {
    case '+':
      return make(a + b);
    case '-':
      return make(a - b);
    case '*':
      return make(a * b);
    case '/':
      if (b === 0n) throw new FluxError('cannot divide by zero');
      return make(a / b);
    case '%':
      if (b === 0n) throw new FluxError('cannot mod zero');
      return make(a % b);
    default:
      return float(Math.pow(Number(a), Number(b)));
  }
}

function equality(l: Value, r: Value, operator: string): Value {
  if (isNumeric(l) && isNumeric(r)) return bool(compareNumbers(l, r) === 0);
  if (l.type !== r.type) throw unsupported(l, operator, r);
  switch (l.type) {
    case 'string':
    case 'bool':
    case 'time':
      return bool(l.value === (r as typeof l).value);
    case 'duration': {
      const b = (r as typeof l).value;
      return bool(l.value.months === b.months && l.value.nanoseconds === b.nanoseconds);
    }
    case 'regexp':
      return bool(l.source === (r as typeof l).source);
    case 'array':
    case 'record':
      return bool(deepEqual(l, r));
    default:
      throw unsupported(l, operator, r);
  }
}

function deepEqual(a: Value, b: Value): boolean {
  if (a.type === 'null' || b.type === 'null') return a.type === b.type;
  if (a.type === 'array' && b.type === 'array') {
    return a.value.length === b.value.length && a.value.every((v, i) => deepEqual(v, b.value[i]));
  }
  if (a.type === 'record' && b.type === 'record') {
    if (a.value.size !== b.value.size) return false;
    for (const [k, v] of a.value) {
      const w = b.value.get(k);
      if (!w || !deepEqual(v, w)) return false;
    }
    return true;
  }
  const eq = equality(a, b, '==');
  return eq.type === 'bool' && eq.value;
}

function compareForOperator(l: Value, r: Value, operator: string): number {
  if (isNumeric(l) && isNumeric(r)) return compareNumbers(l, r);
  if (l.type === 'string' && r.type === 'string') return l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
  if (l.type === 'time' && r.type === 'time') return l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
  if (l.type === 'duration' && r.type === 'duration' && l.value.months === r.value.months) {
    return l.value.nanoseconds < r.value.nanoseconds ? -1 : l.value.nanoseconds > r.value.nanoseconds ? 1 : 0;
  }
  throw unsupported(l, operator, r);
}

type NumericValue = Extract<Value, { type: 'int' | 'uint' | 'float' }>;

function isNumeric(v: Value): v is NumericValue {
  return v.type === 'int' || v.type === 'uint' || v.type === 'float';
}

/** Exact for int/uint pairs; through float64 when a float is involved, as Flux does. */
function compareNumbers(l: NumericValue, r: NumericValue): number {
  if (l.type !== 'float' && r.type !== 'float') return l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
  const a = Number(l.value);
  const b = Number(r.value);
  return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
}

export function unaryOperation(operator: string, v: Value): Value {
  switch (operator) {
    case 'exists':
      return bool(v.type !== 'null');
    case 'not':
      if (v.type === 'null') return NULL;
      if (v.type !== 'bool') throw new FluxError(`operator not expects a bool, got ${typeName(v)}`);
      return bool(!v.value);
    case '-':
      switch (v.type) {
        case 'null':
          return NULL;
        case 'int':
          return int(-v.value);
        case 'float':
          return float(-v.value);
        case 'duration':
          return duration(negate(v.value));
        default:
          throw new FluxError(`operator - cannot be applied to ${typeName(v)}`);
      }
    case '+':
      if (v.type === 'null' || v.type === 'int' || v.type === 'uint' || v.type === 'float' || v.type === 'duration')
        return v;
      throw new FluxError(`operator + cannot be applied to ${typeName(v)}`);
    default:
      throw new FluxError(`unsupported operator ${operator}`);
  }
}

/** Truthiness where Flux wants a bool: null counts as false (a filter drops such rows). */
export function isTrue(v: Value, what: string): boolean {
  if (v.type === 'bool') return v.value;
  if (v.type === 'null') return false;
  throw new FluxError(`${what} must be a bool, got ${typeName(v)}`);
}

function unsupported(l: Value, operator: string, r: Value): FluxError {
  return new FluxError(`unsupported binary expression ${typeName(l)} ${operator} ${typeName(r)}`);
}
