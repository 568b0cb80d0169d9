import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import type { AwsClients } from '../../aws-clients.js';
import { awsErrorName, httpStatusOf } from '../../aws-error.js';
import { roleArnOf, roleNameOf, type Settings } from '../../config.js';
import { formatDuration } from '../../duration.js';
import { isUnsupportedByEndpoint } from '../../endpoint-support.js';
import {
  asList,
  coversAction,
  parsePolicyDocument,
  statementsOf,
  wildcardMatch,
} from '../../policy-document.js';
import { type Add, guarded, SETUP_FIX } from './report.js';

/**
 * Role checks: it exists, trusts the token service, allows the session length and may
 * upload. Returns the role's ARN as IAM knows it (the probe assumes that one) and whether
 * the role looked right (the probe's fix text depends on it).
 */
export async function checkRole(
  role: string,
  bucket: string,
  settings: Settings,
  iam: AwsClients['iam'],
  add: Add,
): Promise<{ roleArn: string; roleOk: boolean }> {
  let roleArn = roleArnOf(role);
  try {
    const current = (await iam.send(new GetRoleCommand({ RoleName: roleNameOf(role) }))).Role;
    if (current?.Arn) roleArn = current.Arn;
    const roleOk = checkTrust(current, settings, add) && checkSessionLength(current, settings, add);
    await guarded('role-permissions', 'Role permissions', add, () =>
      checkRolePermissions(roleNameOf(role), bucket, iam, add),
    );
    return { roleArn, roleOk };
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
    return { roleArn, roleOk: false };
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
