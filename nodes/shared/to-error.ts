/**
 * What a node hands to done(err): always an Error with a message a user can read, whatever was thrown
 * (`String(e)` would itself throw for an object without a prototype).
 */
import { describeValue } from '../../lib/describe-value';
import { shortText } from './status';

export function toError(thrown: unknown): Error {
  if (thrown instanceof Error && thrown.message !== '') return thrown;
  if (thrown instanceof Error) return new Error(`${thrown.name || 'Error'} without a message`);
  return new Error(`failed with ${describeValue(thrown)}`);
}

/** A node status line is short; the whole message goes to done(err) and the debug sidebar. */
export function statusText(error: Error): string {
  return shortText(error.message);
}
