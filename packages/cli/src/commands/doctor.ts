import { randomBytes } from 'node:crypto';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import {
  AbortMultipartUploadCommand,
  type CORSRule,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { type AwsClients, s3ClientConfig } from '../aws-clients.js';
import { awsErrorName, httpStatusOf } from '../aws-error.js';
import { required, roleArnOf, roleNameOf, type Settings } from '../config.js';
import { CORS_METHODS, SDK_REQUEST_HEADERS } from '../deployment-plan.js';
import { formatDuration } from '../duration.js';
import { isUnsupportedByEndpoint, UNSUPPORTED_LABEL } from '../endpoint-support.js';
import { EXIT } from '../errors.js';
import type { CommandContext } from '../io.js';
import {
  asList,
  coversAction,
  parsePolicyDocument,
  statementsOf,
  wildcardMatch,
} from '../policy-document.js';
import { buildSessionPolicy, serializeSessionPolicy } from '../session-policy.js';
import { readPublicAccessBlock, readUnsupportedTag } from './setup.js';

/**
 * `unsupported`: the endpoint does not implement the setting. Never a pass: it counts
 * as a failure unless the operator accepts it (`--accept-unsupported <id>`), and even
 * then it prints as "unsupported (accepted)".
 */
export type CheckStatus = 'pass' | 'fail' | 'unsupported' | 'skip';
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  accepted?: boolean;
  detail?: string;
  fix?: string;
}

export interface DoctorOptions {
  json: boolean;
  /** Skip the live probe (AssumeRole, multipart, denied write). Default false. */
  noProbe: boolean;
}

const SETUP_FIX = 'run `s3up setup --apply` with the same flags';

/**
 * `s3up doctor`: checks a live deployment and prints a checklist. Exit 1 when any check
 * fails (or is unsupported and not accepted).
 */
