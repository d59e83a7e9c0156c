/** A tiny `--name value` / `--flag` parser: the CLI has few options and no dependency is worth it. */
export interface ParsedArgs {
  command: string | undefined;
  options: Map<string, string | true>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const options = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (inline !== undefined) options.set(name, inline);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options.set(name, argv[++i]);
      else options.set(name, true);
    } else if (command === undefined) command = arg;
    else throw new Error(`unexpected argument "${arg}"`);
  }
  return { command, options };
}

export function intOption(options: Map<string, string | true>, name: string, fallback: number): number {
  const raw = options.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`--${name} must be a whole number between 0 and 65535`);
  }
  return value;
}

export function stringOption(options: Map<string, string | true>, name: string, fallback: string): string {
  const raw = options.get(name);
  if (raw === undefined) return fallback;
  if (raw === true) throw new Error(`--${name} needs a value`);
  return raw;
}
