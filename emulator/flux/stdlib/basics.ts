/**
 * Builtins on plain values: `now`, the type conversions, `display`, `length`, `contains`, `die`; and `yield`,
 * which names a result of the script.
 */
import {
  toBoolValue,
  toBytesValue,
  toDurationValue,
  toFloatValue,
  toIntValue,
  toStringValue,
  toTimeValue,
  toUintValue,
} from '../interpreter/convert';
import { displayValue } from '../interpreter/display';
import { FluxError } from '../interpreter/errors';
import { builtin } from '../interpreter/functions';
import { binaryOperation } from '../interpreter/operators';
import type { FluxFunction, Value } from '../interpreter/values';
import { bool, int, str, stream, time, typeName } from '../interpreter/values';

export const now = builtin({
  name: 'now',
  params: [],
  run: (_args, site) => time(site.runtime.context.now),
});

function conversion(name: string, convert: (v: Value) => Value): FluxFunction {
  return builtin({ name, params: ['v'], required: ['v'], run: (args) => convert(args.value('v')) });
}

export const conversions: Record<string, FluxFunction> = {
  float: conversion('float', toFloatValue),
  int: conversion('int', toIntValue),
  uint: conversion('uint', toUintValue),
  string: conversion('string', toStringValue),
  bool: conversion('bool', toBoolValue),
  time: conversion('time', toTimeValue),
  duration: conversion('duration', toDurationValue),
  bytes: conversion('bytes', toBytesValue),
};

export const display = builtin({
  name: 'display',
  params: ['v'],
  required: ['v'],
  run: (args) => str(displayValue(args.value('v'))),
});

export const length = builtin({
  name: 'length',
  // `arr` is Flux's pipe parameter (`(<-arr: [A]) => int`): `length(arr: a)` and `a |> length()` both work.
  params: ['arr'],
  pipe: 'arr',
  run(args) {
    const arr = args.value('arr');
    if (arr.type !== 'array') throw new FluxError(`argument arr must be an array, got ${typeName(arr)}`);
    return int(BigInt(arr.value.length));
  },
});

export const contains = builtin({
  name: 'contains',
  params: ['value', 'set'],
  required: ['value', 'set'],
  run(args) {
    const value = args.value('value');
    const set = args.value('set');
    if (set.type !== 'array') throw new FluxError(`argument set must be an array, got ${typeName(set)}`);
    return bool(
      set.value.some((e) => {
        const eq = binaryOperation('==', value, e);
        return eq.type === 'bool' && eq.value;
      }),
    );
  },
});

export const die = builtin({
  name: 'die',
  params: ['msg'],
  required: ['msg'],
  run(args) {
    throw new FluxError(args.string('msg'));
  },
});

export const yieldResult = builtin({
  name: 'yield',
  params: ['tables', 'name'],
  pipe: 'tables',
  run(args, site) {
    const tables = args.stream('tables');
    site.runtime.addYield(args.string('name', '_result'), tables, site.loc);
    return stream(tables);
  },
});
