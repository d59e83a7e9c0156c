/** The kinds of option values the commands take, each with its check and its help placeholder. */
import type { Option } from './option';
import { didYouMean } from './nearest';
import { UsageError } from './usage-error';

type Described = Pick<Option<unknown>, 'help' | 'env' | 'group' | 'short' | 'shownDefault'>;

/** A TCP port, 0–65535 (0: any free port). */
export function portOption(fallback: number, described: Described): Option<number> {
  return {
    ...described,
    type: 'string',
    metavar: 'PORT',
    shownDefault: String(fallback),
    read: (raw, source) => (raw === undefined ? fallback : wholeNumber(raw, source, 65535, 'between 0 and 65535')),
  };
}

/** A whole number, 0 or more; undefined when not given (the default is the consumer's). */
export function countOption(shownDefault: string, described: Described): Option<number | undefined> {
  return {
    ...described,
    type: 'string',
    metavar: 'N',
    shownDefault,
    read: (raw, source) =>
      raw === undefined ? undefined : wholeNumber(raw, source, Number.MAX_SAFE_INTEGER, '0 or more'),
  };
}

/** Free text with a default. */
export function textOption(fallback: string, metavar: string, described: Described): Option<string> {
  return {
    ...described,
    type: 'string',
    metavar,
    shownDefault: described.shownDefault ?? (fallback === '' ? undefined : fallback),
    read: (raw) => raw ?? fallback,
  };
}

/** Free text, undefined when not given. */
export function optionalText(metavar: string, described: Described): Option<string | undefined> {
  return { ...described, type: 'string', metavar, read: (raw) => raw };
}

/** A switch: true when given. */
export function switchOption(described: Described): Option<boolean> {
  return { ...described, type: 'boolean', read: (raw) => raw !== undefined };
}

/** One of a few words, or undefined when not given. */
export function choiceOption<C extends string>(choices: readonly C[], described: Described): Option<C | undefined> {
  return {
    ...described,
    type: 'string',
    metavar: choices.join('|'),
    read: (raw, source) => {
      if (raw === undefined) return undefined;
      const found = choices.find((c) => c === raw);
      if (found !== undefined) return found;
      throw new UsageError(
        `${source} must be ${choices.join(' or ')}, not ${JSON.stringify(raw)}${didYouMean(raw, choices)}`,
      );
    },
  };
}

/** Any value, checked and converted by `convert` (which throws a UsageError); undefined when not given. */
export function customOption<T>(
  metavar: string,
  described: Described,
  convert: (raw: string, source: string) => T,
): Option<T | undefined> {
  return {
    ...described,
    type: 'string',
    metavar,
    read: (raw, source) => (raw === undefined ? undefined : convert(raw, source)),
  };
}

function wholeNumber(raw: string, source: string, max: number, range: string): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value > max) {
    throw new UsageError(`${source} must be a whole number ${range}, not ${JSON.stringify(raw)}`);
  }
  return value;
}
