/**
 * README's CI recipe ("**In CI**" under "Use it in your own tests", a GitHub Actions job): its `run:` steps, read
 * from the README itself, run in a temporary copy of docs/own-tests with the packed package installed, so that
 * the recipe cannot rot. Two things differ from a runner, each said where it happens: the install step
 * (`npm ci`) puts the packed tarball and this repository's node_modules in place offline, and the emulator
 * listens on a free port instead of 8086, which may be taken on the machine running the tests.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { REPO_ROOT } from '../support/cli';
import { packedPackage, type PackedPackage } from '../package/support/packed';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  'runs-on': string;
  env: Record<string, string>;
  steps: Step[];
}

const FIXED_PORT = 8086;
const FIXED_URL = `http://127.0.0.1:${FIXED_PORT}`;

/** The YAML block that follows README's "**In CI**" paragraph. */
function readmeRecipe(): Job {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('**In CI**');
  assert.ok(at >= 0, 'README has no "**In CI**" recipe');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, 'no ```yaml block after "**In CI**"');
  const workflow = yaml.load(block[1]) as { jobs: Record<string, Job> };
  const jobs = Object.values(workflow.jobs);
  assert.equal(jobs.length, 1, 'the recipe is one job');
  return jobs[0];
}

/** What `npm ci` gives the project, offline: the packed package, and this repository's modules for the rest. */
function installOffline(project: string, pkg: PackedPackage): void {
  const modules = path.join(project, 'node_modules');
  const ours = path.join(REPO_ROOT, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.cpSync(pkg.dir, path.join(modules, '@iot-center', 'node-red'), { recursive: true });
  for (const entry of fs.readdirSync(ours)) {
    if (entry.startsWith('.') || entry === '@iot-center') continue;
    fs.symlinkSync(path.join(ours, entry), path.join(modules, entry));
  }
  for (const bin of fs.readdirSync(path.join(ours, '.bin'))) {
    const target = fs.readlinkSync(path.join(ours, '.bin', bin));
    fs.symlinkSync(target, path.join(modules, '.bin', bin));
  }
  for (const [bin, file] of Object.entries(pkg.manifest.bin ?? {})) {
    const target = path.join('..', '@iot-center', 'node-red', file);
    fs.chmodSync(path.join(modules, '.bin', target), 0o755);
    fs.symlinkSync(target, path.join(modules, '.bin', bin));
  }
}

interface StepRun {
  code: number | null;
  output: string;
  /** The step's process group, still holding what the step left running in the background. */
  group: number;
}

/** Runs a `run:` script as GitHub's ubuntu runner does (`bash --noprofile --norc -eo pipefail`), until bash exits. */
function runStep(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<StepRun> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  // 'exit', not 'close': a background process of the step keeps the pipes open after bash is gone.
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => setImmediate(() => resolve({ code, output, group: child.pid as number })));
  });
}

describe('README CI recipe (GitHub Actions), run against the packed package', function () {
  this.timeout(300_000);
  const job = readmeRecipe();
  let tmp: string;
  const groups: number[] = [];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-ci-recipe-'));
  });
  after(() => {
    for (const group of groups) {
      try {
        process.kill(-group, 'SIGTERM');
      } catch {
        // the group has already ended
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('checks out, sets up the Node this repository runs on, installs with npm ci, then runs its steps', () => {
    assert.equal(job.steps[0].uses, 'actions/checkout@v4');
    assert.equal(job.steps[1].uses, 'actions/setup-node@v4');
    assert.equal(String(job.steps[1].with?.['node-version']), process.versions.node.split('.')[0]);
    assert.equal(job.steps[2].run?.trim(), 'npm ci');
    assert.ok(job.steps.slice(3).every((s) => s.run !== undefined && s.uses === undefined));
    assert.equal(job.env.DOCKER_INFLUXDB_INIT_MODE, 'setup');
  });

  it('starts the emulator onboarded from the influxdb:2 variables, and the project’s npm test passes against it', async () => {
    const project = path.join(tmp, 'project');
    const runnerTemp = path.join(tmp, 'runner-temp');
    fs.cpSync(path.join(REPO_ROOT, 'docs', 'own-tests'), project, { recursive: true });
    fs.mkdirSync(runnerTemp);
    let url: string | undefined;
    for (const step of job.steps.filter((s) => s.run !== undefined)) {
      const script = step.run as string;
      if (script.trim() === 'npm ci') {
        installOffline(project, packedPackage());
        continue;
      }
      // A free port instead of 8086; the README's own note says to read it from the connection file then.
      const local = script.replace(`--port ${FIXED_PORT}`, '--port 0');
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, url && v === FIXED_URL ? url : String(v)]),
      );
      const env = {
        ...process.env,
        ...job.env,
        ...stepEnv,
        CI: 'true',
        RUNNER_TEMP: runnerTemp,
        npm_config_update_notifier: 'false',
      };
      const run = await runStep(local, project, env);
      groups.push(run.group);
      assert.equal(run.code, 0, `step ${step.name ?? script} failed:\n${run.output}`);
      const connection = path.join(runnerTemp, 'influx.json');
      if (!url && fs.existsSync(connection)) {
        url = (JSON.parse(fs.readFileSync(connection, 'utf8')) as { url: string }).url;
        assert.ok(run.output.includes(url), `the step prints the emulator's URL (${url}):\n${run.output}`);
      }
      if (/npm test/.test(script)) assert.match(run.output, /2 passing/);
    }
    assert.ok(url, 'no step started the emulator');

    // The background emulator was onboarded from DOCKER_INFLUXDB_INIT_*, as the influxdb:2 image is.
    const res = await fetch(`${url}/api/v2/buckets?org=${job.env.DOCKER_INFLUXDB_INIT_ORG}`, {
      headers: { Authorization: `Token ${job.env.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN}` },
    });
    assert.equal(res.status, 200);
    const { buckets } = (await res.json()) as {
      buckets: { name: string; retentionRules: { everySeconds: number }[] }[];
    };
    const bucket = buckets.find((b) => b.name === job.env.DOCKER_INFLUXDB_INIT_BUCKET);
    assert.ok(bucket, `no bucket ${job.env.DOCKER_INFLUXDB_INIT_BUCKET}`);
    const days = /^(\d+)d$/.exec(job.env.DOCKER_INFLUXDB_INIT_RETENTION);
    assert.ok(days, 'the recipe gives the retention in days');
    assert.equal(bucket.retentionRules[0]?.everySeconds, Number(days[1]) * 24 * 3600);
  });
});
