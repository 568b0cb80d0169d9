import { randomBytes } from 'node:crypto';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
} from '@aws-sdk/client-s3';
import { CHECKSUM_RESPONSE_HEADERS } from '@s3up/contract';
import { statusOf } from '@s3up/testkit/s3-status';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult } from '../../src/commands/doctor/index.js';
import type { StepResult } from '../../src/commands/setup.js';
import { localClients, localFlags, s3up } from '../support/cli-harness.js';

const local = inject('localS3');
// A bucket and a role of this file's own: setup rewrites CORS and the trust, which would
// break the other packages' tests on the shared bucket and role.
const id = randomBytes(4).toString('hex');
const bucket = `s3up-cli-${id}`;
const role = `s3up-cli-${id}`;
const origin = 'https://app.example.com';
const clients = localClients(local);
const deployment = [
  ...localFlags(local),
  '--bucket',
  bucket,
  '--role',
  role,
  '--origin',
  origin,
  '--origin',
  'http://localhost:*',
  '--token-service',
  local.service.arn,
];
// What Ceph RGW 16 lacks; on AWS none of these are needed.
const UNSUPPORTED_HERE = ['public-access-block', 'object-ownership', 'default-encryption'];
const accepted = UNSUPPORTED_HERE.flatMap((c) => ['--accept-unsupported', c]);

async function doctor(extra: string[] = []) {
  const run = await s3up(['doctor', ...deployment, '--json', ...extra], { clients });
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: CheckResult[] };
  const failing = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  return { ...run, report, failing: [...new Set(failing)] };
}

afterAll(async () => {
  await clients.iam
    .send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 's3up-bucket-access' }))
    .catch(() => {});
  await clients.iam.send(new DeleteRoleCommand({ RoleName: role })).catch(() => {});
  await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
});

