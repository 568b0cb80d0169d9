import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteBucketCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { LOCAL_UNSUPPORTED, localS3OperatorEnv } from '@s3up/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult } from '../../src/commands/doctor/index.js';
import { corsRules, permissionPolicy, trustPolicy } from '../../src/deployment-plan.js';
import { localClients, localFlags, s3up } from '../support/cli-harness.js';

// One misconfiguration per test, each reproduced on the real local backend: doctor must
// name the failing check, say how to fix it and exit as the README's table says; then
// setup --apply repairs it and doctor passes again.
const local = inject('localS3');
const id = randomBytes(4).toString('hex');
const bucket = `s3up-doc-${id}`;
const role = `s3up-doc-${id}`;
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
  '--token-service',
  local.service.arn,
];
const accepted = LOCAL_UNSUPPORTED.flatMap((c) => ['--accept-unsupported', c]);
const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
let work: string;

async function doctor(flags: string[] = deployment, extra: string[] = []) {
  const run = await s3up(['doctor', ...flags, '--json', ...accepted, ...extra], { clients });
  const report = JSON.parse(run.stdout) as { ok: boolean; checks: CheckResult[] };
  const failing = [...new Set(report.checks.filter((c) => c.status === 'fail').map((c) => c.id))];
  const byId = (checkId: string) => report.checks.filter((c) => c.id === checkId);
  return { ...run, report, failing, byId };
}

async function repair() {
  const run = await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect((await doctor()).code).toBe(0);
}

/** The real binary, as an operator runs it (the SDK's own credential chain, no injected clients). */
function binary(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      tsx,
      ['--conditions=@s3up/source', bin, ...args],
      // A guard, not an assertion: a doctor that hangs fails the test instead of stalling the suite.
      { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: work, ...env }, timeout: 50_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** Clients for a port nothing listens on (it was free a moment ago). */
async function closedPortClients() {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
  const keys = { accessKeyId: 'AKIACLOSEDPORT000002', secretAccessKey: 'not-a-secret' };
  const common = { endpoint, region: local.region, credentials: keys, maxAttempts: 1 };
  return {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    iam: new IAMClient(common),
    sts: new STSClient(common),
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 's3up-doctor-'));
  const run = await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients });
  expect(run.code, run.stdout).toBe(0);
});

afterAll(async () => {
  for (const PolicyName of ['s3up-bucket-access', 's3up-test-deny'])
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName })).catch(() => {});
  await clients.iam.send(new DeleteRoleCommand({ RoleName: role })).catch(() => {});
  await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

