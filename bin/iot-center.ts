#!/usr/bin/env node
/** The `iot-center` command: start | emulator | help, and --help / --version. */
import { commandHelp, table } from './cli/help';
import { didYouMean } from './cli/nearest';
import type { CommandSpec, OptionTable } from './cli/option';
import { parseCommand, strictParse } from './cli/parse-command';
import { USAGE_EXIT_CODE, UsageError } from './cli/usage-error';
import { runEmulatorCommand } from './emulator-command';
import { EMULATOR_COMMAND } from './emulator-options';
import { runStartCommand } from './start-command';
import { START_COMMAND } from './start-options';
import { packageVersion } from './version';

const PROGRAM = 'iot-center';
const COMMANDS: Record<string, CommandSpec<OptionTable>> = { start: START_COMMAND, emulator: EMULATOR_COMMAND };

function usage(): string {
  return (
    `Usage: ${PROGRAM} <command> [options]\n\n` +
    table([
      'Commands:',
      ...Object.values(COMMANDS).map((c): [string, string] => [c.name, c.summary]),
      ['help [command]', 'Show this help, or a command’s options'],
      '',
      'Options:',
      ['-h, --help', 'Show this help and exit'],
      ['-v, --version', 'Print the version and exit'],
    ]) +
    `\nRun "${PROGRAM} <command> --help" for the options of a command.\n`
  );
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined) return print(usage());
  if (first.startsWith('-')) return topLevelOptions(argv);
  if (first === 'help') return print(rest[0] === undefined ? usage() : commandHelp(PROGRAM, commandNamed(rest[0])));
  if (first === 'start') {
    const parsed = parseCommand(START_COMMAND, rest, process.env);
    return parsed.help ? print(commandHelp(PROGRAM, START_COMMAND)) : runStartCommand(parsed.values);
  }
  if (first === 'emulator') {
    const parsed = parseCommand(EMULATOR_COMMAND, rest, process.env);
    return parsed.help ? print(commandHelp(PROGRAM, EMULATOR_COMMAND)) : runEmulatorCommand(parsed.values);
  }
  commandNamed(first);
}

function topLevelOptions(argv: string[]): void {
  const config = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } } as const;
  let values;
  try {
    values = strictParse(argv, config);
  } catch (e) {
    // `iot-center --port 1880`: an option of a command, typed before the command.
    const name = /^unknown option --?([^\s;=]+)/.exec((e as Error).message)?.[1];
    const owner = Object.values(COMMANDS).find((c) => name !== undefined && Object.hasOwn(c.options, name));
    if (owner && name)
      throw new UsageError(`--${name} is an option of a command: ${PROGRAM} ${owner.name} --${name} …`);
    throw e;
  }
  print(values.version ? `${packageVersion()}\n` : usage());
}

function commandNamed(name: string): CommandSpec<OptionTable> {
  if (Object.hasOwn(COMMANDS, name)) return COMMANDS[name];
  throw new UsageError(
    `unknown command ${JSON.stringify(name)}${didYouMean(name, [...Object.keys(COMMANDS), 'help'])}`,
  );
}

function print(text: string): void {
  process.stdout.write(text);
}

/** Where to read about the mistake: the command's help when the command is known. */
function helpHint(argv: string[]): string {
  const command = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? ` ${argv[0]}` : '';
  return `Run "${PROGRAM}${command} --help" for the options.`;
}

const argv = process.argv.slice(2);
main(argv).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UsageError) {
    process.stderr.write(`${PROGRAM}: ${message}\n${helpHint(argv)}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exit(1);
});