export async function runDoctor(
  settings: Settings,
  options: DoctorOptions,
  ctx: CommandContext,
  clients: AwsClients,
) {
  const bucket = required(settings.bucket, '--bucket', 'S3UP_BUCKET');
  const role = required(settings.role, '--role', 'S3UP_ROLE_ARN');
  const results: CheckResult[] = [];
  const add = (r: CheckResult) => {
    if (r.status === 'unsupported' && settings.acceptUnsupported.includes(r.id)) r.accepted = true;
    results.push(r);
  };
  const fetchImpl = ctx.fetch ?? fetch;
  const { s3, iam } = clients;

  // Bucket
  let reachable = false;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    reachable = true;
    add({ id: 'bucket-reachable', title: `Bucket ${bucket} is reachable`, status: 'pass' });
  } catch (error) {
    const status = httpStatusOf(error);
    add({
      id: 'bucket-reachable',
      title: `Bucket ${bucket} is reachable`,
      status: 'fail',
      detail: status ? `HeadBucket answered ${status}` : `no answer (${awsErrorName(error)})`,
      fix:
        status === 404
          ? `create it: ${SETUP_FIX}`
          : status === 403
            ? 'the credentials in use cannot read the bucket: use the bucket owner or an admin (--profile)'
            : 'check --endpoint / S3UP_ENDPOINT, --region and the network',
    });
  }
  if (reachable) {
    await guarded('cors', 'CORS', add, () => checkCors(bucket, settings, s3, add, fetchImpl));
    await guarded('lifecycle-abort-incomplete', 'Lifecycle rule', add, () => checkLifecycle(bucket, s3, add));
    await guarded('public-access-block', 'Block Public Access', add, () =>
      checkPublicAccess(bucket, s3, add),
    );
    await guarded('object-ownership', 'Object Ownership', add, () => checkOwnership(bucket, s3, add));
    await guarded('default-encryption', 'Default encryption', add, () => checkEncryption(bucket, s3, add));
  } else {
    for (const id of [
      'cors',
      'lifecycle-abort-incomplete',
      'public-access-block',
      'object-ownership',
      'default-encryption',
    ])
      add({ id, title: id, status: 'skip', detail: 'the bucket is not reachable' });
  }

  // Role
  let roleArn = roleArnOf(role);
  let roleOk = false;
  try {
    const current = (await iam.send(new GetRoleCommand({ RoleName: roleNameOf(role) }))).Role;
    if (current?.Arn) roleArn = current.Arn;
    roleOk = checkTrust(current, settings, add) && checkSessionLength(current, settings, add);
    await guarded('role-permissions', 'Role permissions', add, () =>
      checkRolePermissions(roleNameOf(role), bucket, iam, add),
    );
  } catch (error) {
    const status = httpStatusOf(error);
    add({
      id: 'role-trust',
      title: `Role ${roleNameOf(role)} exists and trusts the token service`,
      status: 'fail',
      detail:
        status === 404 ? 'the role does not exist' : `GetRole answered ${status ?? awsErrorName(error)}`,
      fix: status === 404 ? SETUP_FIX : 'use credentials allowed iam:GetRole (--profile)',
    });
  }

  // Live probe
  if (options.noProbe) {
    add({ id: 'probe', title: 'Live probe', status: 'skip', detail: '--no-probe' });
  } else if (!reachable) {
    add({ id: 'probe', title: 'Live probe', status: 'skip', detail: 'the bucket is not reachable' });
  } else {
    await probe(bucket, roleArn, settings, clients, add, roleOk);
  }

  const failed = results.filter((r) => r.status === 'fail' || (r.status === 'unsupported' && !r.accepted));
  const exit = failed.length ? EXIT.checkFailed : EXIT.ok;
  if (options.json) {
    ctx.stdout.write(
      `${JSON.stringify({ ok: exit === EXIT.ok, bucket, role: roleArn, checks: results }, null, 2)}\n`,
    );
  } else {
    const width = Math.max(...results.map((r) => label(r).length));
    for (const r of results) {
      ctx.stdout.write(`${label(r).padEnd(width)}  ${r.title}${r.detail ? ` (${r.detail})` : ''}\n`);
      if (r.fix && (r.status === 'fail' || (r.status === 'unsupported' && !r.accepted)))
        ctx.stdout.write(`${''.padEnd(width)}  fix: ${r.fix}\n`);
    }
    ctx.stdout.write(
      failed.length
        ? `\n${failed.length} check(s) need attention: ${failed.map((r) => r.id).join(', ')}\n`
        : '\nAll checks passed.\n',
    );
  }
  return exit;
}

function label(r: CheckResult): string {
  if (r.status === 'pass') return '[pass]';
  if (r.status === 'fail') return '[FAIL]';
  if (r.status === 'skip') return '[skip]';
  return r.accepted ? `[${UNSUPPORTED_LABEL}, accepted]` : `[${UNSUPPORTED_LABEL}]`;
}

type Add = (r: CheckResult) => void;

/** A check that cannot even read its setting is a failure on the list, not a crash of the whole report. */
async function guarded(id: string, what: string, add: Add, check: () => Promise<unknown>) {
  try {
    await check();
  } catch (error) {
    const status = httpStatusOf(error);
    add({
      id,
      title: `${what} could be read`,
      status: 'fail',
      detail: status ? `${awsErrorName(error)} (HTTP ${status})` : `no answer (${awsErrorName(error)})`,
      fix:
        status === 403
          ? 'run doctor with credentials that may read bucket settings and IAM roles (--profile)'
          : 'check --endpoint, --region and the network',
    });
  }
}

function ruleForOrigin(rules: CORSRule[], origin: string): CORSRule | undefined {
  return rules.find((r) => (r.AllowedOrigins ?? []).some((o) => o === '*' || wildcardMatch(o, origin)));
}

