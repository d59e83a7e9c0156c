/**
 * Flux regular expressions are Go RE2. Most of RE2 is valid JavaScript; this maps the differences
 * users meet (leading `(?i)`-style flags, `(?P<name>`, `\A`, `\z`) and rejects what cannot be mapped.
 * RE2 matches in linear time, so a pattern such as `^(a+)+$` must not backtrack for ever here either:
 * patterns run on V8's linear-time engine (the `l` flag) whenever it can take them.
 */
import v8 from 'node:v8';
import { FluxError } from './errors';
import { spellOutCase } from './regexp-case';

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
  const linear = linearFlag();
  if (linear) {
    // Node 20's linear engine has no `i` flag: the pattern then spells out both cases itself.
    const caseless = flags.includes('i');
    try {
      return new RegExp(caseless ? spellOutCase(source) : source, flags.replace('i', '') + linear);
    } catch {
      // Not for the linear engine (e.g. large counts); the usual engine is tried next.
    }
  }
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new FluxError(`invalid regular expression /${pattern}/: ${e instanceof Error ? e.message : String(e)}`);
  }
}

let linear: 'l' | '' | undefined;

/**
 * `l` once V8's linear-time engine is on (it only makes the `l` flag available; no other regular
 * expression of the process changes), or '' where this V8 has none.
 */
function linearFlag(): 'l' | '' {
  if (linear === undefined) {
    try {
      v8.setFlagsFromString('--enable-experimental-regexp-engine');
      const flag = 'l'; // a variable, as linters do not know the flag
      linear = new RegExp('a', flag).test('a') ? flag : '';
    } catch {
      linear = '';
    }
  }
  return linear;
}
