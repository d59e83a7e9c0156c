/**
 * One table per command describes its options; the same table drives parsing (util.parseArgs), the
 * checking of values, the environment variables read in their place, the `--help` text and the
 * "did you mean" hints.
 */

export interface Option<T> {
  /** A `boolean` option is a switch and takes no value. */
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the help (PORT, DIR, …). */
  metavar?: string;
  help: string;
  /** The default as the help shows it. */
  shownDefault?: string;
  /** Read when the option is not on the command line; an empty variable counts as unset. */
  env?: string;
  /** Heading the help lists the option under (the previous option's when absent). */
  group?: string;
  /**
   * The value from the text given (undefined when neither the option nor its variable is set); throws a
   * UsageError for text it refuses. `source` names where the text came from: `--port` or a variable.
   */
  read(raw: string | undefined, source: string): T;
}

export type OptionTable = Record<string, Option<unknown>>;

export type OptionValues<T extends OptionTable> = { [K in keyof T]: ReturnType<T[K]['read']> };

export interface EnvironmentNote {
  name: string;
  help: string;
}

export interface CommandSpec<T extends OptionTable> {
  name: string;
  /** One line for `iot-center --help`. */
  summary: string;
  /** A paragraph at the top of the command's help. */
  description: string;
  options: T;
  /** Variables the command reads that are not in place of an option. */
  environment?: readonly EnvironmentNote[];
}
