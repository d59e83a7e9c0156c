/** Flux's `dict` package (stdlib/dict/dict.go): build a dictionary from a list of pairs, read, insert, remove. */
import { dictGet, dictInsert, dictRemove, makeDict } from '../interpreter/dict';
import { FluxError } from '../interpreter/errors';
import { builtin, type Args } from '../interpreter/functions';
import type { DictEntry, FluxFunction } from '../interpreter/values';
import { dict, typeName } from '../interpreter/values';

function dictArg(args: Args): DictEntry[] {
  const v = args.value('dict');
  if (v.type !== 'dict') throw new FluxError(`argument dict must be a dictionary, got ${typeName(v)}`);
  return v.value;
}

export const DICT: Record<string, FluxFunction> = {
  fromList: builtin({
    name: 'fromList',
    params: ['pairs'],
    required: ['pairs'],
    run(args) {
      const pairs = args.value('pairs');
      if (pairs.type !== 'array')
        throw new FluxError(`argument pairs must be an array of {key, value} records, got ${typeName(pairs)}`);
      return dict(
        makeDict(
          pairs.value.map((p) => {
            if (p.type !== 'record' || !p.value.has('key') || !p.value.has('value'))
              throw new FluxError('argument pairs must be an array of {key, value} records');
            return { key: p.value.get('key'), value: p.value.get('value') } as DictEntry;
          }),
        ),
      );
    },
  }),
  get: builtin({
    name: 'get',
    params: ['dict', 'key', 'default'],
    required: ['dict', 'key', 'default'],
    run: (args) => dictGet(dictArg(args), args.value('key')) ?? args.value('default'),
  }),
  insert: builtin({
    name: 'insert',
    params: ['dict', 'key', 'value'],
    required: ['dict', 'key', 'value'],
    run: (args) => dict(dictInsert(dictArg(args), args.value('key'), args.value('value'))),
  }),
  remove: builtin({
    name: 'remove',
    params: ['dict', 'key'],
    required: ['dict', 'key'],
    run: (args) => dict(dictRemove(dictArg(args), args.value('key'))),
  }),
};
