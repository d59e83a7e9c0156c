/**
 * The type of an argument when it is evident without inference: a literal, a negated literal, an interpolated
 * string, a non-empty array of one such type, or a name bound to one of those. Anything else is `undefined`,
 * and the check then assumes nothing about it.
 */
import type { Expression } from '../parser/ast';

export type BasicType = 'int' | 'float' | 'string' | 'bool' | 'duration' | 'time' | 'regexp';

export type EvidentType = BasicType | { array: EvidentType };

/** What a name refers to, as far as the evident type is concerned. */
export type NameTypeLookup = (name: string) => EvidentType | undefined;

export function evidentType(expr: Expression, typeOfName: NameTypeLookup): EvidentType | undefined {
  switch (expr.kind) {
    case 'IntegerLiteral':
      return 'int';
    case 'FloatLiteral':
      return 'float';
    case 'StringLiteral':
    case 'StringExpression':
      return 'string';
    case 'BooleanLiteral':
      return 'bool';
    case 'DurationLiteral':
      return 'duration';
    case 'DateTimeLiteral':
      return 'time';
    case 'RegexpLiteral':
      return 'regexp';
    case 'Identifier':
      return typeOfName(expr.name);
    case 'UnaryExpression': {
      const operand = evidentType(expr.argument, typeOfName);
      if (expr.operator === '-' && (operand === 'int' || operand === 'float' || operand === 'duration')) return operand;
      if (expr.operator === 'not' && operand === 'bool') return 'bool';
      return undefined;
    }
    case 'ArrayExpression': {
      // An empty array's element type is still open, and a mixed one is an error of its own.
      const elements = expr.elements.map((e) => evidentType(e, typeOfName));
      const first = elements[0];
      if (first === undefined || typeof first !== 'string') return undefined;
      return elements.every((e) => e === first) ? { array: first } : undefined;
    }
    default:
      return undefined;
  }
}

export function isBasic(type: EvidentType): type is BasicType {
  return typeof type === 'string';
}
