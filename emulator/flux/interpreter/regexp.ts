/**
 * Flux regular expressions are Go RE2. Most of RE2 is valid JavaScript; this maps the differences
 * users meet (leading `(?i)`-style flags, `(?P<name>`, `\A`, `\z`) and rejects what cannot be mapped.
 */
import { FluxError } from './errors';

export function compileRegexp(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    if (leading[1].includes('U')) throw new FluxError(`regular expression /${pattern}/: flag U is not supported`);
    flags = [...new Set(leading[1])].join('');
    source = source.slice(leading[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new FluxError(`invalid regular expression /${pattern}/: ${e instanceof Error ? e.message : String(e)}`);
  }
}