describe('doctor names each broken setup, with its fix and exit code', () => {
  it('passes the correct setup (the baseline for every case below)', async () => {
    const run = await doctor();
    expect(run.failing).toEqual([]);
    expect(run.code).toBe(0);
    // Every check appears, the new ones included.
    const ids = new Set(run.report.checks.map((c) => c.id));
    for (const checkId of ['bucket-region', 'probe-list-parts', 'role-permissions', 'cors-preflight'])
      expect(ids).toContain(checkId);
  });

  it('bucket CORS that allows every origin ("*")', async () => {
    const current = (await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
    await clients.s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [...current, { AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['*'] }],
        },
      }),
    );
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.failing).toEqual(['cors-origins']);
    const open = run.byId('cors-origins').find((c) => c.status === 'fail')!;
    expect(open.detail).toContain('"*"');
    expect(open.fix).toContain('s3up setup --apply');
    expect(open.fix).toContain('removes "*"');
    await repair();
    const after = (await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
    expect(after.flatMap((r) => r.AllowedOrigins ?? [])).not.toContain('*');
  });

  it('a trust policy that lets anyone assume the role (Principal AWS "*")', async () => {
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: role,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.failing).toEqual(['role-trust']);
    expect(run.byId('role-trust')[0]!.detail).toContain('anyone');
    expect(run.byId('role-trust')[0]!.fix).toContain('trust only the token service');
    await repair();
  });

  it('without --token-service the trust cannot be judged, and doctor does not pass it', async () => {
    const flags = deployment.filter(
      (f, i) => f !== '--token-service' && deployment[i - 1] !== '--token-service',
    );
    const run = await doctor(flags);
    expect(run.code).toBe(1);
    expect(run.failing).toEqual(['role-trust']);
    expect(run.byId('role-trust')[0]!.detail).toContain(local.service.arn);
    expect(run.byId('role-trust')[0]!.fix).toContain('--token-service');
  });

  it('a role policy without s3:ListMultipartUploadParts (resume silently off)', async () => {
    const policy = permissionPolicy({ bucket });
    policy.Statement[0]!.Action = policy.Statement[0]!.Action.filter(
      (a) => a !== 's3:ListMultipartUploadParts',
    );
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: 's3up-bucket-access',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const run = await doctor();
    expect(run.code).toBe(1);
    // The static evaluation and the wire agree.
    expect(run.failing).toEqual(['role-permissions', 'probe-list-parts']);
    expect(run.byId('role-permissions')[0]!.detail).toContain('s3:ListMultipartUploadParts is not allowed');
    expect(run.byId('role-permissions')[0]!.detail).toContain('resume is off');
    expect(run.byId('probe-list-parts')[0]!.detail).toContain('403');
    expect(run.byId('probe-list-parts')[0]!.fix).toContain('s3:ListMultipartUploadParts');
    await repair();
  });

  it('with the delete scope offered: a role without s3:DeleteObject fails in the role and on the wire', async () => {
    const withDelete = ['--scope', 'upload,delete'];
    // The correct setup: a delete session removes, aborts, and is refused outside its prefix.
    const good = await doctor(deployment, withDelete);
    expect(good.failing, JSON.stringify(good.report.checks.filter((c) => c.status === 'fail'))).toEqual([]);
    expect(good.byId('probe-delete')[0]!.status).toBe('pass');
    expect(good.byId('probe-delete-outside-denied')[0]!.status).toBe('pass');
    // Ceph RGW lets only sessions that may write abort an upload (testkit README): the role is
    // right (the upload session aborts), so this is the endpoint's, reported as such, accepted.
    const abort = good.byId('probe-delete-abort')[0]!;
    expect(abort).toMatchObject({ status: 'unsupported', accepted: true });
    expect(abort.detail).toContain('s3:PutObject');
    expect(good.byId('role-permissions')[0]!.title).toContain('s3:DeleteObject');

    const policy = permissionPolicy({ bucket });
    policy.Statement[0]!.Action = policy.Statement[0]!.Action.filter((a) => a !== 's3:DeleteObject');
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: 's3up-bucket-access',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    // Without the delete scope nothing needs DeleteObject: doctor passes and says why it skipped.
    const uploadOnly = await doctor();
    expect(uploadOnly.code).toBe(0);
    expect(uploadOnly.byId('probe-delete')[0]!.status).toBe('skip');
    expect(uploadOnly.byId('probe-delete')[0]!.detail).toContain('--scope delete');

    const run = await doctor(deployment, withDelete);
    expect(run.code).toBe(1);
    expect(run.failing).toEqual(['role-permissions', 'probe-delete']);
    expect(run.byId('role-permissions')[0]!.detail).toContain('s3:DeleteObject is not allowed');
    expect(run.byId('role-permissions')[0]!.detail).toContain('every Delete answers 403');
    const probe = run.byId('probe-delete')[0]!;
    expect(probe.detail).toContain('DeleteObject was refused (403) for the delete scope');
    expect(probe.detail).toContain('Delete in the app answers 403');
    expect(probe.fix).toContain('s3:DeleteObject');
    // Outside the prefix it is still refused (and the other user's object is still there).
    expect(run.byId('probe-delete-outside-denied')[0]!.status).toBe('pass');
    await repair();
  });

  it('with the delete scope offered: a role that may delete but not abort uploads is named', async () => {
    const policy = permissionPolicy({ bucket });
    policy.Statement[0]!.Action = policy.Statement[0]!.Action.filter((a) => a !== 's3:AbortMultipartUpload');
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: 's3up-bucket-access',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const run = await doctor(deployment, ['--scope', 'upload', '--scope', 'delete']);
    expect(run.code).toBe(1);
    expect(run.failing).toEqual(['role-permissions', 'probe-multipart', 'probe-delete-abort']);
    expect(run.byId('probe-delete')[0]!.status).toBe('pass');
    // The upload session cannot abort either: the role is the cause, not the endpoint.
    expect(run.byId('probe-delete-abort')[0]!.status).toBe('fail');
    expect(run.byId('probe-delete-abort')[0]!.detail).toContain('AbortMultipartUpload was refused (403)');
    expect(run.byId('probe-delete-abort')[0]!.fix).toContain('s3:AbortMultipartUpload');
    await repair();
  });

  it('an unknown --scope is refused with the scopes there are', async () => {
    const run = await s3up(['doctor', ...deployment, '--scope', 'upload,delte'], { clients });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"delte" is not a scope');
    expect(run.stderr).toContain('upload, read, list, delete');
  });

  it('an explicit Deny wins over the Allow', async () => {
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: role,
        PolicyName: 's3up-test-deny',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'NoAbort', Effect: 'Deny', Action: 's3:AbortMultipartUpload', Resource: '*' }],
        }),
      }),
    );
    try {
      const run = await doctor();
      expect(run.code).toBe(1);
      expect(run.failing).toContain('role-permissions');
      expect(run.byId('role-permissions')[0]!.detail).toContain(
        's3:AbortMultipartUpload is explicitly denied by statement "NoAbort"',
      );
    } finally {
      await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 's3up-test-deny' }));
    }
    expect((await doctor()).code).toBe(0);
  });

  it('a wrong --region (mars-1)', async () => {
    const run = await doctor(deployment, ['--region', 'mars-1']);
    expect(run.code).toBe(1);
    expect(run.failing).toEqual(['bucket-region']);
    expect(run.byId('bucket-region')[0]!.fix).toContain('--region us-east-1');
  });

  it('an endpoint that accepts connections and never answers: reported, exit 4', async () => {
    const sockets = new Set<Socket>();
    const hung: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as { port: number }).port;
    try {
      const run = await binary(['doctor', '--json', '--endpoint', `http://127.0.0.1:${port}`], {
        S3UP_BUCKET: bucket,
        S3UP_ROLE_ARN: role,
        S3UP_FORCE_PATH_STYLE: 'true',
        // The setting an operator has for it too; 1 s keeps this test short.
        S3UP_REQUEST_TIMEOUT: '1s',
        AWS_ACCESS_KEY_ID: 'AKIAHUNGENDPOINT0001',
        AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-for-a-hung-endpoint',
      });
      expect(run.code).toBe(4);
      const { checks } = JSON.parse(run.stdout) as { checks: CheckResult[] };
      const reachable = checks.find((c) => c.id === 'bucket-reachable')!;
      expect(reachable.status).toBe('fail');
      expect(reachable.detail).toContain('did not answer in time');
      expect(reachable.fix).toContain(`http://127.0.0.1:${port}`);
      // Every other check is listed, skipped with the reason.
      expect(checks.filter((c) => c.status === 'skip').map((c) => c.id)).toContain('probe-assume-role');
      expect(checks.every((c) => c.id === 'bucket-reachable' || c.status === 'skip')).toBe(true);
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });

  it('a closed port: connection refused, exit 4 (not a permissions fix)', async () => {
    const run = await s3up(['doctor', ...deployment], { clients: await closedPortClients() });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/\[FAIL\]\s+Bucket .* is reachable \(HeadBucket: connection refused/);
    expect(run.stdout).toContain('fix: nothing listens at');
    expect(run.stdout).not.toMatch(/permission|--profile/);
  });

  it('a correct setup passes doctor in the real binary with `pnpm local-s3 env --operator` settings', async () => {
    const env = {
      ...(await localS3OperatorEnv(local, work)),
      S3UP_BUCKET: bucket,
      S3UP_ROLE_ARN: role,
      S3UP_ORIGINS: origin,
    };
    // setup --apply ran in beforeAll (and the repairs): the binary checks the result.
    const run = await binary(['doctor'], env);
    expect(run.stdout).toContain('All checks passed.');
    expect(run.code).toBe(0);
    // Nothing on standard error: no SDK warning about its future Node requirement either.
    expect(run.stderr).toBe('');
  });
});

