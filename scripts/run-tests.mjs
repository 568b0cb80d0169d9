#!/usr/bin/env node
// Runs every test layer (unit, integration, browser, e2e) in one vitest run, then prints
// one closing line "tests: N passed, N failed, N skipped" that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const system = spawnSync('bash', ['scripts/install-system-packages.sh'], { stdio: 'inherit' });
if (system.status !== 0) process.exit(system.status ?? 1);

const results = 'test-output/results.json';
mkdirSync('test-output', { recursive: true });
rmSync(results, { force: true });
const run = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${results}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
);
let code = run.status ?? 1;
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
