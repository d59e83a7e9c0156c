/**
 * A mistake on the command line (an unknown option, a bad value, a missing setting): the command prints
 * the message with a pointer to `--help` and exits with code 2. Exit code 1 stays for failures at run time.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE_EXIT_CODE = 2;
