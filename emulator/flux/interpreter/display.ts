/**
 * The text of Flux's `display(v:)`: values/display.go of Flux v0.196. Scalars as Go prints them (strings
 * bare, times with nine fraction digits, floats as Go's %v, bytes as 0x and hex), composites as `{a: 1}`,
 * `[1, 2]`, `[k: v]` (`[:]` when empty); one with more than three members takes a line per member, indented
 * four spaces a level.
 */
import { compareStrings } from '../tables/compare';
import { formatTime } from '../csv/time';
import { FluxError } from './errors';
import { formatDuration } from './time';
import type { Value } from './values';

const INDENT = '    ';
/** Above this many members a composite is laid out on several lines. */
const INLINE_MEMBERS = 3;

export function displayValue(v: Value): string {
  return display(v, 0);
}

function display(v: Value, indent: number): string {
  switch (v.type) {
    case 'null':
      return '<null>';
    case 'string':
      return v.value;
    case 'int':
    case 'uint':
      return v.value.toString();
    case 'float':
      return formatGoFloat(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'time':
      return formatTime(v.value, 'nanoseconds');
    case 'duration':
      // Go's Duration.String writes no units for zero; the `inf` duration has no Go counterpart and keeps its name.
      return formatDuration(v.value) === '0s' ? '0ns' : formatDuration(v.value);
    case 'regexp':
      return v.source;
    case 'stream':
      return '<stream>';
    case 'array':
      return members(
        '[',
        v.value.map((e) => display(e, indent + 1)),
        ']',
        indent,
      );
    case 'record': {
      // Go sorts the labels by their bytes.
      const labels = [...v.value.keys()].sort(compareStrings);
      return members(
        '{',
        labels.map((k) => `${k}: ${display(v.value.get(k) as Value, indent + 1)}`),
        '}',
        indent,
      );
    }
    case 'bytes':
      return '0x' + Buffer.from(v.value).toString('hex');
    case 'dict':
      if (v.value.length === 0) return '[:]';
      // Go writes ", " between entries even where a line break follows (a trailing space), unlike arrays and records.
      return members(
        '[',
        v.value.map((e) => `${display(e.key, indent + 1)}: ${display(e.value, indent + 1)}`),
        ']',
        indent,
        ', ',
      );
    case 'function':
      // Flux prints the function's type (`(v: A) => string`); the emulator keeps no types of values.
      throw new FluxError('display of a function is not supported by the emulator');
  }
}

function members(open: string, items: string[], close: string, indent: number, lineEnd = ','): string {
  if (items.length <= INLINE_MEMBERS) return `${open}${items.join(', ')}${close}`;
  const inner = '\n' + INDENT.repeat(indent + 1);
  return `${open}${inner}${items.join(lineEnd + inner)}\n${INDENT.repeat(indent)}${close}`;
}

/**
 * Go's `fmt.Print` of a float64 (%v, that is strconv's 'g' with the shortest digits): an exponent when it is
 * below -4 or at least 6 (`1e+06`, `1.5e-05`, two exponent digits at least), else plain decimals.
 */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // JS's shortest round-trip digits are Go's; only the layout differs.
  const [mantissa, expText] = Math.abs(v).toExponential().split('e');
  const exp = Number(expText);
  const sign = v < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const digits = mantissa.replace('.', '');
  const pointAt = exp + 1;
  let text: string;
  if (pointAt <= 0) text = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) text = digits + '0'.repeat(pointAt - digits.length);
  else text = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return sign + text;
}
