// Issue 17 item 2: the framework typings are generated from custom-elements.json, which is
// generated from the element's JSDoc, so neither may be stale; and each is proved with the
// framework's own checker on a fixture written the framework's way (test/types/<framework>):
// Good.* must pass untouched, and each line of Bad.* marked `expect-error: <text>` must fail
// with a message containing <text> (a misspelled property or event, a wrong value, a
// handler of the wrong event type, a detail field that does not exist), and nothing else.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// @ts-expect-error: the analyzer types its index, not its cli (which is what `cem analyze` runs)
import { cli } from '@custom-elements-manifest/analyzer/cli.js';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { staleFrameworkTypes } from '../../scripts/framework-types.mjs';

const run = promisify(execFile);
const pkg = fileURLToPath(new URL('../..', import.meta.url));
const types = (framework: string) => fileURLToPath(new URL(`../types/${framework}/`, import.meta.url));
const bin = (name: string) => `${pkg}/node_modules/.bin/${name}`;
// tsc for the React and Solid fixtures is the workspace's TypeScript 7 (the one `pnpm
// typecheck` runs): the same diagnostics as this package's 5.9, which it keeps for vue-tsc and
// svelte-check, at about a ninth of the CPU (0.9 against 7.9 s a fixture on the CI machine);
// on one thread, as `pnpm typecheck` runs it: the checkers here already run side by side.
const nativeTsc = fileURLToPath(new URL('../../../../node_modules/.bin/tsc', import.meta.url));

interface Diagnostic {
  file: string;
  line: number;
  message: string;
}

/** Runs a checker; its diagnostics (it exits non-zero when there are any). */
async function check(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    if (!stdout) throw new Error(`${command} failed without diagnostics: ${stderr}`);
    return stdout;
  }
}

/** `file(line,col): error TS1234: message` and its indented continuation lines (tsc, vue-tsc). */
function tscDiagnostics(output: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error TS\d+: (.*)$/.exec(line);
    if (m) found.push({ file: m[1]!, line: Number(m[2]), message: m[3]! });
    else if (line.startsWith(' ') && found.length > 0) found.at(-1)!.message += `\n${line.trim()}`;
  }
  return found;
}

/** svelte-check's `--output machine`: `<time> ERROR "file" line:col "message"`. */
function svelteDiagnostics(output: string): Diagnostic[] {
  return output
    .split('\n')
    .map((line) => /^\d+ (?:ERROR|WARNING) "(.+?)" (\d+):\d+ (".*")$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ file: m[1]!, line: Number(m[2]), message: JSON.parse(m[3]!) as string }));
}

/** The lines of `file` that must fail: the line after each `expect-error: <text>`. */
function expectations(dir: string, file: string): Map<number, string> {
  const expected = new Map<number, string>();
  readFileSync(`${dir}${file}`, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /expect-error: (.+?)(?: -->)?$/.exec(line.trim());
      if (m) expected.set(i + 2, m[1]!);
    });
  return expected;
}

/** Good passes untouched; each marked line of Bad fails for its reason; no other error. */
function expectVerdicts(diagnostics: Diagnostic[], dir: string, good: string, bad: string): void {
  const outside = diagnostics.filter((d) => d.file !== good && d.file !== bad);
  expect(outside, 'errors outside the fixture (the typings, the package itself, an example app)').toEqual([]);
  expect(diagnostics.filter((d) => d.file === good)).toEqual([]);
  const expected = expectations(dir, bad);
  expect(expected.size).toBeGreaterThanOrEqual(4);
  const failed = diagnostics.filter((d) => d.file === bad);
  for (const [line, text] of expected) {
    const here = failed.filter((d) => d.line === line).map((d) => d.message);
    expect(here.join('\n'), `${bad}:${line} must fail mentioning "${text}"`).toContain(text);
  }
  expect(failed.filter((d) => !expected.has(d.line))).toEqual([]);
}

describe('generated, never stale', { timeout: 120_000 }, () => {
  it('custom-elements.json is what the analyzer makes of src/ now', async () => {
    const manifest = await cli({
      argv: ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'],
      cwd: pkg,
      noWrite: true,
    });
    const committed = readFileSync(`${pkg}/custom-elements.json`, 'utf8');
    // On failure: `pnpm --filter @s3up/element analyze` regenerates it, the README's API and the typings.
    expect(`${JSON.stringify(manifest, null, 2)}\n` === committed, 'custom-elements.json is stale').toBe(
      true,
    );
  });

  it('src/frameworks/*.ts are what scripts/framework-types.mjs makes of custom-elements.json', () => {
    expect(staleFrameworkTypes()).toEqual([]);
  });
});

// Each checker loads TypeScript and the framework's types: seconds each, so they run side by side.
describe.concurrent('each framework checker accepts the right use and refuses the wrong one', {
  timeout: 300_000,
}, () => {
  it('React 19 JSX with tsc', async () => {
    const dir = types('react');
    const out = await check(nativeTsc, ['-p', '.', '--pretty', 'false', '--singleThreaded'], dir);
    expectVerdicts(tscDiagnostics(out), dir, 'good.tsx', 'bad.tsx');
  });

  it('Solid JSX with tsc', async () => {
    const dir = types('solid');
    const out = await check(nativeTsc, ['-p', '.', '--pretty', 'false', '--singleThreaded'], dir);
    expectVerdicts(tscDiagnostics(out), dir, 'good.tsx', 'bad.tsx');
  });

  // The program also holds the Vue example's app (test/types/vue/tsconfig.json says why), so
  // this is where `pnpm test` type-checks it: it must be in the program and have no error.
  it('Vue 3 templates with vue-tsc (strictTemplates), the Vue example app among them', async () => {
    const dir = types('vue');
    const out = await check(bin('vue-tsc'), ['-p', '.', '--pretty', 'false', '--listFiles'], dir);
    const example = fileURLToPath(new URL('../../../../examples/vue/src/', import.meta.url));
    const listed = out.split('\n').filter((line) => line.startsWith(example));
    expect(listed).toEqual(expect.arrayContaining([`${example}App.vue`, `${example}main.ts`]));
    expectVerdicts(tscDiagnostics(out), dir, 'GoodUse.vue', 'BadUse.vue');
  });

  // --tsgo: svelte-check turns the markup into TypeScript as always and type-checks it with
  // TypeScript 7 (`@typescript/native`, the name its docs give it) instead of its bundled 5.9:
  // the same five errors on BadUse.svelte (diffed; one union lists its members in another
  // order, and one message leaves out its elaboration, which no expectation reads) at 2 CPU s
  // instead of 9.5.
  it('Svelte 5 markup with svelte-check', async () => {
    const dir = types('svelte');
    const out = await check(
      bin('svelte-check'),
      [
        '--tsgo',
        '--workspace',
        '.',
        '--tsconfig',
        './tsconfig.json',
        '--output',
        'machine',
        '--fail-on-warnings',
      ],
      dir,
    );
    expect(out).toMatch(/COMPLETED \d+ FILES/);
    expectVerdicts(svelteDiagnostics(out), dir, 'GoodUse.svelte', 'BadUse.svelte');
  });
});
