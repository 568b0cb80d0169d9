#!/usr/bin/env node
// Runs every test layer (unit, integration, browser, e2e) in one vitest run, then prints
// one closing line "tests: N passed, N failed, N skipped" that CI reads.
// With --checks (what `pnpm test` runs) lint and typecheck run beside the tests instead of
// before them: the tests spend much of their time waiting (the backend's boot, Chromium,
// uploads), and the checks fill that time. Their output is printed when they end, and a
// failed check fails the run as it did when it ran first.
// The typecheck beside a whole run is `typecheck:beside-tests`: `typecheck` less the Vue
// example app's vue-tsc, because the element's framework-types test (in this same run)
// type-checks that app in one vue-tsc program with the typings' fixtures and fails on any
// error in it; vue-tsc starts once instead of twice (about 9 CPU seconds each).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { setPriority } from 'node:os';

const system = spawnSync('bash', ['scripts/install-system-packages.sh'], { stdio: 'inherit' });
if (system.status !== 0) process.exit(system.status ?? 1);

const args = process.argv.slice(2);
const withChecks = args.includes('--checks');
const vitestArgs = args.filter((a) => a !== '--checks');
// Every test file runs (no project or file named): the framework-types test among them.
const wholeRun = vitestArgs.length === 0;
const env = { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR };

/**
 * Runs a command to its end; its output is kept when `quiet`, otherwise shown as it comes.
 * `background`: at a low CPU priority (nice 15, inherited by what it starts), for the checks
 * beside the tests: they need the CPU only when nothing else does, and the tests' waiting
 * chains (the Next build, throttled links) do not queue behind them.
 */
function run(command, argv, { quiet = false, background = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env });
    if (background && child.pid !== undefined) {
      try {
        setPriority(child.pid, 15);
      } catch {
        // Not permitted here: the checks run at normal priority, as before.
      }
    }
    const output = [];
    child.stdout?.on('data', (c) => output.push(c));
    child.stderr?.on('data', (c) => output.push(c));
    child.on('error', (error) => resolve({ code: 1, output: `${command}: ${error.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(output).toString('utf8') }),
    );
  });
}

const checks = withChecks
  ? (async () => {
      const started = Date.now();
      const lint = await run('pnpm', ['run', 'lint'], { quiet: true, background: true });
      if (lint.code !== 0) return { ...lint, name: 'lint', seconds: (Date.now() - started) / 1000 };
      const typecheck = await run('pnpm', ['run', wholeRun ? 'typecheck:beside-tests' : 'typecheck'], {
        quiet: true,
        background: true,
      });
      return {
        code: typecheck.code,
        output: lint.output + typecheck.output,
        name: typecheck.code === 0 ? 'lint and typecheck' : 'typecheck',
        seconds: (Date.now() - started) / 1000,
      };
    })()
  : undefined;

const results = 'test-output/results.json';
mkdirSync('test-output', { recursive: true });
rmSync(results, { force: true });
const tests = await run('pnpm', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
  ...vitestArgs,
]);
let code = tests.code;

if (checks) {
  const check = await checks;
  console.log(`\n--- ${check.name}, run beside the tests (${check.seconds.toFixed(0)} s) ---`);
  process.stdout.write(check.output);
  if (check.code !== 0) {
    console.error(`\n${check.name} FAILED (exit ${check.code}): see above`);
    code = code || check.code;
  }
}

if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) {
    console.error('no test ran');
    code = 1;
  }
} else {
  console.log('\ntests: 0 passed, 1 failed');
  console.error('vitest wrote no results: it did not run (see above)');
  code = code || 1;
}
process.exit(code);
