import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/program.js';

async function help(argv: string[]) {
  let out = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (out += s) },
    env: {},
    cwd: '/nonexistent-s3up-cwd',
  });
  return { code, out };
}

describe('s3up <command> --help', () => {
  it('doctor --help lists the deployment flags it needs, not only its own', async () => {
    const { code, out } = await help(['doctor', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--bucket',
      '--role',
      '--endpoint',
      '--region',
      '--iam-profile',
      '--sts-profile',
      '--no-probe',
    ])
      expect(out).toContain(flag);
    expect(out).not.toContain('--probe-profile');
  });

  it('setup --help lists --replace-cors and --accept-unsupported', async () => {
    const { out } = await help(['setup', '--help']);
    expect(out).toContain('--replace-cors');
    expect(out).toContain('--accept-unsupported');
  });
});
