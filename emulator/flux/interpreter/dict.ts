/**
 * Flux dictionaries (values/dict.go): immutable maps ordered by key, as Flux's sorted map ranges over them.
 * Keys are ints, uints, floats, strings or times, all of one type (Flux's type check sees to that; here a
 * mix is refused when the dictionary is built); a later entry of an equal key replaces the earlier one.
 */
import { compareStrings } from '../tables/compare';
import { FluxError } from './errors';
import type { DictEntry, Value } from './values';
import { typeName } from './values';

const KEY_TYPES = new Set(['int', 'uint', 'float', 'string', 'time']);

type KeyValue = Extract<Value, { type: 'int' | 'uint' | 'float' | 'string' | 'time' }>;

function checkedKey(key: Value, keyType: string | undefined): KeyValue {
  if (key.type === 'null') throw new FluxError('null value cannot be used as a dictionary key');
  if (!KEY_TYPES.has(key.type))
    throw new FluxError(`a dictionary key must be an int, uint, float, string or time, got ${typeName(key)}`);
  if (keyType !== undefined && key.type !== keyType)
    throw new FluxError(`dictionary keys must all have one type: expected ${keyType} but found ${key.type}`);
  return key as KeyValue;
}

/** Go's comparers of the key's type: plain `<` and `>` (a float NaN therefore equals every key), strings by bytes. */
function compareKeys(a: KeyValue, b: KeyValue): number {
  const x = a.value;
  const y = b.value;
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The position of `key` in `entries`, or where it would go (as `-(index + 1)`). */
function search(entries: DictEntry[], key: KeyValue): number {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareKeys(entries[mid].key as KeyValue, key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

function keyTypeOf(entries: DictEntry[]): string | undefined {
  return entries.length > 0 ? entries[0].key.type : undefined;
}

/** A new dictionary with `key` set to `value`. */
export function dictInsert(entries: DictEntry[], key: Value, value: Value): DictEntry[] {
  const k = checkedKey(key, keyTypeOf(entries));
  const at = search(entries, k);
  const out = entries.slice();
  if (at >= 0) out[at] = { key: k, value };
  else out.splice(-(at + 1), 0, { key: k, value });
  return out;
}

/** The dictionary of these pairs, in order (a repeated key keeps its last value). */
export function makeDict(pairs: DictEntry[]): DictEntry[] {
  let entries: DictEntry[] = [];
  for (const p of pairs) entries = dictInsert(entries, p.key, p.value);
  return entries;
}

/** The value under `key`, or undefined; a null key is never present. */
export function dictGet(entries: DictEntry[], key: Value): Value | undefined {
  if (key.type === 'null') return undefined;
  const at = search(entries, checkedKey(key, keyTypeOf(entries)));
  return at >= 0 ? entries[at].value : undefined;
}

/** A new dictionary without `key` (unchanged when it is absent or null). */
export function dictRemove(entries: DictEntry[], key: Value): DictEntry[] {
  if (key.type === 'null') return entries;
  const at = search(entries, checkedKey(key, keyTypeOf(entries)));
  if (at < 0) return entries;
  const out = entries.slice();
  out.splice(at, 1);
  return out;
}
