/**
 * Flux regular expressions are Go's `regexp` package: RE2 syntax, leftmost-first matching, linear time. They
 * run here on re2js, a port of the same engine, so a pattern means what it means in InfluxDB (`(?i)`, `\pL`,
 * `[[:alpha:]]`, `\z`, `(?U)`...) and no pattern can backtrack for ever. Every Flux use of a regular expression
 * (`=~`, `!~`, the `regexp` package) goes through this module; positions are UTF-16 indices inside it.
 */
import { type Matcher, RE2JS, RE2JSException } from 're2js';
import { FluxError } from './errors';

/** A compiled Flux regular expression, with the operations of Go's `*regexp.Regexp` that Flux exposes. */
export class FluxRegexp {
  private constructor(
    /** The pattern as written: what `regexp.getString` and string conversion give back. */
    readonly source: string,
    private readonly re: RE2JS,
  ) {}

  /** Go's `regexp.Compile`: an invalid pattern is refused with Go's own message (`error parsing regexp: ...`). */
  static compile(pattern: string): FluxRegexp {
    try {
      return new FluxRegexp(pattern, RE2JS.compile(pattern));
    } catch (e) {
      if (e instanceof RE2JSException) throw new FluxError(e.message);
      throw e;
    }
  }

  /** Go's `MatchString`: whether the pattern matches anywhere in `s`. */
  test(s: string): boolean {
    return this.re.test(s);
  }

  /** Go's `FindString`: the leftmost match, '' when there is none. */
  findString(s: string): string {
    const m = this.re.matcher(s);
    return m.find() ? (m.group() ?? '') : '';
  }

  /** Go's `FindStringIndex`: where the leftmost match starts and ends in UTF-8 bytes, undefined when none. */
  findStringIndex(s: string): [number, number] | undefined {
    const m = this.re.matcher(s);
    if (!m.find()) return undefined;
    const start = Buffer.byteLength(s.slice(0, m.start()));
    return [start, start + Buffer.byteLength(s.slice(m.start(), m.end()))];
  }

  /** Go's `ReplaceAllString`: every match replaced by `template` with `$1`, `${name}` and `$$` expanded. */
  replaceAllString(s: string, template: string): string {
    let out = '';
    let copied = 0;
    for (const m of this.matches(s)) {
      out += s.slice(copied, m.start()) + this.expand(template, m);
      copied = m.end();
    }
    return out + s.slice(copied);
  }

  /** Go's `Split(s, n)`: the text between matches, at most `n` pieces (all when `n` < 0, none when 0). */
  split(s: string, n: number): string[] {
    if (n === 0) return [];
    if (this.source.length > 0 && s.length === 0) return [''];
    const pieces: string[] = [];
    let begin = 0;
    let end = 0;
    for (const m of this.matches(s, n)) {
      if (n > 0 && pieces.length === n - 1) break;
      end = m.start();
      if (m.end() !== 0) pieces.push(s.slice(begin, end));
      begin = m.end();
    }
    if (end !== s.length) pieces.push(s.slice(begin));
    return pieces;
  }

  /**
   * The successive matches as Go's `allMatches` finds them: an empty match right after the previous match
   * does not count, and the search moves on by a whole character (a surrogate pair is one character).
   * At most `limit` of them when it is positive.
   */
  private *matches(s: string, limit = -1): Generator<Matcher> {
    const m = this.re.matcher(s);
    let previousEnd = -1;
    let found = 0;
    for (let position = 0; position <= s.length && (limit < 0 || found < limit);) {
      if (!m.find(position)) return;
      const [start, end] = [m.start(), m.end()];
      if (end === position) position += characterLength(s, position);
      else position = end;
      if (!(start === end && start === previousEnd)) {
        found++;
        yield m;
      }
      previousEnd = end;
    }
  }

  /** Go's `Regexp.Expand`: `$name`/`${name}` is a group by number or name ('' if none), `$$` is `$`. */
  private expand(template: string, m: Matcher): string {
    const named = this.re.namedGroups();
    return template.replace(TEMPLATE_REFERENCE, (whole, dollar?: string, braced?: string, bare?: string) => {
      if (dollar) return '$';
      const name = braced ?? bare;
      if (name === undefined) return whole; // a `$` that starts no reference stays as it is
      const group =
        /^\d+$/.test(name) && name.length < 9 ? Number(name) : Object.hasOwn(named, name) ? named[name] : undefined;
      return group !== undefined && group <= m.groupCount() ? (m.group(group) ?? '') : '';
    });
  }
}

/** `$$`, `${name}` or `$name`, where a name is the longest run of letters, digits and `_` (as in Go). */
const TEMPLATE_REFERENCE = /\$(?:(\$)|\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))?/gu;

/** Go's `regexp.QuoteMeta`: every metacharacter escaped, so the text matches itself. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function characterLength(s: string, i: number): number {
  const code = s.codePointAt(i);
  return code !== undefined && code > 0xffff ? 2 : 1;
}
