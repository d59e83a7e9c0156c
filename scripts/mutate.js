// `npm run mutate`: mutation testing (StrykerJS) of the modules that guard data and access, each target
// against the tests that concern it (so a run takes minutes, not hours). Shared settings are in
// stryker.config.json; reports go to reports/mutation/<target>.html and .json. See TESTING.md.
//
//   npm run mutate                                        every target
//   npm run mutate -- --mutate lib/query/flux-params.ts   one module (a comma-separated list works too)
//   npm run mutate -- --concurrency 2                     more test runners (default 1)
//   npm run mutate -- --mutate <file> --tests <files>     that module against other tests (comma-separated)
'use strict';
const path = require('path');

const root = path.join(__dirname, '..');

/** Each target: the files to mutate and the test files that run against them. */
const TARGETS = [
  {
    name: 'flux-params',
    mutate: ['lib/query/flux-params.ts'],
    testFiles: ['test/nodes/iot-query-params.test.ts', 'test/lib/flux-params-injection.test.ts'],
  },
  {
    name: 'permissions',
    mutate: ['emulator/auth/permissions.ts'],
    testFiles: ['test/emulator/permissions.test.ts', 'test/emulator/permissions-rules.test.ts'],
  },
  {
    name: 'lineprotocol-parse',
    // point-batch.ts only for clear(), which the pool relies on (the rest is the storage's).
    mutate: [
      'emulator/lineprotocol/parse.ts',
      'emulator/lineprotocol/bytes.ts',
      'emulator/lineprotocol/batch-pool.ts',
      'emulator/storage/point-batch.ts:55-62',
    ],
    testFiles: [
      'test/emulator/lineprotocol.test.ts',
      'test/emulator/lineprotocol.roundtrip.test.ts',
      'test/emulator/lineprotocol-edges.test.ts',
      'test/emulator/lineprotocol-plain.test.ts',
      'test/emulator/lineprotocol-bytes.test.ts',
      'test/emulator/lineprotocol-windows.test.ts',
      'test/emulator/lineprotocol-batch-pool.test.ts',
      'test/emulator/lineprotocol-mutants.test.ts',
    ],
  },
  {
    name: 'write-point',
    mutate: ['lib/write/point.ts', 'lib/write/line-protocol.ts'],
    testFiles: ['test/lib/write-point.test.ts', 'test/lib/write-point-edges.test.ts'],
  },
  {
    name: 'write-spool',
    mutate: ['lib/write/spool.ts'],
    testFiles: ['test/lib/write-spool.test.ts', 'test/lib/write-spool-behaviour.test.ts'],
  },
  {
    name: 'write-pipeline',
    mutate: ['lib/write/pipeline.ts'],
    testFiles: [
      'test/lib/write-pipeline.test.ts',
      'test/lib/write-pipeline-retry.test.ts',
      'test/lib/write-pipeline-behaviour.test.ts',
      'test/lib/write-pipeline-mutants.test.ts',
    ],
  },
];

function parseArgs(argv) {
  const out = { mutate: undefined, concurrency: undefined, tests: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--mutate' || flag === '-m') out.mutate = value().split(',').filter(Boolean);
    else if (flag === '--concurrency' || flag === '-c') out.concurrency = Number(value());
    else if (flag === '--tests') out.tests = value().split(',').filter(Boolean);
    else
      throw new Error(
        `unknown option ${arg} (use --mutate <file>[,<file>], --tests <file>[,<file>] or --concurrency <n>)`,
      );
  }
  return out;
}

/** The targets to run, each cut down to the requested files (a `file.ts:10-20` range is passed on). */
function selectTargets(requested) {
  if (!requested) return TARGETS;
  const selected = [];
  for (const spec of requested) {
    const file = path
      .relative(root, path.resolve(root, spec.replace(/:[\d:-]+$/, '')))
      .split(path.sep)
      .join('/');
    const target = TARGETS.find((t) => t.mutate.includes(file));
    if (!target) {
      const known = TARGETS.flatMap((t) => t.mutate).join(', ');
      throw new Error(`${spec} is not a mutation target (targets: ${known})`);
    }
    const mutated = spec.replace(/^\.\//, '');
    const existing = selected.find((t) => t.name === target.name);
    if (existing) existing.mutate.push(mutated);
    else selected.push({ ...target, mutate: [mutated] });
  }
  return selected;
}

/** Mutation score as Stryker computes it: detected / (detected + undetected); errors and ignored do not count. */
function score(results) {
  const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length;
  const detected = count('Killed', 'Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = detected + survived + noCoverage;
  return { detected, survived, noCoverage, total: results.length, score: valid ? (100 * detected) / valid : NaN };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const targets = selectTargets(args.mutate).map((t) => (args.tests ? { ...t, testFiles: args.tests } : t));
  const { Stryker } = await import('@stryker-mutator/core');
  const summary = [];
  for (const target of targets) {
    const started = Date.now();
    process.stdout.write(`\n=== ${target.name}: ${target.mutate.join(', ')} against ${target.testFiles.join(', ')}\n`);
    const stryker = new Stryker({
      mutate: target.mutate,
      // The test list goes to mocha as its spec, not to Stryker's `testFiles`: with `testFiles`, Stryker 9.6
      // runs static mutants (module-level constants) against no test at all and reports them Survived
      // (stryker-js issues #6144, #6209).
      mochaOptions: { spec: target.testFiles },
      htmlReporter: { fileName: `reports/mutation/${target.name}.html` },
      jsonReporter: { fileName: `reports/mutation/${target.name}.json` },
      ...(args.concurrency ? { concurrency: args.concurrency } : {}),
    });
    const results = await stryker.runMutationTest();
    summary.push({ target: target.name, ...score(results), seconds: Math.round((Date.now() - started) / 1000) });
  }
  process.stdout.write('\ntarget               score  killed  survived  no-cov  mutants  time\n');
  for (const s of summary) {
    process.stdout.write(
      `${s.target.padEnd(20)} ${s.score.toFixed(2).padStart(6)}  ${String(s.detected).padStart(6)}  ` +
        `${String(s.survived).padStart(8)}  ${String(s.noCoverage).padStart(6)}  ${String(s.total).padStart(7)}  ` +
        `${s.seconds}s\n`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
