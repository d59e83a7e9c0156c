import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { HttpError, Point } from '@influxdata/influxdb-client';
import { HealthAPI } from '@influxdata/influxdb-client-apis';
import { FAULTS_ENV_VAR, faultRulesFromCli } from '../../emulator/faults/rules';
import {
  assertHttpError,
  type Onboarded,
  quietClientLogs,
  startOnboarded,
  startTestEmulator,
} from '../support/emulator';

const T0 = 1_700_000_000_000_000_000n;
const REPO_ROOT = path.join(__dirname, '..', '..');

describe('fault injection', () => {
  quietClientLogs();
  let env: Onboarded;
  beforeEach(async () => {
    env = await startOnboarded();
  });
  afterEach(() => env.emulator.close());

  const storedCount = (): number =>
    env.emulator.state.points
      .read({ bucketId: env.bucketID, start: -(2n ** 62n), stop: 2n ** 62n })
      .reduce((n, s) => n + s.times.length, 0);

  /** Writes one point through the client's WriteApi without retries; resolves or rejects with its error. */
  const writeOne = async (value: number): Promise<void> => {
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns', { maxRetries: 0 });
    writeApi.writePoint(new Point('m').floatField('v', value).timestamp(String(T0 + BigInt(value))));
    await writeApi.close();
  };

  const writeOutcomes = async (n: number): Promise<(number | 'ok')[]> => {
    const out: (number | 'ok')[] = [];
    for (let i = 1; i <= n; i++) {
      try {
        await writeOne(i);
        out.push('ok');
      } catch (err) {
        out.push(err instanceof HttpError ? err.statusCode : -1);
      }
    }
    return out;
  };

  const writeRaw = (init: RequestInit = {}) =>
    fetch(`${env.emulator.url}/api/v2/write?org=${env.org}&bucket=${env.bucket}`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}` },
      body: `m v=1 ${T0}`,
      ...init,
    });

  it('is off by default: writes go through and nothing is counted', async () => {
    await writeOne(1);
    assert.equal(storedCount(), 1);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 0, applied: 0 });
  });

  it('throttles writes with 429, Retry-After and an InfluxDB error body, writing nothing', async () => {
    env.emulator.faults.set([{ status: 429, retryAfter: 7 }]);
    const err = await assertHttpError(writeOne(1), 429, 'too many requests');
    assert.equal(err.headers?.['retry-after'], '7');
    assert.equal(err.headers?.['x-platform-error-code'], 'too many requests');
    assert.equal(storedCount(), 0);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 1, applied: 1 });
  });

  it('answers 500 internal error and 503 unavailable with the matching codes', async () => {
    env.emulator.faults.set([{ status: 500, count: 1 }, { status: 503 }]);
    const first = await writeRaw();
    assert.equal(first.status, 500);
    assert.equal(((await first.json()) as { code: string }).code, 'internal error');
    const second = await writeRaw();
    assert.equal(second.status, 503);
    assert.equal(((await second.json()) as { code: string }).code, 'unavailable');
    assert.equal(second.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(storedCount(), 0);
  });

  it('drops the connection without an answer, and writes nothing', async () => {
    env.emulator.faults.set([{ drop: true, count: 1 }]);
    await assert.rejects(writeRaw(), (err: Error) => err instanceof TypeError && /fetch failed/.test(err.message));
    assert.equal(storedCount(), 0);
    const after = await writeRaw();
    assert.equal(after.status, 204);
    assert.equal(storedCount(), 1);
  });

  it('delays a request and then serves it normally', async () => {
    env.emulator.faults.set([{ path: '/health', delayMs: 300 }]);
    const started = Date.now();
    const health = await new HealthAPI(env.influx).getHealth();
    assert.equal(health.status, 'pass');
    assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 1, applied: 1 });
  });

  it('delays the fault answer too when a rule has both', async () => {
    env.emulator.faults.set([{ status: 503, delayMs: 200 }]);
    const started = Date.now();
    const res = await writeRaw();
    assert.equal(res.status, 503);
    assert.ok(Date.now() - started >= 190);
  });

  it('applies to every Nth matching request only', async () => {
    env.emulator.faults.set([{ status: 503, every: 3 }]);
    assert.deepEqual(await writeOutcomes(7), ['ok', 'ok', 503, 'ok', 'ok', 503, 'ok']);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 7, applied: 2 });
    assert.equal(storedCount(), 5);
  });

  it('stops after `count` applications', async () => {
    env.emulator.faults.set([{ status: 429, count: 2 }]);
    assert.deepEqual(await writeOutcomes(4), [429, 429, 'ok', 'ok']);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 2, applied: 2 });
  });

  it('matches only the rule’s path prefix and method', async () => {
    env.emulator.faults.set([{ path: '/api/v2/buckets', method: 'post', status: 503 }]);
    const list = await fetch(`${env.emulator.url}/api/v2/buckets`, {
      headers: { authorization: `Token ${env.token}` },
    });
    assert.equal(list.status, 200);
    const create = await fetch(`${env.emulator.url}/api/v2/buckets`, {
      method: 'POST',
      headers: { authorization: `Token ${env.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orgID: env.orgID, name: 'b2' }),
    });
    assert.equal(create.status, 503);
    assert.equal(env.emulator.state.meta.buckets.list().filter((b) => b.name === 'b2').length, 0);
    await writeOne(1);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 1, applied: 1 });
  });

  it('is set and cleared at runtime: throttle for a while, then stop', async () => {
    env.emulator.faults.set([{ status: 503 }]);
    assert.deepEqual(await writeOutcomes(2), [503, 503]);
    env.emulator.faults.clear();
    assert.deepEqual(await writeOutcomes(2), ['ok', 'ok']);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 2, applied: 2 }, 'stats survive clear()');
    env.emulator.faults.set([{ status: 500 }]);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 0, applied: 0 }, 'set() starts counting again');
  });

  it('lets the client’s retries get through once a 429 burst is over', async () => {
    env.emulator.faults.set([{ status: 429, retryAfter: 1, count: 2 }]);
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns', {
      maxRetries: 3,
      minRetryDelay: 10,
      maxRetryDelay: 20,
      retryJitter: 0,
    });
    writeApi.writePoint(new Point('m').floatField('v', 1).timestamp(String(T0)));
    // The first attempt fails (that rejects flush); the retries are what this test is about.
    await writeApi.flush(true).catch(() => undefined);
    for (let i = 0; i < 50 && storedCount() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await writeApi.close();
    assert.equal(storedCount(), 1);
    assert.deepEqual(env.emulator.faults.stats(), { matched: 2, applied: 2 }, 'a used-up rule takes no more requests');
  });

  it('refuses rules that make no sense, at start and at runtime', async () => {
    await assert.rejects(
      startTestEmulator({ faults: [{ status: 200 }] }),
      /rule 1\.status must be a whole number between 400 and 599/,
    );
    assert.throws(() => env.emulator.faults.set([{ every: 2 }]), /rule 1 does nothing/);
    assert.throws(() => env.emulator.faults.set([{ status: 429, drop: true }]), /cannot both answer a status and drop/);
    assert.throws(
      () => env.emulator.faults.set([{ status: 429, burst: 3 } as unknown as { status: number }]),
      /unknown key "burst"/,
    );
  });
});

