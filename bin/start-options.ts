/** `iot-center start`'s options: one table for parsing, checking, `--help` and hints. */
import { ADMIN_PASSWORD_ENV } from './admin-login';
import type { CommandSpec } from './cli/option';
import { portOption, textOption } from './cli/values';
import { PROVISIONING_KEY_ENV } from './secrets';

export const START_OPTIONS = {
  port: portOption(1880, { help: "Node-RED's port (editor and dashboard)" }),
  'emulator-port': portOption(8086, { help: "The emulator's port (unless INFLUX_URL is set)" }),
  host: textOption('127.0.0.1', 'HOST', {
    help: 'Address both listen on; other than loopback needs --admin-user',
  }),
  dir: textOption('.iot-center', 'DIR', { help: 'Folder of Node-RED, the emulator data, the keys' }),
  flow: textOption('', 'FILE', {
    shownDefault: "the package's examples/flows.json",
    help: 'Flow deployed when the user dir has none yet\n(examples/dashboard-2.json: the Dashboard 2.0 variant)',
  }),
  'admin-user': textOption('', 'NAME', {
    help: `The editor's login, with its password in ${ADMIN_PASSWORD_ENV};\nthe dashboard and HTTP endpoints then ask for it too`,
  }),
  'allowed-hosts': textOption('', 'A,B', { help: 'More host names Node-RED answers to (others are refused)' }),
};

export const START_COMMAND: CommandSpec<typeof START_OPTIONS> = {
  name: 'start',
  summary: 'Start the emulator (unless INFLUX_URL is set) and Node-RED with the example flows',
  description:
    'Starts the InfluxDB 2.x API emulator (onboarded on the first start) and Node-RED with the example\n' +
    'flow, until Ctrl-C stops both. With INFLUX_URL set it uses that InfluxDB instead of the emulator.',
  options: START_OPTIONS,
  environment: [
    { name: 'INFLUX_URL', help: 'An InfluxDB 2.x to use instead of the emulator; then also:' },
    { name: 'INFLUX_TOKEN', help: 'Its token (all access to the org)' },
    { name: 'INFLUX_ORG', help: 'Its organization' },
    { name: 'INFLUX_BUCKET', help: 'Its bucket' },
    { name: ADMIN_PASSWORD_ENV, help: "--admin-user's password (12 characters or more)" },
    { name: PROVISIONING_KEY_ENV, help: "The device API's key (else generated into --dir)" },
  ],
};
