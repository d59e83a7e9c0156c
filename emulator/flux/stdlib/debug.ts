/**
 * The `internal/debug` package (FLUX stdlib/internal/debug): `null(type:)` gives a null of a basic type (the
 * type travels with it into a table column, as Flux's typed null); `pass`, `opaque` and `slurp` return their
 * input (they only defeat planner rules); `sink` reads its input and answers no tables. `getOption` and
 * `feature` are refused by name.
 */
import { nullOf } from '../interpreter/cells';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import type { FluxFunction } from '../interpreter/values';
import { NULL, stream } from '../interpreter/values';
import type { ColumnType } from '../table';

const NULL_TYPES: Record<string, ColumnType> = {
  string: 'string',
  int: 'long',
  uint: 'unsignedLong',
  float: 'double',
  bool: 'boolean',
  time: 'dateTime:RFC3339',
};

const identity = (name: string): FluxFunction =>
  builtin({ name, params: ['tables'], pipe: 'tables', run: (args) => stream(args.stream('tables')) });

export const DEBUG: Record<string, FluxFunction> = {
  null: builtin({
    name: 'null',
    params: ['type'],
    run(args) {
      const type = args.optString('type');
      if (type === undefined) return NULL;
      const column = NULL_TYPES[type];
      if (!column) {
        if (['bytes', 'duration', 'regexp'].includes(type))
          throw new FluxError(`debug.null of type ${type} is not supported by the emulator`);
        throw new FluxError(`${type} is not a basic type`);
      }
      return nullOf(column);
    },
  }),
  pass: identity('pass'),
  opaque: identity('opaque'),
  slurp: identity('slurp'),
  sink: builtin({
    name: 'sink',
    params: ['tables'],
    pipe: 'tables',
    run: (args, site) =>
      stream(args.stream('tables').derive('debug.sink', site.loc, (data) => ({ tables: [], bounds: data.bounds }))),
  }),
};
