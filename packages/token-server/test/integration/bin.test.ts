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

  it('loses no audit line on SIGTERM: every answered request is in the log, written through the asynchronous destination', async () => {
    const jwt = {
      secret: 'bin-test-secret-0123456789abcdef-4567',
      issuer: 'bin-tests',
      audience: 's3up-bin',
    };
    const { child, exited, output } = run({
      ...localS3Env(local),
      S3UP_JWT_SECRET: jwt.secret,
      S3UP_JWT_ISSUER: jwt.issuer,
      S3UP_JWT_AUDIENCE: jwt.audience,
      S3UP_RATE_LIMIT_PER_IP: '100000',
      S3UP_RATE_LIMIT_PER_USER: '100000',
      HOST: '127.0.0.1',
      PORT: '0',
    });
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
    const tokens = await Promise.all(
      Array.from({ length: 4 }, (_, i) => mintToken(jwt, `sigterm-user-${i}`)),
    );
    // One STS call per user first, then bursts of cached answers: each is one audit line.
    const ask = async (n: number) => {
      const res = await fetch(`${url}/credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[n % tokens.length]}`, 'x-request-id': `sigterm-${n}` },
      });
      await res.arrayBuffer();
      return res.status;
    };
    const ids: number[] = [];
    for (let n = 0; n < tokens.length; n++) ids.push(n);
    expect(await Promise.all(ids.map(ask))).toEqual(ids.map(() => 200));
    for (let burst = 0; burst < 6; burst++) {
      const batch = Array.from({ length: 50 }, (_, i) => tokens.length + burst * 50 + i);
      ids.push(...batch);
      expect(await Promise.all(batch.map(ask))).toEqual(batch.map(() => 200));
    }
    // At once after the last answer: lines may still be queued in the destination.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const logged = output()
      .stdout.split('\n')
      .filter((line) => line.includes('"event":"credentials.issued"'))
      .map((line) => (JSON.parse(line) as { clientRequestId?: string }).clientRequestId);
    expect(logged).toHaveLength(ids.length);
    expect(new Set(logged)).toEqual(new Set(ids.map((n) => `sigterm-${n}`)));
  });
});
