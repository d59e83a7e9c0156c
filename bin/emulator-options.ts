/** `iot-center emulator`'s options: one table for parsing, checking, `--help` and hints. */
import { FAULTS_ENV_VAR, parseFaultRules, type FaultRule } from '../emulator/faults/rules';
import type { CommandSpec } from './cli/option';
import { UsageError } from './cli/usage-error';
import { customOption, optionalText, portOption, switchOption, textOption } from './cli/values';
import { INIT_OPTIONS } from './docker-init/options';
import { QUERY_OPTIONS } from './query-flags';

export const EMULATOR_OPTIONS = {
  port: portOption(8086, { help: 'Port to listen on; 0 = a free one (then the JSON line is printed)' }),
  host: textOption('127.0.0.1', 'HOST', { help: 'Address to listen on (0.0.0.0: every interface)' }),
  'data-dir': textOption('.iot-center/influxdb', 'DIR', {
    help: 'Folder of the database, kept between starts; :memory: = a throw-away one',
  }),
  faults: customOption(
    'JSON',
    { help: 'Fault injection rules, a JSON array: [{"status":503,"retryAfter":3}]', env: FAULTS_ENV_VAR },
    faultRules,
  ),
  'print-config': switchOption({
    help: 'Print the JSON line {"url","org","bucket","token"} once listening\n(also done with --port 0)',
    group: 'Connection details for scripts',
  }),
  'config-file': optionalText('FILE', {
    help: 'Write that JSON line to FILE instead (owner-only; replaced when ready)',
  }),
  ...INIT_OPTIONS,
  ...QUERY_OPTIONS,
};

export const EMULATOR_COMMAND: CommandSpec<typeof EMULATOR_OPTIONS> = {
  name: 'emulator',
  summary: 'Run the InfluxDB 2.x API emulator (setup like the influxdb:2 image)',
  description:
    'Runs the InfluxDB 2.x API emulator in the foreground until Ctrl-C. With DOCKER_INFLUXDB_INIT_MODE=setup\n' +
    "(or --init-mode setup) it onboards on the first start of --data-dir like the influxdb:2 image's\n" +
    'automated setup, so a CI file written for the image can run `npx iot-center emulator` instead.',
  options: EMULATOR_OPTIONS,
};

/** Rules that do not parse refuse the start, naming the flag or the variable they came from. */
function faultRules(raw: string, source: string): FaultRule[] {
  if (raw.trim() === '') return [];
  try {
    return parseFaultRules(raw, source);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