async function checkCors(
  bucket: string,
  settings: Settings,
  s3: S3Client,
  add: Add,
  fetchImpl: typeof fetch,
) {
  let rules: CORSRule[] = [];
  try {
    rules = (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
  }
  if (settings.origins.length === 0) {
    add({
      id: 'cors-origins',
      title: 'CORS allows the app origins',
      status: 'fail',
      detail: 'no app origin configured to check',
      fix: 'pass --origin https://app.example.com (or S3UP_ORIGINS)',
    });
    return;
  }
  for (const origin of settings.origins) {
    const rule = ruleForOrigin(rules, origin);
    if (!rule) {
      add({
        id: 'cors-origins',
        title: `CORS allows ${origin}`,
        status: 'fail',
        detail: rules.length ? 'no rule lists this origin' : 'the bucket has no CORS configuration',
        fix: SETUP_FIX,
      });
      continue;
    }
    add({ id: 'cors-origins', title: `CORS allows ${origin}`, status: 'pass' });
    const missingMethods = CORS_METHODS.filter((m) => !(rule.AllowedMethods ?? []).includes(m));
    add({
      id: 'cors-methods',
      title: `CORS allows ${CORS_METHODS.join(', ')} from ${origin}`,
      status: missingMethods.length ? 'fail' : 'pass',
      ...(missingMethods.length ? { detail: `missing ${missingMethods.join(', ')}`, fix: SETUP_FIX } : {}),
    });
    const missingHeaders = SDK_REQUEST_HEADERS.filter(
      (h) => !(rule.AllowedHeaders ?? []).some((p) => wildcardMatch(p, h, true)),
    );
    add({
      id: 'cors-headers',
      title: `CORS allows the authorization and x-amz-* headers from ${origin}`,
      status: missingHeaders.length ? 'fail' : 'pass',
      ...(missingHeaders.length ? { detail: `missing ${missingHeaders.join(', ')}`, fix: SETUP_FIX } : {}),
    });
    const exposesEtag = (rule.ExposeHeaders ?? []).some((h) => h.toLowerCase() === 'etag');
    add({
      id: 'cors-expose-etag',
      title: `CORS exposes ETag to ${origin}`,
      status: exposesEtag ? 'pass' : 'fail',
      ...(exposesEtag
        ? {}
        : {
            detail: 'without it the browser cannot read part ETags and multipart uploads cannot complete',
            fix: SETUP_FIX,
          }),
    });
    await checkPreflight(bucket, origin, settings, add, fetchImpl);
  }
}

/** A real preflight, as the browser sends it before an UploadPart: what the configuration promises, on the wire. */
async function checkPreflight(
  bucket: string,
  origin: string,
  settings: Settings,
  add: Add,
  fetchImpl: typeof fetch,
) {
  // A concrete origin for wildcard entries (`http://localhost:*` → port 5173).
  const concrete = origin.replace('://*.', '://app.').replace(':*', ':5173');
  const base = settings.endpoint
    ? `${settings.endpoint}/${bucket}`
    : settings.forcePathStyle
      ? `https://s3.${settings.region}.amazonaws.com/${bucket}`
      : `https://${bucket}.s3.${settings.region}.amazonaws.com`;
  const title = `CORS preflight for a part upload from ${concrete} succeeds`;
  try {
    const response = await fetchImpl(`${base}/s3up-doctor/preflight`, {
      method: 'OPTIONS',
      headers: {
        Origin: concrete,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': SDK_REQUEST_HEADERS.join(','),
      },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    const allowOrigin = response.headers.get('access-control-allow-origin');
    const ok = response.ok && (allowOrigin === concrete || allowOrigin === '*');
    add({
      id: 'cors-preflight',
      title,
      status: ok ? 'pass' : 'fail',
      ...(ok
        ? {}
        : {
            detail: `OPTIONS answered ${response.status}, allow-origin ${allowOrigin ?? 'absent'}`,
            fix: SETUP_FIX,
          }),
    });
  } catch (error) {
    add({
      id: 'cors-preflight',
      title,
      status: 'fail',
      detail: `no answer (${(error as Error).message})`,
      fix: 'check --endpoint and the network',
    });
  }
}

async function checkLifecycle(bucket: string, s3: S3Client, add: Add) {
  const title = 'Lifecycle rule aborts incomplete multipart uploads (1 to 7 days)';
  try {
    const { Rules } = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    const rule = (Rules ?? []).find((r) => {
      const days = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation;
      const prefix = r.Filter?.Prefix ?? r.Prefix ?? '';
      return (
        r.Status === 'Enabled' &&
        days !== undefined &&
        days >= 1 &&
        days <= 7 &&
        prefix === '' &&
        !r.Filter?.Tag &&
        !r.Filter?.And
      );
    });
    add(
      rule
        ? {
            id: 'lifecycle-abort-incomplete',
            title,
            status: 'pass',
            detail: `rule ${rule.ID ?? '(unnamed)'}, ${rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation} day(s)`,
          }
        : {
            id: 'lifecycle-abort-incomplete',
            title,
            status: 'fail',
            detail: 'no enabled bucket-wide AbortIncompleteMultipartUpload rule',
            fix: SETUP_FIX,
          },
    );
  } catch (error) {
    if (httpStatusOf(error) === 404) {
      add({
        id: 'lifecycle-abort-incomplete',
        title,
        status: 'fail',
        detail: 'the bucket has no lifecycle configuration',
        fix: SETUP_FIX,
      });
    } else if (isUnsupportedByEndpoint(error)) {
      add({
        id: 'lifecycle-abort-incomplete',
        title,
        status: 'unsupported',
        fix: 'accept it for local development with --accept-unsupported lifecycle-abort-incomplete',
      });
    } else throw error;
  }
}

async function checkPublicAccess(bucket: string, s3: S3Client, add: Add) {
  const title = 'Block Public Access is on';
  const current = await readPublicAccessBlock(s3, bucket);
  const off = Object.entries(current)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (off.length === 0) return add({ id: 'public-access-block', title, status: 'pass' });
  // Evidence, not a guess: `setup` tags the bucket only after watching writes fail.
  const unsupported = await readUnsupportedTag(s3, bucket);
  if (off.length === 1 && off[0] === 'BlockPublicAcls' && unsupported.includes('BlockPublicAcls')) {
    return add({
      id: 'public-access-block',
      title,
      status: 'unsupported',
      detail:
        'BlockPublicAcls is off: s3up setup found this endpoint refuses every upload while it is on; the other three are on',
      fix: 'accept it for local development with --accept-unsupported public-access-block',
    });
  }
  add({ id: 'public-access-block', title, status: 'fail', detail: `off: ${off.join(', ')}`, fix: SETUP_FIX });
}

async function checkOwnership(bucket: string, s3: S3Client, add: Add) {
  const title = 'Object Ownership is BucketOwnerEnforced (ACLs off)';
  const accept = 'accept it for local development with --accept-unsupported object-ownership';
  try {
    const { OwnershipControls } = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    const rules = OwnershipControls?.Rules ?? [];
    // AWS always answers a rule (404 when none); an empty 200 is an endpoint without the feature.
    if (rules.length === 0)
      return add({
        id: 'object-ownership',
        title,
        status: 'unsupported',
        detail: 'the endpoint answers without any ownership setting',
        fix: accept,
      });
    const value = rules[0]?.ObjectOwnership;
    add(
      value === 'BucketOwnerEnforced'
        ? { id: 'object-ownership', title, status: 'pass' }
        : { id: 'object-ownership', title, status: 'fail', detail: `it is ${value}`, fix: SETUP_FIX },
    );
  } catch (error) {
    if (isUnsupportedByEndpoint(error))
      return add({ id: 'object-ownership', title, status: 'unsupported', fix: accept });
    if (httpStatusOf(error) === 404)
      return add({
        id: 'object-ownership',
        title,
        status: 'fail',
        detail: 'no ownership controls',
        fix: SETUP_FIX,
      });
    throw error;
  }
}

async function checkEncryption(bucket: string, s3: S3Client, add: Add) {
  const title = 'Default encryption is on';
  const accept = 'accept it for local development with --accept-unsupported default-encryption';
  try {
    const { ServerSideEncryptionConfiguration: c } = await s3.send(
      new GetBucketEncryptionCommand({ Bucket: bucket }),
    );
    const rules = c?.Rules ?? [];
    if (rules.length === 0)
      return add({
        id: 'default-encryption',
        title,
        status: 'unsupported',
        detail: 'the endpoint answers without any encryption setting',
        fix: accept,
      });
    const algorithm = rules[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    add(
      algorithm
        ? { id: 'default-encryption', title, status: 'pass', detail: algorithm }
        : { id: 'default-encryption', title, status: 'fail', detail: 'no default algorithm', fix: SETUP_FIX },
    );
  } catch (error) {
    if (isUnsupportedByEndpoint(error))
      return add({ id: 'default-encryption', title, status: 'unsupported', fix: accept });
    if (httpStatusOf(error) === 404)
      return add({
        id: 'default-encryption',
        title,
        status: 'fail',
        detail: 'no default encryption',
        fix: SETUP_FIX,
      });
    throw error;
  }
}

function checkTrust(role: Role | undefined, settings: Settings, add: Add): boolean {
  const title = 'The role trusts the token service (sts:AssumeRole)';
  const principal = settings.tokenServicePrincipal;
  const statements = statementsOf(parsePolicyDocument(role?.AssumeRolePolicyDocument));
  const trusted = statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      coversAction(s, 'sts:AssumeRole') &&
      typeof s.Principal === 'object' &&
      asList(s.Principal.AWS).length > 0,
  );
  const principals = trusted.flatMap((s) => asList((s.Principal as { AWS?: string | string[] }).AWS));
  if (!principal) {
    const ok = principals.length > 0;
    add({
      id: 'role-trust',
      title,
      status: ok ? 'pass' : 'fail',
      detail: ok
        ? `trusted: ${principals.join(', ')} (pass --token-service to check it is the right one)`
        : 'no principal may assume the role',
      ...(ok ? {} : { fix: SETUP_FIX }),
    });
    return ok;
  }
  const ok = principals.some((p) => p === principal || p === '*' || wildcardMatch(p, principal));
  add({
    id: 'role-trust',
    title,
    status: ok ? 'pass' : 'fail',
    ...(ok
      ? {}
      : {
          detail: `${principal} is not trusted${principals.length ? ` (trusted: ${principals.join(', ')})` : ''}`,
          fix: SETUP_FIX,
        }),
  });
  return ok;
}

function checkSessionLength(role: Role | undefined, settings: Settings, add: Add): boolean {
  const max = role?.MaxSessionDuration ?? 3600;
  const ok = max >= settings.sessionSeconds;
  add({
    id: 'role-session-duration',
    title: `The role allows the configured session length (${formatDuration(settings.sessionSeconds)})`,
    status: ok ? 'pass' : 'fail',
    detail: `MaxSessionDuration ${formatDuration(max)}`,
    ...(ok
      ? {}
      : {
          fix: `raise MaxSessionDuration (${SETUP_FIX} --max-session-duration) or shorten --session-duration`,
        }),
  });
  return ok;
}

async function checkRolePermissions(roleName: string, bucket: string, iam: AwsClients['iam'], add: Add) {
  const title = `The role may upload into ${bucket}`;
  const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  const needed = ['s3:PutObject', 's3:AbortMultipartUpload'];
  const objectArn = `arn:aws:s3:::${bucket}/s3up-doctor/x`;
  const covered = new Set<string>();
  for (const PolicyName of PolicyNames ?? []) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }));
    for (const s of statementsOf(parsePolicyDocument(PolicyDocument))) {
      if (s.Effect !== 'Allow' || !asList(s.Resource).some((r) => wildcardMatch(r, objectArn))) continue;
      for (const action of needed) if (coversAction(s, action)) covered.add(action);
    }
  }
  if (needed.some((a) => !covered.has(a))) {
    // Managed policies too (AWS); endpoints without the API (Ceph answers 405) have only inline ones.
    try {
      const { AttachedPolicies } = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
      );
      for (const { PolicyArn } of AttachedPolicies ?? []) {
        if (!PolicyArn) continue;
        const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
        const { PolicyVersion } = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy?.DefaultVersionId }),
        );
        for (const s of statementsOf(parsePolicyDocument(PolicyVersion?.Document))) {
          if (s.Effect !== 'Allow' || !asList(s.Resource).some((r) => wildcardMatch(r, objectArn))) continue;
          for (const action of needed) if (coversAction(s, action)) covered.add(action);
        }
      }
    } catch (error) {
      if (!isUnsupportedByEndpoint(error)) throw error;
    }
  }
  const missing = needed.filter((a) => !covered.has(a));
  add({
    id: 'role-permissions',
    title,
    status: missing.length ? 'fail' : 'pass',
    ...(missing.length
      ? {
          detail: `no inline or attached policy allows ${missing.join(', ')} on ${bucket}/*`,
          fix: SETUP_FIX,
        }
      : {}),
  });
}

