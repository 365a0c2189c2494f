// `npm test`: every test runner of the project, in order, and one plain summary line at the end.
//   1. Python (native-models/): pytest through build/scripts/python.mjs
//   2. TypeScript unit and integration tests: vitest
//   3. The studio end to end in Debian's Chromium: Playwright (tests/e2e)
//   4. TypeScript strict type-check of the whole tree (tsc --noEmit): one check, one pass or fail
// Usage: node build/scripts/test.mjs [python] [vitest] [e2e] [typecheck]   (default: all)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  const stdout = result.stdout?.toString('utf8') ?? '';
  process.stdout.write(stdout);
  if (result.error) console.error(`[test] ${label} could not start: ${result.error.message}`);
  console.log(`[test] ${label} finished in ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${result.status ?? result.signal})`);
  return { status: result.status ?? 1, stdout };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** A runner that failed without reporting counts (it crashed, or could not start) counts as one failure. */
function orCrash(counts, status) {
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

const runners = {
  python() {
    const { status, stdout } = run('python (native-models)', process.execPath, [path.join(root, 'build', 'scripts', 'python.mjs'), 'test']);
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const summary = stdout.trim().split('\n').reverse().find((line) => /\d+ (passed|failed|skipped|error)/.test(line)) ?? '';
    for (const [, n, what] of summary.matchAll(/(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)/g)) {
      if (what === 'passed' || what === 'xpassed') counts.passed += Number(n);
      else if (what === 'failed' || what.startsWith('error')) counts.failed += Number(n);
      else if (what === 'skipped' || what === 'xfailed') counts.skipped += Number(n);
    }
    return status === 5 ? counts : orCrash(counts, status); // 5: pytest collected no tests
  },
  vitest() {
    const out = path.join(results, 'vitest.json');
    rmSync(out, { force: true });
    const bin = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
    const { status } = run('vitest (unit + integration)', process.execPath, [bin, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
    const report = readJson(out);
    const counts = report
      ? { passed: report.numPassedTests, failed: report.numFailedTests + (report.numFailedTestSuites && !report.numFailedTests ? 1 : 0), skipped: report.numPendingTests + report.numTodoTests }
      : { passed: 0, failed: 0, skipped: 0 };
    return orCrash(counts, status);
  },
  e2e() {
    const out = path.join(results, 'e2e.json');
    rmSync(out, { force: true });
    const bin = path.join(path.dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
    const { status } = run('playwright (e2e)', process.execPath, [bin, 'test', '--config', path.join(root, 'playwright.config.ts')]);
    const report = readJson(out);
    const stats = report?.stats;
    const counts = stats
      ? { passed: stats.expected + stats.flaky, failed: stats.unexpected + (report.errors?.length ?? 0), skipped: stats.skipped }
      : { passed: 0, failed: 0, skipped: 0 };
    return orCrash(counts, status);
  },
};

runners.typecheck = () => {
  const bin = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const { status } = run('typecheck (tsc --noEmit)', process.execPath, [bin, '-p', path.join(root, 'tsconfig.json'), '--noEmit']);
  return status === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in runners)) {
    console.error(`unknown runner "${name}" (python, vitest, e2e, typecheck)`);
    process.exit(2);
  }
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const name of wanted.length ? wanted : Object.keys(runners)) {
  const counts = runners[name]();
  console.log(`[test] ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  for (const key of Object.keys(total)) total[key] += counts[key];
}
if (!existsSync('/usr/bin/chromium') && !process.env.CHROMIUM_PATH) console.log('[test] note: /usr/bin/chromium is missing (apt-get install -y chromium)');
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
