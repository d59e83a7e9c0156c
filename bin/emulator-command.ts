/** `iot-center emulator`: runs the InfluxDB 2.x API emulator in the foreground until Ctrl-C. */
import { startEmulator, type RunningEmulator } from '../emulator';
import { describeFaults } from '../emulator/faults/rules';
import type { OptionValues } from './cli/option';
import { connectionLine, removeConnectionFile, writeConnectionFile } from './connection-file';
import { applyInit } from './docker-init/onboard';
import { initSettingsFrom } from './docker-init/settings';
import type { EMULATOR_OPTIONS } from './emulator-options';
import { queryOptionsFrom } from './query-flags';

type EmulatorValues = OptionValues<typeof EMULATOR_OPTIONS>;

export async function runEmulatorCommand(values: EmulatorValues): Promise<void> {
  const { port, host } = values;
  const dataDir = values['data-dir'];
  const faults = values.faults ?? [];
  const configFile = values['config-file'];
  // Checked before anything starts.
  const init = initSettingsFrom(values, (m) => process.stderr.write(`iot-center: ${m}\n`));
  if (configFile !== undefined) removeConnectionFile(configFile);
  const emulator = await startEmulator({ port, host, dataDir, faults, ...queryOptionsFrom(values) });
  stopOnSignals(emulator);
  let outcome;
  try {
    outcome = await applyInit(emulator.url, init);
  } catch (e) {
    await emulator.close();
    throw e;
  }
  if (faults.length > 0) process.stdout.write(`${describeFaults(faults)}\n`);
  if (outcome.note) process.stdout.write(`${outcome.note}\n`);
  process.stdout.write(`InfluxDB 2.x API emulator listening on ${emulator.url} (data: ${dataDir})\n`);
  if (configFile !== undefined) writeConnectionFile(configFile, outcome.connection);
  if (values['print-config'] || (port === 0 && configFile === undefined)) {
    process.stdout.write(`${connectionLine(outcome.connection)}\n`);
  }
}

function stopOnSignals(emulator: RunningEmulator): void {
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
