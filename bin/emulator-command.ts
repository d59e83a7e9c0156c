/** `iot-center emulator`: runs the InfluxDB 2.x API emulator in the foreground until Ctrl-C. */
import { startEmulator } from '../emulator';
import { describeFaults, faultRulesFromCli } from '../emulator/faults/rules';
import { intOption, ParsedArgs, stringOption } from './args';
import { queryOptionsFromCli } from './query-flags';

export async function runEmulatorCommand(args: ParsedArgs): Promise<void> {
  const port = intOption(args.options, 'port', 8086);
  const host = stringOption(args.options, 'host', '127.0.0.1');
  const dataDir = stringOption(args.options, 'data-dir', '.iot-center/influxdb');
  // Parsed before anything starts: rules that do not parse refuse the start.
  const faults = faultRulesFromCli(args.options.get('faults'), process.env);
  const queryOptions = queryOptionsFromCli(args.options);
  const emulator = await startEmulator({ port, host, dataDir, faults, ...queryOptions });
  if (faults.length > 0) process.stdout.write(`${describeFaults(faults)}\n`);
  process.stdout.write(`InfluxDB 2.x API emulator listening on ${emulator.url} (data: ${dataDir})\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