describe('setup keeps what the operator had', () => {
  it('--apply merges CORS: an extra origin stays, and the plan shows the diff first', async () => {
    const partner = 'https://partner.example.org';
    await clients.s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: [partner], AllowedMethods: ['GET'], AllowedHeaders: ['*'] }],
        },
      }),
    );
    const plan = await s3up(['setup', ...deployment], { clients });
    expect(plan.code).toBe(0);
    const cors = plan.stdout.split('\n\n').find((section) => section.includes('Bucket CORS')) ?? '';
    expect(cors).toMatch(/^\[change\] Bucket CORS/);
    expect(cors).toMatch(/^\+\s+"https:\/\/app\.example\.com"/m);
    expect(cors).not.toMatch(/^-.*partner\.example\.org/m);
    expect(plan.stdout).toMatch(/\[unchanged\] Role/);

    const applied = await s3up(['setup', ...deployment, ...accepted, '--apply'], { clients });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`kept ${partner}`);
    const origins = (
      (await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? []
    ).flatMap((r) => r.AllowedOrigins ?? []);
    expect(origins).toContain(partner);
    expect(origins).toContain(origin);
    expect((await doctor()).code).toBe(0);

    // --replace-cors is the explicit way to drop it.
    await s3up(['setup', ...deployment, ...accepted, '--apply', '--replace-cors'], { clients });
    const replaced = (
      (await clients.s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? []
    ).flatMap((r) => r.AllowedOrigins ?? []);
    expect(replaced).toEqual(corsRules([origin])[0]!.AllowedOrigins);
  });

  it('exits 1 when a planned step could not be applied and was not accepted', async () => {
    const run = await s3up(['setup', ...deployment, '--apply'], { clients });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('--accept-unsupported object-ownership');
  });

  it("exits 1 when the role's MaxSessionDuration cannot be changed (UpdateRole unsupported), not 0", async () => {
    const fixed = `${role}-fixed`;
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: fixed,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy({ tokenServicePrincipal: local.service.arn })),
      }),
    );
    try {
      const flags = deployment.map((f) => (f === role ? fixed : f));
      const run = await s3up(['setup', ...flags, ...accepted, '--apply', '--json'], { clients });
      const { steps } = JSON.parse(run.stdout) as {
        steps: { id: string; status: string; detail?: string }[];
      };
      const step = steps.find((s) => s.id === 'role')!;
      expect(step.status).toBe('unsupported');
      expect(step.detail).toContain('recreate the role');
      expect(run.code).toBe(1);
    } finally {
      await clients.iam
        .send(new DeleteRolePolicyCommand({ RoleName: fixed, PolicyName: 's3up-bucket-access' }))
        .catch(() => {});
      await clients.iam.send(new DeleteRoleCommand({ RoleName: fixed })).catch(() => {});
    }
  });

  it('stops at the first step nothing answers, and exits 4 (the README\'s "did not answer")', async () => {
    const nowhere = await closedPortClients();
    const apply = await s3up(['setup', ...deployment, ...accepted, '--apply', '--json'], {
      clients: nowhere,
    });
    expect(apply.code).toBe(4);
    const { steps } = JSON.parse(apply.stdout) as {
      steps: { id: string; status: string; detail?: string }[];
    };
    expect(steps[0]!.detail).toContain('connection refused');
    expect(steps.slice(1).every((s) => s.detail === 'not attempted: the endpoint did not answer')).toBe(true);
    const plan = await s3up(['setup', ...deployment], { clients: nowhere });
    expect(plan.code).toBe(4);
    expect(plan.stdout).toContain('[cannot read]');
  });

  it('refuses --origin "*" with a message that says what to pass instead', async () => {
    const run = await s3up(['setup', ...deployment, '--origin', '*'], { clients });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"*" (every origin) is refused');
    expect(run.stderr).toContain('http://localhost:*');
  });
});
