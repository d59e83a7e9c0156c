/** The `types` package (FLUX stdlib/types): `isType(v, type)` and `isNumeric(v)`, on the value's own type. */
import { builtin } from '../interpreter/functions';
import type { Value } from '../interpreter/values';
import { bool } from '../interpreter/values';

/** Flux's names for the basic types a value can have (a null has none). */
function fluxType(v: Value): string | undefined {
  switch (v.type) {
    case 'null':
      return undefined;
    case 'regexp':
      return 'regexp';
    case 'array':
    case 'record':
    case 'function':
    case 'stream':
      return undefined;
    default:
      return v.type;
  }
}

export const TYPES = {
  isType: builtin({
    name: 'types.isType',
    params: ['v', 'type'],
    required: ['v', 'type'],
    run(args) {
      return bool(fluxType(args.value('v')) === args.string('type'));
    },
  }),
  isNumeric: builtin({
    name: 'types.isNumeric',
    params: ['v'],
    required: ['v'],
    run(args) {
      const t = fluxType(args.value('v'));
      return bool(t === 'int' || t === 'uint' || t === 'float');
    },
  }),
};