async function probe(
  bucket: string,
  roleArn: string,
  settings: Settings,
  clients: AwsClients,
  add: Add,
  roleOk: boolean,
) {
  const prefix = `s3up-doctor/probe-${randomBytes(6).toString('hex')}/`;
  const policy = serializeSessionPolicy(buildSessionPolicy({ bucket, prefix, scope: 'upload' }));
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } | undefined;
  const title = `Assume the role with a session policy for ${formatDuration(settings.sessionSeconds)}`;
  try {
    const { Credentials } = await clients.sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 's3up-doctor',
        DurationSeconds: settings.sessionSeconds,
        Policy: policy,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken)
      throw new Error('no credentials');
    credentials = {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
    };
    add({ id: 'probe-assume-role', title, status: 'pass' });
  } catch (error) {
    const status = httpStatusOf(error);
    add({
      id: 'probe-assume-role',
      title,
      status: 'fail',
      detail: `AssumeRole answered ${status ?? awsErrorName(error)}`,
      fix:
        status === 403
          ? 'run doctor with the token service identity (--probe-profile), and check the trust policy'
          : status === 400
            ? 'the session length may exceed the role maximum; check role-session-duration'
            : roleOk
              ? 'check STS on --endpoint / --region'
              : 'fix the role checks above first',
    });
    return;
  }
  const scoped = new S3Client({ ...s3ClientConfig(settings, credentials), maxAttempts: 2 });
  try {
    const key = `${prefix}multipart-probe`;
    try {
      const { UploadId } = await scoped.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await scoped.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
      add({
        id: 'probe-multipart',
        title: `Start and abort a multipart upload under ${prefix}`,
        status: 'pass',
      });
    } catch (error) {
      add({
        id: 'probe-multipart',
        title: `Start and abort a multipart upload under ${prefix}`,
        status: 'fail',
        detail: `${awsErrorName(error)} (${httpStatusOf(error) ?? 'no answer'})`,
        fix: `the role must allow s3:PutObject and s3:AbortMultipartUpload on the bucket; ${SETUP_FIX}`,
      });
    }
    const outside = `s3up-doctor/outside-${randomBytes(6).toString('hex')}`;
    try {
      await scoped.send(new PutObjectCommand({ Bucket: bucket, Key: outside, Body: 'must be denied' }));
      // The write went through: remove it, then report the hole.
      await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: outside })).catch(() => undefined);
      add({
        id: 'probe-outside-denied',
        title: 'A write outside the session prefix is denied',
        status: 'fail',
        detail: 'the write was accepted: session policies are not enforced',
        fix: 'the endpoint must enforce STS session policies; do not deploy on it',
      });
    } catch (error) {
      const status = httpStatusOf(error);
      add({
        id: 'probe-outside-denied',
        title: 'A write outside the session prefix is denied',
        status: status === 403 ? 'pass' : 'fail',
        ...(status === 403 ? {} : { detail: `expected 403, got ${status ?? awsErrorName(error)}` }),
      });
    }
  } finally {
    scoped.destroy();
  }
}