describe('fault rules from the command line', () => {
  it('reads --faults, else the env var, and the flag wins', () => {
    const env = { [FAULTS_ENV_VAR]: '[{"status":503}]' };
    assert.deepEqual(faultRulesFromCli(undefined, env), [{ status: 503 }]);
    assert.deepEqual(faultRulesFromCli('[{"status":429,"retryAfter":2}]', env), [{ status: 429, retryAfter: 2 }]);
    assert.deepEqual(faultRulesFromCli(undefined, {}), []);
  });

  it('names the source of JSON that does not parse', () => {
    assert.throws(() => faultRulesFromCli('[{status:429}]', {}), /^Error: --faults is not valid JSON \(/);
    assert.throws(
      () => faultRulesFromCli(undefined, { [FAULTS_ENV_VAR]: '{' }),
      /IOT_CENTER_EMULATOR_FAULTS is not valid JSON/,
    );
    assert.throws(() => faultRulesFromCli('{"status":429}', {}), /--faults: faults must be a JSON array of rules/);
    assert.throws(() => faultRulesFromCli(true, {}), /--faults needs a JSON array/);
  });

  it('`iot-center emulator --faults` warns at start and faults the real server', async () => {
    const cli = await startCli(['--faults', '[{"status":503,"retryAfter":3}]'], {});
    try {
      assert.match(
        cli.firstLines[0] ?? '',
        /^WARNING: fault injection is on \(1 rule\): \[\{"status":503,"retryAfter":3\}\]$/,
      );
      const res = await fetch(`${cli.url}/api/v2/write?org=o&bucket=b`, { method: 'POST', body: 'm v=1' });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '3');
    } finally {
      await cli.stop();
    }
  });

  it(`takes the rules from ${FAULTS_ENV_VAR} when there is no flag`, async () => {
    const cli = await startCli([], { [FAULTS_ENV_VAR]: '[{"path":"/health","status":500}]' });
    try {
      assert.match(cli.firstLines[0] ?? '', /^WARNING: fault injection is on/);
      assert.equal((await fetch(`${cli.url}/health`)).status, 500);
      assert.equal((await fetch(`${cli.url}/ping`)).status, 204);
    } finally {
      await cli.stop();
    }
  });

  it('refuses to start on rules that do not parse, saying why', async () => {
    const result = await runCliToExit(['--faults', '[{"status":429'], {});
    assert.equal(result.code, 2, 'a usage error');
    assert.match(result.stderr, /^iot-center: --faults is not valid JSON \(/);
    assert.equal(result.stdout, '');
  });
});

interface RunningCli {
  url: string;
  firstLines: string[];
  stop(): Promise<void>;
}

function spawnCli(extraArgs: string[], extraEnv: Record<string, string>): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  if (!(FAULTS_ENV_VAR in extraEnv)) delete env[FAULTS_ENV_VAR];
  return spawn(
    process.execPath,
    ['--require', 'tsx/cjs', 'bin/iot-center.ts', 'emulator', '--port', '0', '--data-dir', ':memory:', ...extraArgs],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Starts the CLI and waits for its "listening on <url>" line. */
function startCli(extraArgs: string[], extraEnv: Record<string, string>): Promise<RunningCli> {
  const child = spawnCli(extraArgs, extraEnv);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (!url) return;
      resolve({
        url,
        firstLines: stdout.split('\n'),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${stderr}`)));
  });
}

function runCliToExit(
  extraArgs: string[],
  extraEnv: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(extraArgs, extraEnv);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
