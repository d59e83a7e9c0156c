/**
 * Fault rules: what the emulator does instead of (or before) serving a matching request, so clients'
 * retry, back-off and spool logic can be tested against throttling, outages, slowness and dropped
 * connections. Off unless rules are given; parsed here from the JSON of `--faults` or
 * `IOT_CENTER_EMULATOR_FAULTS`.
 */

export interface FaultRule {
  /** Path prefix the rule matches; default `/api/v2/write`. */
  path?: string;
  /** HTTP method the rule matches (any case); default any. */
  method?: string;
  /** Answer this status with an InfluxDB-style `{code, message}` body instead of handling the request. */
  status?: number;
  /** Seconds, sent as `Retry-After` with `status`. */
  retryAfter?: number;
  /** Wait this long before handling the request (or before the fault answer / the drop). */
  delayMs?: number;
  /** Destroy the socket without any answer. */
  drop?: boolean;
  /** Apply to every Nth matching request (1 = each); default 1. */
  every?: number;
  /** Stop after applying this many times; default unlimited. */
  count?: number;
}

export const DEFAULT_FAULT_PATH = '/api/v2/write';

export const FAULTS_ENV_VAR = 'IOT_CENTER_EMULATOR_FAULTS';

const KNOWN_KEYS = new Set(['path', 'method', 'status', 'retryAfter', 'delayMs', 'drop', 'every', 'count']);

/** Checks rules given in code, so a typo fails at once instead of silently never matching. */
export function validateFaultRules(rules: unknown): FaultRule[] {
  if (!Array.isArray(rules)) throw new Error('faults must be a JSON array of rules');
  return rules.map((rule, i) => validateRule(rule, `rule ${i + 1}`));
}

/** Parses the JSON text of `--faults` / the env var; `source` names it in the error message. */
export function parseFaultRules(text: string, source: string): FaultRule[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return validateFaultRules(value);
  } catch (err) {
    throw new Error(`${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The rules of the command line: the `--faults` flag wins over the env var; neither = no faults. */
export function faultRulesFromCli(flag: string | true | undefined, env: NodeJS.ProcessEnv): FaultRule[] {
  if (flag === true) throw new Error('--faults needs a JSON array of rules');
  if (flag !== undefined) return parseFaultRules(flag, '--faults');
  const fromEnv = env[FAULTS_ENV_VAR];
  if (fromEnv === undefined || fromEnv.trim() === '') return [];
  return parseFaultRules(fromEnv, FAULTS_ENV_VAR);
}

/** One line for the console, so nobody mistakes injected failures for real ones. */
export function describeFaults(rules: FaultRule[]): string {
  return `WARNING: fault injection is on (${rules.length} rule${rules.length === 1 ? '' : 's'}): ${JSON.stringify(rules)}`;
}

function validateRule(rule: unknown, where: string): FaultRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw new Error(`${where} must be an object`);
  const obj = rule as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KNOWN_KEYS.has(key)) throw new Error(`${where} has an unknown key "${key}"`);
  }
  const out: FaultRule = {};
  if (obj.path !== undefined) out.path = stringIn(obj.path, `${where}.path`);
  if (obj.method !== undefined) out.method = stringIn(obj.method, `${where}.method`).toUpperCase();
  if (obj.status !== undefined) out.status = integerIn(obj.status, `${where}.status`, 400, 599);
  if (obj.retryAfter !== undefined) out.retryAfter = integerIn(obj.retryAfter, `${where}.retryAfter`, 0);
  if (obj.delayMs !== undefined) out.delayMs = integerIn(obj.delayMs, `${where}.delayMs`, 0);
  if (obj.drop !== undefined) {
    if (typeof obj.drop !== 'boolean') throw new Error(`${where}.drop must be true or false`);
    out.drop = obj.drop;
  }
  if (obj.every !== undefined) out.every = integerIn(obj.every, `${where}.every`, 1);
  if (obj.count !== undefined) out.count = integerIn(obj.count, `${where}.count`, 1);
  if (out.status === undefined && !out.drop && out.delayMs === undefined)
    throw new Error(`${where} does nothing: give it a status, a delayMs or drop: true`);
  if (out.status !== undefined && out.drop) throw new Error(`${where} cannot both answer a status and drop`);
  if (out.retryAfter !== undefined && out.status === undefined)
    throw new Error(`${where}.retryAfter needs a status to be sent with`);
  return out;
}

function stringIn(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where} must be a non-empty string`);
  return value;
}

function integerIn(value: unknown, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
    throw new Error(`${where} must be a whole number ${range}`);
  }
  return value;
}
