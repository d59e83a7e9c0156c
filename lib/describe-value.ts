/**
 * A value a user gave, as an error message shows it: short (a huge text would make a huge message) and
 * never throwing (`String()` throws for an object without a prototype, `JSON.stringify` for a bigint or
 * a cycle), so that describing bad input cannot itself become the error.
 */

/** Texts are cut after this many characters in messages. */
export const SHOWN_LENGTH = 60;

/** `"text"` (clipped), `42`, `12n`, `true`, `null`, `undefined`, `an array`, `a Date`, `an object`... */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(clip(value));
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`.length > SHOWN_LENGTH ? 'a bigint' : `${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  return 'an object';
}

/** The text itself, cut to `max` characters with `…` (never in the middle of a surrogate pair). */
export function clip(text: string, max = SHOWN_LENGTH): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}
