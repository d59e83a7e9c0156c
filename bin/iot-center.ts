#!/usr/bin/env node
/** The `iot-center` command: start | emulator | bench. */
import { parseArgs } from './args';
import { runEmulatorCommand } from './emulator-command';
import { QUERY_FLAGS_USAGE } from './query-flags';
import { runStartCommand } from './start-command';

const USAGE = `Usage: iot-center <command> [options]

Commands:
  start       Start the emulator (unless INFLUX_URL is set) and Node-RED with the example flows
              --port 1880  --emulator-port 8086  --host 127.0.0.1  --dir .iot-center
              --flow examples/flows.json: the flow deployed when the user dir has none yet
                (examples/dashboard-2.json for the Dashboard 2.0 variant)
              --admin-user NAME with IOT_CENTER_ADMIN_PASSWORD: the editor's login (required with a
                --host other than loopback; the dashboard and HTTP endpoints then ask for it too)
              --allowed-hosts a,b: more host names Node-RED answers to (others are refused)
              INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET: use that InfluxDB, no emulator
              IOT_CENTER_PROVISIONING_KEY: the device API's key (else generated into --dir)
  emulator    Run the InfluxDB 2.x API emulator
              --port 8086  --host 127.0.0.1  --data-dir .iot-center/influxdb (or :memory:)
              ${QUERY_FLAGS_USAGE}
`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  switch (args.command) {
    case 'start':
      return runStartCommand(args);
    case 'emulator':
      return runEmulatorCommand(args);
    case undefined:
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new Error(`unknown command "${args.command}"\n\n${USAGE}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`iot-center: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
