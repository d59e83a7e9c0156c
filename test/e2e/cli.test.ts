/**
 * The `iot-center` command line through the real process: help and version, usage errors (exit 2 with a
 * hint), and `iot-center emulator` set up by the influxdb:2 image's DOCKER_INFLUXDB_INIT_* variables.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { BucketsAPI } from '@influxdata/influxdb-client-apis';
import { EMULATOR_OPTIONS } from '../../bin/emulator-options';
import { START_OPTIONS } from '../../bin/start-options';
import { runCli, REPO_ROOT, type CliProcess } from '../support/cli';

interface Finished {
  code: number | null;
  output: string;
}

async function runToExit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const cli = runCli(args, env);
  const code = await cli.exited();
  return { code, output: cli.output() };
}

/** No DOCKER_INFLUXDB_INIT_* or fault rules from the environment the tests run in. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { IOT_CENTER_EMULATOR_FAULTS: '' };
  for (const name of Object.keys(process.env)) if (name.startsWith('DOCKER_INFLUXDB_INIT_')) env[name] = '';
  return { ...env, ...extra };
}

interface Connection {
  url: string;
  org?: string;
  bucket?: string;
  token?: string;
}

/** Starts `iot-center emulator`, waits for its JSON line and returns it with the process. */
async function startEmulatorCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ cli: CliProcess; conn: Connection }> {
  const cli = runCli(['emulator', ...args], cleanEnv(env));
  try {
    const [line] = await cli.waitFor(/^\{.*\}$/m);
    return { cli, conn: JSON.parse(line) as Connection };
  } catch (e) {
    await stop(cli);
    throw e;
  }
}

async function stop(cli: CliProcess): Promise<void> {
  if (cli.child.exitCode !== null) return;
  cli.child.kill('SIGTERM');
  await cli.exited();
}

const DOCKER_SETUP = {
  DOCKER_INFLUXDB_INIT_MODE: 'setup',
  DOCKER_INFLUXDB_INIT_USERNAME: 'ci-user',
  DOCKER_INFLUXDB_INIT_ORG: 'ci-org',
  DOCKER_INFLUXDB_INIT_BUCKET: 'ci-bucket',
  DOCKER_INFLUXDB_INIT_RETENTION: '1w2d',
  DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: 'ci-admin-token',
};

