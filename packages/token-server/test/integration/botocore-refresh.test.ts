import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { localBackendOptions } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { describe, expect, inject, it } from 'vitest';
import { createAuditLogger, createTokenServer, jwtAuthenticator } from '../../src/index.js';

// Issue 15.6, with the real botocore (boto3, the AWS CLI's library): it refreshes when 15
// minutes are left. The server's default window serves sessions only while they outlast
// that, so one boto3 session makes one /credentials call for many requests; a session that
// starts with 15 minutes or less makes botocore call on every request (the README's rule).
const local = inject('localS3');
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3']).status === 0;
const python = (name: string) => fileURLToPath(new URL(`../support/python/${name}`, import.meta.url));
const jwt = {
  secret: randomBytes(32).toString('hex'),
  issuer: 'https://id.s3up.test',
  audience: 's3up-boto',
};

async function credentialCalls(durationSeconds: number, puts: number): Promise<number> {
  const lines: Record<string, unknown>[] = [];
  const running = await createTokenServer({
    ...localBackendOptions(local),
    authenticate: jwtAuthenticator(jwt),
    duration: { minSeconds: 1, maxSeconds: 3600, defaultSeconds: durationSeconds },
    rateLimit: false,
    audit: createAuditLogger({ destination: { write: (l: string) => void lines.push(JSON.parse(l)) } }),
  }).listen();
  try {
    const user = `boto-${durationSeconds}-${randomBytes(3).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 's3up-boto-'));
    const config = join(dir, 'config');
    writeFileSync(
      config,
      `[profile s3up]\nregion = ${local.region}\ncredential_process = python3 ${python('credential_process.py')} ${running.url}/credentials ${await mintToken(jwt, user, { expiresIn: '10m' })}\n`,
    );
    // Asynchronously: the token server answering credential_process runs in this process.
    const result = await promisify(execFile)(
      'python3',
      [python('many_puts.py'), local.endpoint, local.bucket, `users/${user}/`, String(puts)],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_CONFIG_FILE: config,
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
          AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
          AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
        },
      },
    );
    expect(result.stdout.trim()).toBe('done');
    return lines.filter((l) => l.event === 'credentials.issued' && l.userId === user).length;
  } finally {
    await running.close();
  }
}

describe.skipIf(!hasBoto3)('refresh windows with the real botocore', () => {
  it('one-hour sessions (the default): one /credentials call for a whole boto3 session', async () => {
    expect(await credentialCalls(3600, 12)).toBe(1);
  });

  it('sessions of 15 minutes or less: botocore asks on every request (why Python clients need longer ones)', async () => {
    expect(await credentialCalls(900, 12)).toBeGreaterThanOrEqual(12);
  });
});
