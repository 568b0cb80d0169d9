import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const hook = new URL('../support/refuse-express.mjs', import.meta.url).href;

describe('the CLI without Express', () => {
  // Every command module is imported when the binary starts: one run loads the whole graph.
  it('starts with a resolver that refuses express (token-server is used through its Express-free subpaths)', {
    timeout: 30_000,
  }, async () => {
    const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hook)});`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', register, '--import', 'tsx', '--conditions=@s3up/source', bin, '--version'],
      { cwd: root, env: { PATH: process.env.PATH ?? '/usr/bin' } },
    );
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  // A node process with tsx: seconds on a loaded machine, like the test above.
  it('the hook itself refuses express (the check above can fail)', { timeout: 30_000 }, async () => {
    const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hook)});`;
    const run = promisify(execFile)(
      process.execPath,
      [
        '--import',
        register,
        '--import',
        'tsx',
        '--conditions=@s3up/source',
        '--input-type=module',
        '-e',
        "await import('@s3up/token-server')",
      ],
      {
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        env: { PATH: process.env.PATH ?? '/usr/bin' },
      },
    );
    await expect(run).rejects.toThrow(/express was imported by/);
  });
});
