/**
 * A command's arguments through Node's util.parseArgs (strict), its option table supplying the
 * configuration, the checks, the variables read in place of options and the hints on mistakes.
 */
import { parseArgs } from 'node:util';
import { didYouMean } from './nearest';
import type { CommandSpec, OptionTable, OptionValues } from './option';
import { UsageError } from './usage-error';

export type ParsedCommand<T extends OptionTable> = { help: true } | { help: false; values: OptionValues<T> };

interface ParseOptionConfig {
  type: 'string' | 'boolean';
  short?: string;
}

export const HELP_OPTION: ParseOptionConfig = { type: 'boolean', short: 'h' };

export function parseCommand<T extends OptionTable>(
  spec: CommandSpec<T>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedCommand<T> {
  const config = parseConfig(spec.options);
  if (asksForHelp(argv, config)) return { help: true };
  const given = strictParse(argv, config);
  const values: Partial<Record<keyof T, unknown>> = {};
  for (const [name, option] of Object.entries(spec.options) as Array<[keyof T & string, T[keyof T]]>) {
    const fromFlag = given[name];
    const fromEnv = option.env !== undefined && env[option.env] ? env[option.env] : undefined;
    if (fromFlag !== undefined) values[name] = option.read(String(fromFlag), `--${name}`);
    else values[name] = option.read(fromEnv, option.env ?? `--${name}`);
  }
  return { help: false, values: values as OptionValues<T> };
}

export function parseConfig(options: OptionTable): Record<string, ParseOptionConfig> {
  const config: Record<string, ParseOptionConfig> = { help: HELP_OPTION };
  for (const [name, option] of Object.entries(options)) {
    config[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  }
  return config;
}

/** `--help` or `-h` anywhere before `--` wins over everything else on the line, mistakes included. */
function asksForHelp(argv: readonly string[], config: Record<string, ParseOptionConfig>): boolean {
  const { tokens } = parseArgs({
    args: [...argv],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

/**
 * util.parseArgs in strict mode; its refusals are turned into messages that say what to type instead,
 * found from the tokens of a lenient parse of the same arguments.
 */
export function strictParse(
  argv: readonly string[],
  config: Record<string, ParseOptionConfig>,
): Record<string, string | boolean | undefined> {
  const { tokens } = parseArgs({
    args: [...argv],
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
    if (token.kind !== 'option') continue;
    const known = Object.hasOwn(config, token.name) ? config[token.name] : undefined;
    if (!known) throw new UsageError(unknownOption(argv[token.index], token.rawName, config));
    if (known.type === 'boolean' && token.inlineValue) {
      throw new UsageError(`${token.rawName} takes no value (drop "=${token.value ?? ''}")`);
    }
    if (known.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      throw new UsageError(`${token.rawName} needs a value: ${token.rawName} <value> (or ${token.rawName}=<value>)`);
    }
  }
  try {
    return parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function unknownOption(arg: string, rawName: string, config: Record<string, ParseOptionConfig>): string {
  const longNames = Object.keys(config);
  // `-port`: a long option typed with one dash arrives as the short options -p -o -r -t.
  const typed = /^-[^-]/.test(arg) && !arg.includes('=') ? arg : rawName;
  const bare = typed.replace(/^-+/, '').split('=')[0];
  return `unknown option ${typed.split('=')[0]}${didYouMean(bare, longNames, (n) => `--${n}`)}`;
}
