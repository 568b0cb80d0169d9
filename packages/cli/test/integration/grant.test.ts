import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import { statusOf } from '@s3up/testkit/s3-status';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClients, localFlags, s3up } from '../support/cli-harness.js';

const run = promisify(execFile);
const local = inject('localS3');
const clients = localClients(local);
// Grants are read-only, so the shared bucket and role are safe to use; keys are this run's own.
const root = `cli-grant-${randomBytes(4).toString('hex')}`;
const prefix = `${root}/reports/2026-q3/`;
const inside = `${prefix}summary.txt`;
const outside = `${root}/payroll/salaries.txt`;
const deployment = [...localFlags(local), '--bucket', local.bucket, '--role', local.roleArn];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3up-cli-grant-'));
  const owner = s3Client(local, local.service);
  await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key: inside, Body: 'quarterly numbers' }));
  await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key: outside, Body: 'secret' }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The temporary keys as a client takes them (the JSON expiration is a string). */
const keysOf = (g: Granted) => ({
  accessKeyId: g.accessKeyId,
  secretAccessKey: g.secretAccessKey,
  sessionToken: g.sessionToken,
});

interface Granted {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

async function grant(extra: string[]) {
  const audit = join(dir, 'audit.log');
  const result = await s3up(
    ['grant', ...deployment, '--prefix', prefix, '--read', '--audit-log', audit, ...extra],
    {
      clients,
    },
  );
  return { ...result, audit };
}

/** rclone as a partner would run it: its own config file, never the user's. */
async function rclone(config: string, ...args: string[]) {
  try {
    const { stdout } = await run(
      'rclone',
      ['--config', config, '--retries', '1', '--low-level-retries', '1', ...args],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin', HOME: dir },
      },
    );
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The printed example command (`#   aws ...`) of a grant's output. */
function printedAwsCommand(output: string): string {
  const line = output.split('\n').find((l) => l.startsWith('#   aws '));
  if (!line) throw new Error(`no aws command in:\n${output}`);
  return line.slice('#   '.length);
}

/**
 * Debian's AWS CLI (2.9: it ignores endpoint_url and AWS_ENDPOINT_URL_S3), never a pyenv
 * shim: PATH is /usr/bin and /bin only.
 */
async function debianAws(script: string, env: Record<string, string> = {}) {
  try {
    const { stdout } = await run('bash', ['-c', script], {
      env: { PATH: '/usr/bin:/bin', HOME: dir, AWS_CONFIG_FILE: join(dir, 'none'), ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

describe("grant output consumed by Debian's AWS CLI", () => {
  it('env: after eval, the printed command lists the prefix', async () => {
    const result = await grant(['--list', '--format', 'env']);
    const command = printedAwsCommand(result.stdout);
    expect(command).toContain(`--endpoint-url ${local.endpoint}`);
    expect(result.stdout).toContain('AWS CLI 2.13 (or 1.29) and boto3 1.28');
    // Debian's package from /usr/bin, not a pyenv or pip shim, in the same shell (one start fewer).
    const listed = await debianAws(`command -v aws; aws --version\n${result.stdout}\n${command}`);
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toMatch(/^\/usr\/bin\/aws\naws-cli\/2\.\d+\.\d+ .*debian/);
    expect(listed.stdout).toContain('summary.txt');
  });

  it('aws-profile: appended to a config file, the printed command reads an object', async () => {
    const result = await grant(['--format', 'aws-profile', '--name', 'acme']);
    const config = join(dir, 'aws-config');
    await writeFile(config, result.stdout, { mode: 0o600 });
    const command = printedAwsCommand(result.stdout);
    expect(command).toContain('--profile acme');
    const copy = command.replace('<name> .', 'summary.txt -');
    const read = await debianAws(copy, { AWS_CONFIG_FILE: config });
    expect(read).toMatchObject({ code: 0, stdout: 'quarterly numbers' });
  });

  it("boto3 (Debian's 1.26, which ignores endpoint_url in profiles): the printed client reads an object, from env and from the profile", async () => {
    const read = (client: string) =>
      `/usr/bin/python3 -c "import boto3; print(${client}.get_object(Bucket='${local.bucket}', Key='${inside}')['Body'].read().decode(), end='')"`;
    const printed = (output: string) =>
      output
        .split('\n')
        .find((l) => l.startsWith('#   python3: '))!
        .slice('#   python3: '.length);
    const env = await grant(['--format', 'env']);
    expect(printed(env.stdout)).toContain(`endpoint_url='${local.endpoint}'`);
    expect(await debianAws(`${env.stdout}\n${read(printed(env.stdout))}`)).toMatchObject({
      code: 0,
      stdout: 'quarterly numbers',
    });
    const profile = await grant(['--format', 'aws-profile', '--name', 'acme-py']);
    const config = join(dir, 'boto3-config');
    await writeFile(config, profile.stdout, { mode: 0o600 });
    expect(await debianAws(read(printed(profile.stdout)), { AWS_CONFIG_FILE: config })).toMatchObject({
      code: 0,
      stdout: 'quarterly numbers',
    });
  });

  it('credential-process: the AWS CLI runs s3up grant itself and reads the Version 1 JSON', async () => {
    const direct = await grant(['--format', 'credential-process']);
    const json = JSON.parse(direct.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'Version',
      'AccessKeyId',
      'SecretAccessKey',
      'SessionToken',
      'Expiration',
    ]);
    expect(json.Version).toBe(1);

    const audit = join(dir, 'process-audit.log');
    const grantCommand = [
      tsx,
      '--conditions=@s3up/source',
      bin,
      'grant',
      ...deployment,
      '--prefix',
      prefix,
      '--read',
      '--for',
      'acme-process',
      '--format',
      'credential-process',
      '--audit-log',
      audit,
    ].join(' ');
    const config = join(dir, 'aws-process-config');
    await writeFile(
      config,
      `[profile partner]\ncredential_process = ${grantCommand}\nregion = ${local.region}\n`,
    );
    // The grant runs as the token service (its keys in the environment the AWS CLI passes on);
    // the AWS CLI itself uses only the profile (--profile skips the environment keys).
    const read = await debianAws(
      `aws s3 cp s3://${local.bucket}/${inside} - --profile partner --endpoint-url ${local.endpoint}`,
      {
        AWS_CONFIG_FILE: config,
        AWS_ACCESS_KEY_ID: local.service.accessKeyId,
        AWS_SECRET_ACCESS_KEY: local.service.secretAccessKey,
      },
    );
    expect(read).toMatchObject({ code: 0, stdout: 'quarterly numbers' });
    expect(await readFile(audit, 'utf8')).toContain('"userId":"acme-process"');
  });
});

describe('s3up grant', () => {
  it('issues credentials that read inside the prefix and are refused outside it (AWS SDK)', async () => {
    const result = await grant(['--list', '--expires', '30m', '--format', 'json', '--for', 'acme-audit']);
    expect(result.code).toBe(0);
    const granted = JSON.parse(result.stdout) as Granted;
    const s3 = s3Client(local, keysOf(granted));
    const object = await s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: inside }));
    expect(await object.Body!.transformToString()).toBe('quarterly numbers');
    expect(await statusOf(s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: outside })))).toBe(403);
    // Read-only: no writes, not even inside.
    expect(
      await statusOf(
        s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: `${prefix}new.txt`, Body: 'x' })),
      ),
    ).toBe(403);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: prefix }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([inside]);
    expect(
      await statusOf(s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: `${root}/` }))),
    ).toBe(403);
    // About 30 minutes from now.
    const left = new Date(granted.expiration).getTime() - Date.now();
    expect(left).toBeGreaterThan(25 * 60_000);
    expect(left).toBeLessThanOrEqual(31 * 60_000);
  });

  it('without --list the prefix cannot be listed', async () => {
    const granted = JSON.parse((await grant(['--format', 'json'])).stdout) as Granted;
    const s3 = s3Client(local, keysOf(granted));
    expect(await statusOf(s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: inside })))).toBe(200);
    expect(await statusOf(s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: prefix })))).toBe(
      403,
    );
  });

  it('accepts a bare role name and resolves its ARN through IAM', async () => {
    const flags = [...localFlags(local), '--bucket', local.bucket, '--role', local.roleName];
    const result = await s3up(['grant', ...flags, '--prefix', prefix, '--read', '--format', 'json'], {
      clients,
    });
    expect(result.code).toBe(0);
    const s3 = s3Client(local, keysOf(JSON.parse(result.stdout) as Granted));
    expect(await statusOf(s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: inside })))).toBe(200);
  });

  it('writes one audit line per grant in the token server format, without secrets', async () => {
    const result = await grant(['--list', '--format', 'json', '--for', 'auditor-7']);
    const granted = JSON.parse(result.stdout) as Granted;
    const lines = (await readFile(result.audit, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const line = lines.find((l) => l.accessKeyId === granted.accessKeyId);
    expect(line).toMatchObject({
      event: 'grant.issued',
      kind: 'grant',
      userId: 'auditor-7',
      bucket: local.bucket,
      prefix,
      expiration: granted.expiration,
    });
    expect(line.policySha256).toMatch(/^[0-9a-f]{64}$/);
    const text = await readFile(result.audit, 'utf8');
    expect(text).not.toContain(granted.secretAccessKey);
    expect(text).not.toContain(granted.sessionToken);
  });

  it('prints an rclone remote that rclone uses to read the prefix and nothing else', async () => {
    const result = await grant(['--list', '--format', 'rclone', '--name', 'partner']);
    expect(result.code).toBe(0);
    const config = join(dir, 'rclone.conf');
    await writeFile(config, result.stdout, { mode: 0o600 });
    const cat = await rclone(config, 'cat', `partner:${local.bucket}/${inside}`);
    expect(cat).toMatchObject({ code: 0, stdout: 'quarterly numbers' });
    const ls = await rclone(config, 'lsf', `partner:${local.bucket}/${prefix}`);
    expect(ls).toMatchObject({ code: 0, stdout: 'summary.txt\n' });
    const denied = await rclone(config, 'cat', `partner:${local.bucket}/${outside}`);
    expect(denied.code).not.toBe(0);
    expect(denied.stdout).toBe('');
    const localFile = join(dir, 'sneaky.txt');
    await writeFile(localFile, 'should not land');
    const upload = await rclone(config, 'copyto', localFile, `partner:${local.bucket}/${prefix}sneaky.txt`);
    expect(upload.code).not.toBe(0);
  });

  it('prints shell variables and an AWS profile', async () => {
    const env = await grant(['--format', 'env']);
    expect(env.stdout).toMatch(/^export AWS_SESSION_TOKEN='.+'$/m);
    expect(env.stdout).toContain(`export AWS_ENDPOINT_URL_S3='${local.endpoint}'`);
    expect(env.stdout).toContain(`export S3UP_PREFIX='${prefix}'`);
    const profile = await grant(['--format', 'aws-profile', '--name', 'acme']);
    expect(profile.stdout).toContain('[profile acme]');
    expect(profile.stdout).toMatch(/^aws_session_token = \S+$/m);
    expect(profile.stdout).toContain('addressing_style = path');
  });

  it('refuses what it cannot grant, saying what to change', async () => {
    const write = await s3up(['grant', ...deployment, '--prefix', prefix], { clients });
    expect(write.code).toBe(2);
    expect(write.stderr).toContain('pass --read');
    const wildcard = await s3up(['grant', ...deployment, '--prefix', 'reports/*/', '--read'], { clients });
    expect(wildcard.code).toBe(2);
    expect(wildcard.stderr).toContain('--prefix');
    // The shared role allows 12h sessions.
    const tooLong = await s3up(['grant', ...deployment, '--prefix', prefix, '--read', '--expires', '13h'], {
      clients,
    });
    expect(tooLong.code).toBe(3);
    expect(tooLong.stderr).toContain('MaxSessionDuration');
  });
});
