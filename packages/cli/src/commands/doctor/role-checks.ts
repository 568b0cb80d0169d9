import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { actionsFor } from '@s3up/token-server/policy';
import type { AwsClients } from '../../aws-clients.js';
import { httpStatusOf } from '../../aws-error.js';
import { roleArnOf, roleNameOf, type Settings } from '../../config.js';
import { formatDuration } from '../../duration.js';
import { isUnsupportedByEndpoint } from '../../endpoint-support.js';
import {
  asList,
  type PolicyStatement,
  parsePolicyDocument,
  statementsOf,
  wildcardMatch,
} from '../../policy-document.js';
import { type Decision, evaluate } from '../../policy-evaluation.js';
import { type Add, failureOf, SETUP_FIX } from './report.js';

export const ROLE_CHECKS = ['role-trust', 'role-session-duration', 'role-permissions'] as const;

interface RoleCheckInput {
  role: string;
  bucket: string;
  settings: Settings;
  iam: AwsClients['iam'];
  add: Add;
  /** Whether the live probe runs: a statement doctor cannot judge is then left to it. */
  probing: boolean;
  now: Date;
}

/**
 * Role checks: it exists, trusts the token service (and nobody else), allows the session
 * length and may do what an upload session does. Returns the role's ARN as IAM knows it
 * (the probe assumes that one) and whether the role looked right.
 */
export async function checkRole(input: RoleCheckInput): Promise<{ roleArn: string; roleOk: boolean }> {
  const { role, add } = input;
  let roleArn = roleArnOf(role);
  let current: Role | undefined;
  try {
    current = (await input.iam.send(new GetRoleCommand({ RoleName: roleNameOf(role) }))).Role;
  } catch (error) {
    const status = httpStatusOf(error);
    const failure = failureOf(error, 'GetRole', input.settings);
    add({
      id: 'role-trust',
      title: `Role ${roleNameOf(role)} exists and trusts the token service`,
      status: 'fail',
      ...failure,
      ...(status === 404
        ? { detail: 'the role does not exist', fix: SETUP_FIX }
        : status === 403
          ? { fix: 'read IAM with an identity allowed iam:GetRole: --iam-profile (S3UP_IAM_PROFILE)' }
          : {}),
    });
    for (const id of ROLE_CHECKS.slice(1))
      add({ id, title: id, status: 'skip', detail: 'the role could not be read' });
    return { roleArn, roleOk: false };
  }
  if (current?.Arn) roleArn = current.Arn;
  const trustOk = checkTrust(current, roleArn, input);
  const lengthOk = checkSessionLength(current, input.settings, add);
  let permissionsOk = false;
  try {
    permissionsOk = await checkRolePermissions(input);
  } catch (error) {
    add({
      id: 'role-permissions',
      title: 'The role policies could be read',
      status: 'fail',
      ...failureOf(error, 'reading the role policies', input.settings),
    });
  }
  return { roleArn, roleOk: trustOk && lengthOk && permissionsOk };
}

/** Keys every session of the role has that doctor knows without asking: a new session, now. */
function knownKeys(settings: Settings, now: Date) {
  return {
    'aws:currenttime': now,
    'aws:tokenissuetime': now,
    'aws:securetransport': settings.endpoint ? settings.endpoint.startsWith('https:') : true,
  };
}

function principalsOf(s: PolicyStatement): string[] {
  if (s.Principal === '*') return ['*'];
  if (typeof s.Principal !== 'object') return [];
  return asList(s.Principal.AWS);
}

/** Cannot judge: with the probe running, the wire decides; without it, doctor must not pass. */
function undecided(input: RoleCheckInput, id: string, title: string, because: string[]): ReturnType<Add> {
  input.add(
    input.probing
      ? {
          id,
          title,
          status: 'skip',
          detail: `doctor cannot judge ${because.join('; ')}: the live probe checks it on the wire`,
        }
      : {
          id,
          title,
          status: 'fail',
          detail: `doctor cannot judge ${because.join('; ')}`,
          fix: 'run doctor without --no-probe so the live probe checks it, or review the statement by hand',
        },
  );
}

