/**
 * The `regexp` package (FLUX stdlib/regexp): compile, quoteMeta, getString, matchRegexpString, findString,
 * findStringIndex (UTF-8 byte offsets, as Go), replaceAllString (Go's template expansion: `$1`, `${name}`, `$$`)
 * and splitRegexp. The matching itself is Go's, in interpreter/regexp.ts.
 */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import { FluxRegexp, quoteMeta } from '../interpreter/regexp';
import { array, bool, int, str, typeName } from '../interpreter/values';

function regexpArg(args: Args, name: string): FluxRegexp {
  const v = args.value(name);
  if (v.type !== 'regexp') throw new FluxError(`argument ${name} must be a regexp, got ${typeName(v)}`);
  return v.value;
}

export const REGEXP = {
  compile: builtin({
    name: 'regexp.compile',
    params: ['v'],
    required: ['v'],
    run(args) {
      const source = args.string('v');
      return { type: 'regexp', value: FluxRegexp.compile(source), source };
    },
  }),
  quoteMeta: builtin({
    name: 'regexp.quoteMeta',
    params: ['v'],
    required: ['v'],
    run: (args) => str(quoteMeta(args.string('v'))),
  }),
  getString: builtin({
    name: 'regexp.getString',
    params: ['r'],
    required: ['r'],
    run: (args) => str(regexpArg(args, 'r').source),
  }),
  matchRegexpString: builtin({
    name: 'regexp.matchRegexpString',
    params: ['r', 'v'],
    required: ['r', 'v'],
    run: (args) => bool(regexpArg(args, 'r').test(args.string('v'))),
  }),
  findString: builtin({
    name: 'regexp.findString',
    params: ['r', 'v'],
    required: ['r', 'v'],
    run: (args) => str(regexpArg(args, 'r').findString(args.string('v'))),
  }),
  findStringIndex: builtin({
    name: 'regexp.findStringIndex',
    params: ['r', 'v'],
    required: ['r', 'v'],
    run(args) {
      const span = regexpArg(args, 'r').findStringIndex(args.string('v'));
      return array(span ? span.map((offset) => int(BigInt(offset))) : []);
    },
  }),
  replaceAllString: builtin({
    name: 'regexp.replaceAllString',
    params: ['r', 'v', 't'],
    required: ['r', 'v', 't'],
    run: (args) => str(regexpArg(args, 'r').replaceAllString(args.string('v'), args.string('t'))),
  }),
  splitRegexp: builtin({
    name: 'regexp.splitRegexp',
    params: ['r', 'v', 'i'],
    required: ['r', 'v', 'i'],
    run(args) {
      // Go converts the int64 to int; a count beyond the pieces there are is the same as "all".
      const limit = args.int('i');
      const n = limit > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(limit);
      return array(
        regexpArg(args, 'r')
          .split(args.string('v'), n)
          .map((piece) => str(piece)),
      );
    },
  }),
};