describe('s3up setup and doctor on the local backend', () => {
  it('without --apply prints the plan and changes nothing', async () => {
    const run = await s3up(['setup', ...deployment], { clients });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"ExposeHeaders"');
    expect(run.stdout).toContain('AbortIncompleteMultipartUpload');
    expect(run.stdout).toContain(local.service.arn);
    expect(run.stdout).toContain('BucketOwnerEnforced');
    expect(await statusOf(clients.s3.send(new HeadBucketCommand({ Bucket: bucket })))).toBe(404);
  });

  it('--apply creates the deployment; what the endpoint lacks is reported as unsupported, never applied, and fails the run', async () => {
    const run = await s3up(['setup', ...deployment, '--apply', '--json'], { clients });
    const { steps } = JSON.parse(run.stdout) as { steps: StepResult[] };
    const status = Object.fromEntries(steps.map((s) => [s.id, s.status]));
    expect(status).toEqual({
      bucket: 'applied',
      role: 'applied',
      'role-permissions': 'applied',
      cors: 'applied',
      lifecycle: 'applied',
      'public-access-block': 'unsupported',
      'object-ownership': 'unsupported',
      'default-encryption': 'unsupported',
    });
    // Planned but not applied, and not accepted: not what the plan says.
    expect(run.code).toBe(1);
    const { CORSRules } = await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(CORSRules?.[0]?.ExposeHeaders).toContain('ETag');
    expect([...(CORSRules?.[0]?.AllowedOrigins ?? [])].sort()).toEqual(['http://localhost:*', origin].sort());
  });

  it('is idempotent: a second --apply changes nothing', async () => {
    const run = await s3up(['setup', ...deployment, ...accepted, '--apply', '--json'], { clients });
    const { steps } = JSON.parse(run.stdout) as { steps: StepResult[] };
    expect(steps.filter((s) => s.status === 'applied' || s.status === 'failed')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('doctor does not count unsupported settings as a pass, and passes once they are accepted', async () => {
    const strict = await doctor();
    expect(strict.code).toBe(1);
    expect(strict.failing).toEqual([]);
    const unsupported = strict.report.checks.filter((c) => c.status === 'unsupported').map((c) => c.id);
    expect(unsupported.sort()).toEqual([...UNSUPPORTED_HERE].sort());

    const relaxed = await doctor(accepted);
    expect(relaxed.failing).toEqual([]);
    expect(relaxed.report.ok).toBe(true);
    expect(relaxed.code).toBe(0);
    const ids = relaxed.report.checks.map((c) => c.id);
    for (const expected of [
      'bucket-reachable',
      'cors-origins',
      'cors-methods',
      'cors-headers',
      'cors-expose-etag',
      'cors-expose-checksums',
      'cors-preflight',
      'bucket-region',
      'lifecycle-abort-incomplete',
      'role-trust',
      'role-session-duration',
      'role-permissions',
      'probe-assume-role',
      'probe-multipart',
      'probe-list-parts',
      'probe-outside-denied',
    ])
      expect(ids).toContain(expected);
    expect(relaxed.report.checks.filter((c) => c.status === 'unsupported').every((c) => c.accepted)).toBe(
      true,
    );
  });

  it('names the missing CORS ETag exposure', async () => {
    const { CORSRules } = await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    await clients.s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: (CORSRules ?? []).map((r) => ({
            ...r,
            ExposeHeaders: ['x-amz-request-id', ...CHECKSUM_RESPONSE_HEADERS],
          })),
        },
      }),
    );
    const broken = await doctor(accepted);
    expect(broken.code).toBe(1);
    expect(broken.failing).toEqual(['cors-expose-etag']);
    expect((await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients })).code).toBe(0);
    expect((await doctor(accepted)).code).toBe(0);
  });

  it('names the checksum headers a CORS rule does not expose (#14 item 3), and setup adds them', async () => {
    const { CORSRules } = await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(CORSRules?.[0]?.ExposeHeaders).toEqual(expect.arrayContaining([...CHECKSUM_RESPONSE_HEADERS]));
    await clients.s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: (CORSRules ?? []).map((r) => ({
            ...r,
            ExposeHeaders: (r.ExposeHeaders ?? []).filter((h) => h !== 'x-amz-checksum-crc64nvme'),
          })),
        },
      }),
    );
    const broken = await doctor(accepted);
    expect(broken.code).toBe(1);
    expect(broken.failing).toEqual(['cors-expose-checksums']);
    const check = broken.report.checks.find((c) => c.id === 'cors-expose-checksums');
    expect(check?.detail).toContain('missing x-amz-checksum-crc64nvme');
    expect((await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients })).code).toBe(0);
    expect((await doctor(accepted)).code).toBe(0);
  });

  it('names the missing lifecycle rule', async () => {
    await clients.s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }));
    const broken = await doctor(accepted);
    expect(broken.code).toBe(1);
    expect(broken.failing).toEqual(['lifecycle-abort-incomplete']);
    const text = await s3up(['doctor', ...deployment, ...accepted], { clients });
    expect(text.stdout).toMatch(/\[FAIL\]\s+Lifecycle rule aborts incomplete multipart uploads/);
    expect(text.stdout).toContain('fix: run `s3up setup --apply`');
    expect((await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients })).code).toBe(0);
    const { Rules } = await clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(Rules?.[0]?.AbortIncompleteMultipartUpload?.DaysAfterInitiation).toBe(1);
  });

  it('names a broken trust: the token service no longer trusted, and the live probe refused', async () => {
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: role,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam:::user/admin'] }, Action: ['sts:AssumeRole'] },
          ],
        }),
      }),
    );
    const broken = await doctor(accepted);
    expect(broken.code).toBe(1);
    expect(broken.failing).toEqual(['role-trust', 'probe-assume-role']);
    expect((await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients })).code).toBe(0);
    expect((await doctor(accepted)).code).toBe(0);
  });

  it('names a role that may not upload: the permission check and the live multipart probe both fail', async () => {
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 's3up-bucket-access' }));
    const broken = await doctor(accepted);
    expect(broken.code).toBe(1);
    expect(broken.failing).toEqual(['role-permissions', 'probe-multipart']);
    expect((await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients })).code).toBe(0);
    expect((await doctor(accepted)).code).toBe(0);
  });

  it('names a role whose MaxSessionDuration is shorter than the session the token server asks for', async () => {
    const short = `${role}-short`;
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: short,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: [local.service.arn] }, Action: ['sts:AssumeRole'] },
          ],
        }),
      }),
    );
    try {
      const run = await s3up(
        ['doctor', ...deployment, '--role', short, '--session-duration', '2h', '--json', ...accepted],
        { clients },
      );
      const { checks } = JSON.parse(run.stdout) as { checks: CheckResult[] };
      const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
      expect(byId['role-session-duration']?.status).toBe('fail');
      expect(byId['role-session-duration']?.detail).toContain('1h');
      // STS agrees: the probe asks for 2h and is refused.
      expect(byId['probe-assume-role']?.status).toBe('fail');
      expect(run.code).toBe(1);
    } finally {
      await clients.iam.send(new DeleteRoleCommand({ RoleName: short })).catch(() => {});
    }
  });

  it('refuses a session length beyond IAM limits as a configuration error, naming the flag', async () => {
    const run = await s3up(['doctor', ...deployment, '--session-duration', '13h'], { clients });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--session-duration');
  });
});
