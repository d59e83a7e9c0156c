/** The `--help` text of a command, from its option table. */
import type { CommandSpec, Option, OptionTable } from './option';

const LEFT_MAX = 34;
/** Help text longer than this (with its default) continues on a line of its own. */
const RIGHT_MAX = 72;

export function commandHelp<T extends OptionTable>(program: string, spec: CommandSpec<T>): string {
  const rows: Array<[string, string] | string> = [];
  let group = 'Options';
  rows.push(`${group}:`);
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.group !== undefined && option.group !== group) {
      group = option.group;
      rows.push('', `${group}:`);
    }
    rows.push([optionLeft(name, option), optionRight(option)]);
  }
  rows.push('', 'General:', ['-h, --help', 'Show this help and exit']);
  if (spec.environment?.length) {
    rows.push('', 'Environment:');
    for (const note of spec.environment) rows.push([note.name, note.help]);
  }
  return `Usage: ${program} ${spec.name} [options]\n\n${spec.description}\n\n${table(rows)}`;
}

function optionLeft(name: string, option: Option<unknown>): string {
  const flag = option.short ? `-${option.short}, --${name}` : `--${name}`;
  return option.type === 'boolean' ? flag : `${flag} ${option.metavar ?? 'VALUE'}`;
}

function optionRight(option: Option<unknown>): string {
  const extras = [
    option.shownDefault !== undefined ? `default: ${option.shownDefault}` : '',
    option.env ? `env: ${option.env}` : '',
  ].filter((e) => e !== '');
  if (extras.length === 0) return option.help;
  const note = `(${extras.join('; ')})`;
  const lastLine = option.help.split('\n').pop() ?? '';
  return lastLine.length + note.length < RIGHT_MAX ? `${option.help} ${note}` : `${option.help}\n${note}`;
}

/** Two columns: names, and help lines indented under each other. */
export function table(rows: ReadonlyArray<[string, string] | string>): string {
  const width = Math.min(LEFT_MAX, Math.max(...rows.map((r) => (typeof r === 'string' ? 0 : r[0].length))));
  const pad = ' '.repeat(width + 4);
  return rows
    .map((row) => {
      if (typeof row === 'string') return row;
      const [left, right] = row;
      const lines = right.split('\n');
      const first = left.length > width ? `  ${left}\n${pad}${lines[0]}` : `  ${left.padEnd(width)}  ${lines[0]}`;
      return [first, ...lines.slice(1).map((l) => `${pad}${l}`)].join('\n');
    })
    .join('\n')
    .concat('\n');
}
