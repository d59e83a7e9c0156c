/**
 * The emulator process of the benchmarks: what `iot-center emulator` runs (startEmulator, a file-backed data
 * dir, default options), without the CLI's flags. Usage: node --import tsx bench/emulator-main.ts PORT DATA_DIR
 */
import { startEmulator } from '../emulator';

async function main(): Promise<void> {
  const [port, dataDir] = process.argv.slice(2);
  const emulator = await startEmulator({ port: Number(port), host: '127.0.0.1', dataDir });
  process.stdout.write(`InfluxDB 2.x API emulator listening on ${emulator.url}\n`);
  process.on('SIGTERM', () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
