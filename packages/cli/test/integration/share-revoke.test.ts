import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { s3Client, startRedis } from '@s3up/testkit';
import { statusOf } from '@s3up/testkit/s3-status';
import { cutoffKeys } from '@s3up/token-server/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClients, localFlags, s3up } from '../support/cli-harness.js';

const exec = promisify(execFile);
const local = inject('localS3');
const clients = localClients(local);
const id = randomBytes(4).toString('hex');
const key = `cli-share-${id}/report.txt`;
const flags = [...localFlags(local), '--bucket', local.bucket];
// The workspace's tsx, not `npx tsx`: npx's own resolution costs seconds on a loaded machine.
const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await clients.s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: 'shared with a link' }));
});

async function assumed(roleArn: string, seconds: number) {
  const { Credentials } = await clients.sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cli-test', DurationSeconds: seconds }),
  );
  return {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken!,
    expiration: Credentials!.Expiration!,
  };
}

describe('s3up share', () => {
  it('prints a link that downloads the object', async () => {
    const result = await s3up(['share', key, '--expires', '2h', ...flags], { clients });
    expect(result.code).toBe(0);
    const response = await fetch(result.stdout.trim());
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('shared with a link');
    expect(new URL(result.stdout.trim()).searchParams.get('X-Amz-Expires')).toBe('7200');
  });

  it('links expire', async () => {
    const result = await s3up(['share', key, '--expires', '1s', ...flags], { clients });
    expect(result.code).toBe(0);
    await sleep(2500);
    const response = await fetch(result.stdout.trim());
    expect(response.status).toBe(403);
  });

  it('refuses an expiry beyond SigV4 (7 days)', async () => {
    const result = await s3up(['share', key, '--expires', '8d', ...flags], { clients });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('7d');
    expect(result.stdout).toBe('');
  });

  it('refuses an expiry that outlives temporary signing credentials, and signs within it', async () => {
    const temporary = localClients(local, await assumed(local.roleArn, 900));
    const tooLong = await s3up(['share', key, '--expires', '2h', ...flags], { clients: temporary });
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/outlives the signing credentials, which expire in 1[45]m/);
    const ok = await s3up(['share', key, '--expires', '10m', ...flags], { clients: temporary });
    expect(ok.code).toBe(0);
    expect((await fetch(ok.stdout.trim())).status).toBe(200);
  });

  it('refuses a key that does not exist unless --allow-missing', async () => {
    const missing = await s3up(['share', `${key}.nope`, ...flags], { clients });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('--allow-missing');
    const allowed = await s3up(['share', `${key}.nope`, '--allow-missing', ...flags], { clients });
    expect(allowed.code).toBe(0);
    expect((await fetch(allowed.stdout.trim())).status).toBe(404);
  });

  it('runs as a real process through tsx, configured from the environment', async () => {
    const { stdout } = await exec(tsx, ['--conditions=@s3up/source', bin, 'share', key, '--expires', '5m'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        HOME: process.env.HOME ?? '/tmp',
        S3UP_BUCKET: local.bucket,
        S3UP_ENDPOINT: local.endpoint,
        S3UP_REGION: local.region,
        S3UP_FORCE_PATH_STYLE: 'true',
        S3UP_CHECKSUMS: 'WHEN_REQUIRED',
        AWS_ACCESS_KEY_ID: local.service.accessKeyId,
        AWS_SECRET_ACCESS_KEY: local.service.secretAccessKey,
      },
    });
    const response = await fetch(stdout.trim());
    expect(await response.text()).toBe('shared with a link');
  });

  it('exits 2 with a message naming the variable when the environment is wrong', async () => {
    const result = await s3up(['share', key], { env: { S3UP_BUCKET: 'Not_A_Bucket' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('S3UP_BUCKET');
    expect(result.stdout).toBe('');
  });
});

describe('s3up revoke', () => {
  // A role of its own: revoking the shared role would cut off every other package's tests.
  const roleName = `s3up-cli-revoke-${id}`;
  const roleArn = `arn:aws:iam:::role/${roleName}`;
  beforeAll(async () => {
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: [local.service.arn] }, Action: ['sts:AssumeRole'] },
          ],
        }),
      }),
    );
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${local.bucket}/*`] },
          ],
        }),
      }),
    );
  });
  afterAll(async () => {
    for (const PolicyName of ['read', 's3up-revoke-older-sessions'])
      await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName })).catch(() => {});
    await clients.iam.send(new DeleteRoleCommand({ RoleName: roleName })).catch(() => {});
  });
  const read = (keys: Awaited<ReturnType<typeof assumed>>) =>
    statusOf(s3Client(local, keys).send(new GetObjectCommand({ Bucket: local.bucket, Key: key })));

  it('--dry-run prints the deny policy and attaches nothing', async () => {
    const result = await s3up(
      ['revoke', '--before', '2026-01-01T00:00:00Z', '--dry-run', '--role', roleName, ...flags],
      {
        clients,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"aws:TokenIssueTime": "2026-01-01T00:00:00.000Z"');
    expect(result.stdout).toContain('"Effect": "Deny"');
    const attached = clients.iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 's3up-revoke-older-sessions' }),
    );
    expect(await statusOf(attached)).toBe(404);
  });

  it('denies sessions issued before the cut-off and lets newer ones work', async () => {
    const before = await assumed(roleArn, 900);
    expect(await read(before)).toBe(200);
    // aws:TokenIssueTime has one-second resolution: keep the cut-off clearly after the old session.
    await sleep(1100);
    const result = await s3up(['revoke', '--before', 'now', '--role', roleName, ...flags], { clients });
    expect(result.code).toBe(0);
    expect(await read(before)).toBe(403);
    await sleep(1100);
    const after = await assumed(roleArn, 900);
    expect(await read(after)).toBe(200);
  });

  it('--redis-url tells the token servers sharing Redis: the cut-off is stored and published to them', async () => {
    // What the instances do with it (drop older cached sessions) is token-server's
    // many-instances test; here: the CLI puts the cut-off where they read and listen.
    const redis = await startRedis();
    const listener = new Redis(redis.url);
    const reader = new Redis(redis.url);
    try {
      const heard = new Promise<string>((resolve) =>
        listener.on('message', (_channel, text) => resolve(text)),
      );
      await listener.subscribe('s3up:purge');
      const result = await s3up(
        ['revoke', '--before', 'now', '--role', roleName, '--redis-url', redis.url, ...flags],
        {
          clients,
        },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('token servers sharing Redis were told');
      const message = JSON.parse(await heard) as { before: number; userId?: string };
      expect(message.userId).toBeUndefined(); // every user's sessions
      expect(Math.abs(message.before - Date.now())).toBeLessThan(60_000);
      expect(Number(await reader.get(cutoffKeys('s3up:', undefined)[1]))).toBe(message.before);
    } finally {
      listener.disconnect();
      reader.disconnect();
      await redis.stop();
    }
  });

  it('an unreachable Redis: exit 4 and a message that says the policy holds and what to do', async () => {
    const redis = await startRedis();
    const url = redis.url;
    await redis.stop();
    const result = await s3up(
      ['revoke', '--before', 'now', '--role', roleName, '--redis-url', url, ...flags],
      {
        clients,
      },
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('The deny policy is attached');
    expect(result.stderr).toContain('--redis-url');
    const attached = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 's3up-revoke-older-sessions' }),
    );
    expect(attached.PolicyName).toBe('s3up-revoke-older-sessions');
  });

  it('refuses a cut-off in the future', async () => {
    const result = await s3up(['revoke', '--before', '2999-01-01T00:00:00Z', '--role', roleName, ...flags], {
      clients,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('future');
  });
});
