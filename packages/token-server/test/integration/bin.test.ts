import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { localS3Env } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { afterAll, describe, expect, inject, it } from 'vitest';

const local = inject('localS3');
const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const children: ChildProcess[] = [];

function run(env: Record<string, string>) {
  // Node itself with tsx's loader, not the tsx CLI: the CLI is a second process that relays
  // signals, and under load its relay made SIGTERM end the pair with 143 instead of letting
  // the server close gracefully.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@s3up/source', bin], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

describe('s3up-token-server bin', () => {
  it('serves credentials from the environment and stops on SIGTERM', async () => {
    const jwt = {
      secret: 'bin-test-secret-0123456789abcdef-0123',
      issuer: 'bin-tests',
      audience: 's3up-bin',
    };
    const { child, exited, output } = run({
      ...localS3Env(local),
      S3UP_JWT_SECRET: jwt.secret,
      S3UP_JWT_ISSUER: jwt.issuer,
      S3UP_JWT_AUDIENCE: jwt.audience,
      HOST: '127.0.0.1',
      PORT: '0',
    });
    // The first log line announces the URL (PORT=0 picks a free port).
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line: ${JSON.stringify(output())}`)),
        30_000,
      );
      child.stdout!.on('data', () => {
        const match = /"url":"(http:[^"]+)"/.exec(output().stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const res = await fetch(`${url}/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await mintToken(jwt, 'bin-user')}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { prefix: string; secretAccessKey: string; sessionToken: string };
    expect(body.prefix).toBe('users/bin-user/');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The audit line went to stdout; the secrets did not.
    const { stdout } = output();
    expect(stdout).toContain('"event":"credentials.issued"');
    expect(stdout).not.toContain(body.secretAccessKey);
    expect(stdout).not.toContain(body.sessionToken);
    expect(stdout).not.toContain(local.service.secretAccessKey);
  });
});