function checkTrust(role: Role | undefined, roleArn: string, input: RoleCheckInput): boolean {
  const { settings, add } = input;
  const title = 'The role trusts the token service, and only it (sts:AssumeRole)';
  const statements = statementsOf(parsePolicyDocument(role?.AssumeRolePolicyDocument));
  const assume = statements.filter(
    (s) => s.Effect === 'Allow' && asList(s.Action).some((a) => wildcardMatch(a, 'sts:AssumeRole', true)),
  );
  const trusted = [...new Set(assume.flatMap(principalsOf))];
  // Anyone: `Principal: "*"` or `{"AWS": "*"}`, unless a condition narrows it (which doctor then cannot judge).
  const open = assume.filter((s) => principalsOf(s).some((p) => p.includes('*')));
  const openUnconditioned = open.filter((s) => !s.Condition);
  if (openUnconditioned.length) {
    add({
      id: 'role-trust',
      title,
      status: 'fail',
      detail: `the trust policy lets anyone assume the role (Principal ${principalsOf(openUnconditioned[0]!).join(', ')}), and with it write anywhere in the bucket`,
      fix: `trust only the token service: ${SETUP_FIX}`,
    });
    return false;
  }
  const principal = settings.tokenServicePrincipal;
  if (!principal) {
    add({
      id: 'role-trust',
      title,
      status: 'fail',
      detail: trusted.length
        ? `trusted: ${trusted.join(', ')}; without --token-service doctor cannot tell whether that is the token service`
        : 'no principal may assume the role',
      fix: 'pass --token-service <arn of the identity the token server runs as> (S3UP_TOKEN_SERVICE_PRINCIPAL)',
    });
    return false;
  }
  const others = trusted.filter((p) => p !== principal && !p.includes('*'));
  const relevant = statements.filter((s) =>
    principalsOf(s).some((p) => p === principal || wildcardMatch(p, principal)),
  );
  const decision = evaluate(relevant, {
    action: 'sts:AssumeRole',
    resource: roleArn,
    keys: knownKeys(settings, input.now),
  });
  if (decision.decision === 'cannot-judge') {
    undecided(input, 'role-trust', title, decision.because);
    return true;
  }
  if (decision.decision !== 'allowed') {
    add({
      id: 'role-trust',
      title,
      status: 'fail',
      detail:
        decision.decision === 'denied'
          ? `${principal} is explicitly denied sts:AssumeRole by ${decision.by}`
          : `${principal} is not trusted${trusted.length ? ` (trusted: ${trusted.join(', ')})` : ''}`,
      fix: SETUP_FIX,
    });
    return false;
  }
  if (others.length) {
    add({
      id: 'role-trust',
      title,
      status: 'fail',
      detail: `also trusted: ${others.join(', ')}; each gets the role's bucket-wide access, not one user's prefix`,
      fix: `trust only the token service: ${SETUP_FIX}`,
    });
    return false;
  }
  add({ id: 'role-trust', title, status: 'pass', detail: `trusted: ${principal}` });
  return true;
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
          fix: `raise MaxSessionDuration (s3up setup --apply --max-session-duration ${formatDuration(settings.sessionSeconds)}) or shorten --session-duration`,
        }),
  });
  return ok;
}

/** Every statement of the role's inline policies and, where the endpoint has the API, its managed ones. */
async function roleStatements(roleName: string, iam: AwsClients['iam']): Promise<PolicyStatement[]> {
  const statements: PolicyStatement[] = [];
  const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  for (const PolicyName of PolicyNames ?? []) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }));
    statements.push(...statementsOf(parsePolicyDocument(PolicyDocument)));
  }
  try {
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    for (const { PolicyArn } of AttachedPolicies ?? []) {
      if (!PolicyArn) continue;
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
      const { PolicyVersion } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy?.DefaultVersionId }),
      );
      statements.push(...statementsOf(parsePolicyDocument(PolicyVersion?.Document)));
    }
  } catch (error) {
    // Ceph RGW answers 405: it has inline policies only.
    if (!isUnsupportedByEndpoint(error)) throw error;
  }
  return statements;
}

const WHY: Record<string, string> = {
  's3:ListMultipartUploadParts':
    'without it resume is off: ListParts is refused and an interrupted upload starts over',
  's3:AbortMultipartUpload': 'without it cancelled uploads leave their parts behind',
  's3:PutObject': 'without it nothing can be uploaded',
  's3:DeleteObject': "without it the delete scope's sessions cannot remove a file: every Delete answers 403",
  's3:GetObject': 'without it the read scope cannot download or presign a file',
  's3:ListBucket': "without it the list scope cannot list a user's files",
};

/** Bucket-level actions are granted on the bucket's ARN, object actions on its keys. */
const BUCKET_LEVEL = new Set(['s3:ListBucket']);

async function checkRolePermissions(input: RoleCheckInput): Promise<boolean> {
  const { bucket, add } = input;
  const scopes = input.settings.scopes;
  const actions = actionsFor(scopes);
  const title = `The role may do what the token server's sessions do in ${bucket} (${scopes.join(', ')}: ${actions.join(', ')})`;
  const statements = await roleStatements(roleNameOf(input.role), input.iam);
  const decisions = actions.map((action): [string, Decision] => [
    action,
    evaluate(statements, {
      action,
      resource: BUCKET_LEVEL.has(action)
        ? `arn:aws:s3:::${bucket}`
        : `arn:aws:s3:::${bucket}/s3up-doctor/probe`,
      keys: knownKeys(input.settings, input.now),
    }),
  ]);
  const denied = decisions.filter(([, d]) => d.decision === 'denied');
  const missing = decisions.filter(([, d]) => d.decision === 'not-allowed');
  if (denied.length || missing.length) {
    const parts = [
      ...missing.map(([a]) => `${a} is not allowed${WHY[a] ? ` (${WHY[a]})` : ''}`),
      ...denied.map(([a, d]) => `${a} is explicitly denied by ${(d as { by: string }).by}`),
    ];
    add({
      id: 'role-permissions',
      title,
      status: 'fail',
      detail: `on ${bucket}/*: ${parts.join('; ')}`,
      fix: denied.length
        ? `remove the Deny, then ${SETUP_FIX}`
        : `${SETUP_FIX} (it writes the inline policy s3up-bucket-access)`,
    });
    return false;
  }
  const unsure = decisions.flatMap(([, d]) => (d.decision === 'cannot-judge' ? d.because : []));
  if (unsure.length) {
    undecided(input, 'role-permissions', title, [...new Set(unsure)]);
    return true;
  }
  add({ id: 'role-permissions', title, status: 'pass' });
  return true;
}