describe('iot-center command line', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('help and version', () => {
    for (const [command, options] of [
      ['start', START_OPTIONS],
      ['emulator', EMULATOR_OPTIONS],
    ] as const) {
      it(`\`${command} --help\` lists every option and starts nothing`, async () => {
        const dir = path.join(tmp, `${command}-help`);
        const dirFlag = command === 'start' ? '--dir' : '--data-dir';
        const result = await runToExit([command, '--port', '0', dirFlag, dir, '--help'], cleanEnv());
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, new RegExp(`^Usage: iot-center ${command} \\[options\\]`));
        for (const name of Object.keys(options))
          assert.ok(result.output.includes(`--${name}`), `--${name} in the help`);
        assert.doesNotMatch(result.output, /listening on|is running/);
        assert.ok(!fs.existsSync(dir), 'nothing was created');
      });
    }

    it('answers -h and `help <command>` the same way, even after a mistake', async () => {
      const [short, topic, mistaken] = await Promise.all([
        runToExit(['emulator', '-h']),
        runToExit(['help', 'emulator']),
        runToExit(['emulator', '--prot', '1', '-h']),
      ]);
      assert.equal(short.code, 0);
      assert.equal(topic.output, short.output);
      assert.equal(mistaken.output, short.output);
    });

    it('prints the package version with --version', async () => {
      const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };
      for (const flag of ['--version', '-v']) {
        const result = await runToExit([flag]);
        assert.deepEqual(result, { code: 0, output: `${version}\n` });
      }
    });

    it('lists the commands without arguments and with --help', async () => {
      const [bare, help] = await Promise.all([runToExit([]), runToExit(['--help'])]);
      assert.equal(bare.code, 0);
      assert.equal(help.output, bare.output);
      assert.match(bare.output, /^ {2}start\s/m);
      assert.match(bare.output, /^ {2}emulator\s/m);
    });
  });

  describe('usage errors: exit code 2 and a hint', () => {
    const cases: Array<[string[], RegExp]> = [
      [['start', '--prot', '1999'], /^iot-center: unknown option --prot; did you mean --port\?\n/],
      [['emulator', '--data-dri', 'x'], /unknown option --data-dri; did you mean --data-dir\?/],
      [['emulator', '-port', '1'], /unknown option -port; did you mean --port\?/],
      [['strat'], /unknown command "strat"; did you mean start\?/],
      [['--port', '1'], /--port is an option of a command: iot-center start --port/],
      [['start', '--port', '70000'], /--port must be a whole number between 0 and 65535, not "70000"/],
      [['emulator', '--port'], /--port needs a value/],
      [['emulator', '--print-config=yes'], /--print-config takes no value/],
      [['emulator', 'now'], /unexpected argument "now"/],
      [['emulator', '--query-workers', 'two'], /--query-workers must be a whole number 0 or more, not "two"/],
      [['emulator', '--init-retention', '30x'], /--init-retention: failed to parse "30x": duration must be week\(w\)/],
      [['emulator', '--init-retention', '10m'], /retention policy duration must be at least 1h0m0s/],
      [['emulator', '--init-mode', 'stup'], /--init-mode must be setup or upgrade, not "stup"; did you mean setup\?/],
      [['emulator', '--init-mode', 'upgrade'], /"upgrade" migrates InfluxDB 1.x data/],
      [['emulator', '--init-mode', 'setup', '--init-org', 'o'], /missing parameter.*--init-username/],
    ];
    for (const [args, message] of cases) {
      it(`refuses \`${args.join(' ')}\``, async () => {
        const result = await runToExit([...args], cleanEnv());
        assert.equal(result.code, 2, result.output);
        assert.match(result.output, message);
        assert.match(result.output, /Run "iot-center( \w+)? --help" for the options\.\n$/);
      });
    }

    it('checks a variable as its flag, naming the variable', async () => {
      const result = await runToExit(['emulator'], cleanEnv({ DOCKER_INFLUXDB_INIT_RETENTION: 'forever' }));
      assert.equal(result.code, 2);
      assert.match(result.output, /^iot-center: DOCKER_INFLUXDB_INIT_RETENTION: failed to parse "forever"/);
    });

    it('exits 2 when the server refuses a setup value, 1 on a runtime failure', async () => {
      const shortPassword = await runToExit(
        ['emulator', '--port', '0', '--data-dir', ':memory:'],
        cleanEnv({ ...DOCKER_SETUP, DOCKER_INFLUXDB_INIT_PASSWORD: 'short' }),
      );
      assert.equal(shortPassword.code, 2, shortPassword.output);
      assert.match(shortPassword.output, /setup refused: passwords must be between 8 and 72 characters long/);
      const notADir = path.join(tmp, 'file');
      fs.writeFileSync(notADir, '');
      const runtime = await runToExit(['emulator', '--port', '0', '--data-dir', notADir], cleanEnv());
      assert.equal(runtime.code, 1, runtime.output);
      assert.doesNotMatch(runtime.output, /--help/);
    });
  });

  describe('emulator set up like the influxdb:2 image', () => {
    let dataDir: string;
    before(() => {
      dataDir = path.join(tmp, 'docker-data');
    });

    it('onboards from DOCKER_INFLUXDB_INIT_*; the client library writes and queries with the token', async () => {
      const passwordFile = path.join(tmp, 'password');
      fs.writeFileSync(passwordFile, 'ci-password-from-file\n');
      // The _FILE variable wins over the variable, as in the image: a too short password would be refused.
      const env = {
        ...DOCKER_SETUP,
        DOCKER_INFLUXDB_INIT_PASSWORD: 'short',
        DOCKER_INFLUXDB_INIT_PASSWORD_FILE: passwordFile,
      };
      const { cli, conn } = await startEmulatorCli(['--port', '0', '--data-dir', dataDir], env);
      try {
        assert.deepEqual(conn, { url: conn.url, org: 'ci-org', bucket: 'ci-bucket', token: 'ci-admin-token' });
        assert.match(cli.output(), /^set up user ci-user, org ci-org, bucket ci-bucket/m);
        assert.equal((await fetch(`${conn.url}/health`)).status, 200);
        const influx = new InfluxDB({ url: conn.url, token: conn.token });
        const writeApi = influx.getWriteApi('ci-org', 'ci-bucket', 's');
        writeApi.writePoint(new Point('ci').tag('job', 'test').floatField('value', 42).timestamp(new Date()));
        await writeApi.close();
        const rows = await influx
          .getQueryApi('ci-org')
          .collectRows<{ _value: number; job: string }>('from(bucket: "ci-bucket") |> range(start: -1h)');
        assert.deepEqual(
          rows.map((r) => [r.job, r._value]),
          [['test', 42]],
        );
        const bucket = (await new BucketsAPI(influx).getBuckets({ name: 'ci-bucket' })).buckets?.[0];
        assert.deepEqual(
          bucket?.retentionRules.map((r) => r.everySeconds),
          [9 * 24 * 3600],
        );
      } finally {
        await stop(cli);
      }
    });

    it('does not onboard again on the same data dir, and the data and token stay', async () => {
      const env = {
        ...DOCKER_SETUP,
        DOCKER_INFLUXDB_INIT_PASSWORD: 'another-password',
        DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: '',
      };
      const { cli, conn } = await startEmulatorCli(['--port', '0', '--data-dir', dataDir], env);
      try {
        assert.match(cli.output(), /^already set up: the init setup is skipped/m);
        assert.deepEqual(conn, { url: conn.url, org: 'ci-org', bucket: 'ci-bucket' }, 'no token it did not make');
        const rows = await new InfluxDB({ url: conn.url, token: DOCKER_SETUP.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN })
          .getQueryApi('ci-org')
          .collectRows('from(bucket: "ci-bucket") |> range(start: -1h)');
        assert.equal(rows.length, 1);
      } finally {
        await stop(cli);
      }
    });

    it('prints the JSON line on --port 0 with the URL that answers /health, and a generated token', async () => {
      const { cli, conn } = await startEmulatorCli(
        ['--port', '0', '--data-dir', ':memory:', '--init-mode', 'setup', '--init-username', 'u'],
        { DOCKER_INFLUXDB_INIT_PASSWORD: 'password1', DOCKER_INFLUXDB_INIT_ORG: 'o', DOCKER_INFLUXDB_INIT_BUCKET: 'b' },
      );
      try {
        assert.match(conn.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal((await fetch(`${conn.url}/health`)).status, 200);
        assert.ok(conn.token && conn.token.length >= 32, 'the token setup generated');
        const buckets = await new BucketsAPI(new InfluxDB({ url: conn.url, token: conn.token })).getBuckets({
          name: 'b',
        });
        assert.equal(buckets.buckets?.length, 1);
        assert.equal(cli.output().match(/^\{/gm)?.length, 1, 'one JSON line');
      } finally {
        await stop(cli);
      }
    });

    it('writes the line to --config-file instead, owner-only', async () => {
      const file = path.join(tmp, 'emulator.json');
      fs.writeFileSync(file, '{"stale":true}\n');
      const cli = runCli(['emulator', '--port', '0', '--data-dir', ':memory:', '--config-file', file], cleanEnv());
      try {
        await cli.waitFor(/listening on/);
        const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
        const deadline = Date.now() + 10_000;
        while (!read().includes('url') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const conn = JSON.parse(read()) as Connection;
        assert.deepEqual(Object.keys(conn), ['url']);
        assert.equal((await fetch(`${conn.url}/health`)).status, 200);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        assert.doesNotMatch(cli.output(), /^\{/m, 'not on stdout as well');
      } finally {
        await stop(cli);
      }
    });
  });
});
