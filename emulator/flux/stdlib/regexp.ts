/**
 * The `regexp` package (FLUX stdlib/regexp): compile, quoteMeta, getString, matchRegexpString, findString and
 * replaceAllString (with Go's template expansion: `$1`, `${name}`, `$$`). Patterns are Go RE2 mapped as in
 * interpreter/regexp.ts. findStringIndex and splitRegexp are not provided (Go counts UTF-8 bytes).
 */
import { FluxError } from '../interpreter/errors';
import { Args, builtin } from '../interpreter/functions';
import { compileRegexp } from '../interpreter/regexp';
import { bool, str, typeName } from '../interpreter/values';

function regexpArg(args: Args, name: string): RegExp {
  const v = args.value(name);
  if (v.type !== 'regexp') throw new FluxError(`argument ${name} must be a regexp, got ${typeName(v)}`);
  return v.value;
}

const global = (re: RegExp) => new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);

/** Go's Regexp.Expand: `$name`/`${name}` (longest run of letters, digits, `_`), `$$` for `$`; unknown is empty. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))?/g,
    (whole, all: string | undefined, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      const name = braced ?? bare;
      if (name === undefined) return whole;
      if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
      return m.groups?.[name] ?? '';
    },
  );
}

export const REGEXP = {
  compile: builtin({
    name: 'regexp.compile',
    params: ['v'],
    required: ['v'],
    run(args) {
      const source = args.string('v');
      return { type: 'regexp', value: compileRegexp(source), source };
    },
  }),
  quoteMeta: builtin({
    name: 'regexp.quoteMeta',
    params: ['v'],
    required: ['v'],
    run: (args) => str(args.string('v').replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
  }),
  getString: builtin({
    name: 'regexp.getString',
    params: ['r'],
    required: ['r'],
    run(args) {
      const v = args.value('r');
      if (v.type !== 'regexp') throw new FluxError(`argument r must be a regexp, got ${typeName(v)}`);
      return str(v.source);
    },
  }),
  matchRegexpString: builtin({
    name: 'regexp.matchRegexpString',
    params: ['r', 'v'],
    required: ['r', 'v'],
    run: (args) => bool(new RegExp(regexpArg(args, 'r')).test(args.string('v'))),
  }),
  findString: builtin({
    name: 'regexp.findString',
    params: ['r', 'v'],
    required: ['r', 'v'],
    run: (args) => str(new RegExp(regexpArg(args, 'r')).exec(args.string('v'))?.[0] ?? ''),
  }),
  replaceAllString: builtin({
    name: 'regexp.replaceAllString',
    params: ['r', 'v', 't'],
    required: ['r', 'v', 't'],
    run(args) {
      const re = global(regexpArg(args, 'r'));
      const template = args.string('t');
      return str(
        args.string('v').replace(re, (...m: unknown[]) => {
          const groups = typeof m[m.length - 1] === 'object' ? (m[m.length - 1] as Record<string, string>) : undefined;
          const exec = Object.assign(m.slice(0, typeof groups === 'object' ? -3 : -2) as string[], {
            groups,
          }) as unknown as RegExpExecArray;
          return expand(template, exec);
        }),
      );
    },
  }),
};
