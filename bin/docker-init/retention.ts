/** DOCKER_INFLUXDB_INIT_RETENTION / `--init-retention` as `influx setup --retention` takes it, in seconds. */
import { parseInfluxDuration } from '../cli/duration';
import { UsageError } from '../cli/usage-error';

const NS_PER_SECOND = 1_000_000_000n;
const HOUR = 3600;

export function retentionSeconds(raw: string, source: string): number {
  const hint = 'write e.g. 30d, 72h, 1w2d or 1h30m (units w d h m s), or 0 for infinite';
  let ns: bigint;
  try {
    ns = parseInfluxDuration(raw);
  } catch (e) {
    throw new UsageError(`${source}: failed to parse ${JSON.stringify(raw)}: ${(e as Error).message}; ${hint}`);
  }
  if (ns < 0n) throw new UsageError(`${source}: ${JSON.stringify(raw)} is negative; ${hint}`);
  if (ns % NS_PER_SECOND !== 0n) {
    throw new UsageError(`${source}: retention policy ${JSON.stringify(raw)} is too precise, must be divisible by 1s`);
  }
  const seconds = Number(ns / NS_PER_SECOND);
  // What influxd answers a setup with a shorter one.
  if (seconds > 0 && seconds < HOUR) {
    throw new UsageError(`${source}: retention policy duration must be at least 1h0m0s, not ${JSON.stringify(raw)}`);
  }
  return seconds;
}
