/** The common part of Flux's `strings` package (import "strings"), for map and filter functions. */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import type { FluxFunction, Value } from '../interpreter/values';
import { array, bool, int, str, typeName } from '../interpreter/values';

function stringFunction(name: string, params: string[], run: (args: Args) => Value): FluxFunction {
  return builtin({ name: `strings.${name}`, params, required: params, run });
}

const unary = (name: string, f: (v: string) => string) => stringFunction(name, ['v'], (a) => str(f(a.string('v'))));

/** Code points, as Go counts runes. */
const runes = (v: string) => [...v];

function cutsetTrimmer(mode: 'both' | 'left' | 'right') {
  return (v: string, cutset: string) => {
    const cut = new Set(runes(cutset));
    const chars = runes(v);
    let start = 0;
    let end = chars.length;
    if (mode !== 'right') while (start < end && cut.has(chars[start])) start++;
    if (mode !== 'left') while (end > start && cut.has(chars[end - 1])) end--;
    return chars.slice(start, end).join('');
  };
}

export const STRINGS: Record<string, FluxFunction> = {
  toUpper: unary('toUpper', (v) => v.toUpperCase()),
  toLower: unary('toLower', (v) => v.toLowerCase()),
  trimSpace: unary('trimSpace', (v) => v.trim()),
  title: unary('title', (v) => v.replace(/(^|\s)(\S)/g, (_m, space: string, c: string) => space + c.toUpperCase())),
  hasPrefix: stringFunction('hasPrefix', ['v', 'prefix'], (a) => bool(a.string('v').startsWith(a.string('prefix')))),
  hasSuffix: stringFunction('hasSuffix', ['v', 'suffix'], (a) => bool(a.string('v').endsWith(a.string('suffix')))),
  containsStr: stringFunction('containsStr', ['v', 'substr'], (a) => bool(a.string('v').includes(a.string('substr')))),
  trim: stringFunction('trim', ['v', 'cutset'], (a) => str(cutsetTrimmer('both')(a.string('v'), a.string('cutset')))),
  trimLeft: stringFunction('trimLeft', ['v', 'cutset'], (a) =>
    str(cutsetTrimmer('left')(a.string('v'), a.string('cutset'))),
  ),
  trimRight: stringFunction('trimRight', ['v', 'cutset'], (a) =>
    str(cutsetTrimmer('right')(a.string('v'), a.string('cutset'))),
  ),
  trimPrefix: stringFunction('trimPrefix', ['v', 'prefix'], (a) => {
    const v = a.string('v');
    const p = a.string('prefix');
    return str(v.startsWith(p) ? v.slice(p.length) : v);
  }),
  trimSuffix: stringFunction('trimSuffix', ['v', 'suffix'], (a) => {
    const v = a.string('v');
    const s = a.string('suffix');
    return str(s && v.endsWith(s) ? v.slice(0, v.length - s.length) : v);
  }),
  replaceAll: stringFunction('replaceAll', ['v', 't', 'u'], (a) =>
    str(a.string('v').split(a.string('t')).join(a.string('u'))),
  ),
  // Go's strings.Replace: the first i occurrences (all when i < 0). An empty t (insert between every rune) is refused.
  replace: stringFunction('replace', ['v', 't', 'u', 'i'], (a) => {
    const v = a.string('v');
    const t = a.string('t');
    const u = a.string('u');
    const i = a.int('i');
    if (t === '') throw new FluxError('strings.replace with an empty t is not supported by the emulator');
    const parts = v.split(t);
    if (i < 0n || BigInt(parts.length - 1) <= i) return str(parts.join(u));
    const n = Number(i);
    return str(parts.slice(0, n + 1).join(u) + t + parts.slice(n + 1).join(t));
  }),
  repeat: stringFunction('repeat', ['v', 'i'], (a) => {
    const i = a.int('i');
    if (i < 0n) throw new FluxError('strings: negative Repeat count');
    if (BigInt(a.string('v').length) * i > 100_000_000n) throw new FluxError('strings.repeat result is too large');
    return str(a.string('v').repeat(Number(i)));
  }),
  split: stringFunction('split', ['v', 't'], (a) => array(a.string('v').split(a.string('t')).map(str))),
  joinStr: stringFunction('joinStr', ['arr', 'v'], (a) => {
    const arr = a.value('arr');
    if (arr.type !== 'array') throw new FluxError(`argument arr must be an array of strings, got ${typeName(arr)}`);
    return str(arr.value.map((e) => (e.type === 'string' ? e.value : '')).join(a.string('v')));
  }),
  strlen: stringFunction('strlen', ['v'], (a) => int(BigInt(runes(a.string('v')).length))),
  substring: stringFunction('substring', ['v', 'start', 'end'], (a) => {
    const chars = runes(a.string('v'));
    const start = Math.max(0, Number(a.int('start')));
    const end = Math.min(chars.length, Number(a.int('end')));
    return str(start < end ? chars.slice(start, end).join('') : '');
  }),
  // Go's strings.Index counts bytes of UTF-8.
  index: stringFunction('index', ['v', 'substr'], (a) => {
    const v = a.string('v');
    const i = v.indexOf(a.string('substr'));
    return int(BigInt(i < 0 ? -1 : Buffer.byteLength(v.slice(0, i))));
  }),
  countStr: stringFunction('countStr', ['v', 'substr'], (a) => {
    const sub = a.string('substr');
    return int(BigInt(sub === '' ? runes(a.string('v')).length + 1 : a.string('v').split(sub).length - 1));
  }),
};
