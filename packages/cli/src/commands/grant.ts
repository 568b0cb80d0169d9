import { GetRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { policyHash } from '@s3up/token-server/policy';
import { openAuditTrail } from '../audit-trail.js';
import type { AwsClients } from '../aws-clients.js';
import { httpStatusOf, toCliError } from '../aws-error.js';
import { required, roleArnOf, type Settings } from '../config.js';
import { type CredentialFormat, formatCredentials } from '../credential-formats.js';
import { formatDuration } from '../duration.js';
import { CliError, EXIT } from '../errors.js';
import type { CommandContext } from '../io.js';
import { buildSessionPolicy, type Scope, serializeSessionPolicy } from '../session-policy.js';

/**
 * A bare role name needs the account id on AWS: ask IAM for the ARN. Without IAM read
 * access, fall back to the account-less form (which Ceph RGW accepts) and let STS judge.
 */
async function resolveRoleArn(role: string, clients: AwsClients): Promise<string> {
  if (role.startsWith('arn:')) return role;
  try {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: role }));
    if (Role?.Arn) return Role.Arn;
  } catch {
    // fall through: STS gives the definitive answer, and its error names the fix
  }
  return roleArnOf(role);
}

export interface GrantOptions {
  prefix: string;
  read: boolean;
  list: boolean;
  expiresSeconds: number;
  format: CredentialFormat;
  /** Profile / remote name in the output. Default `s3up-grant`. */
  name: string;
  /** Who the grant is for, recorded in the audit log and the session name. */
  for: string;
}

/**
 * `s3up grant`: read-only temporary credentials for one prefix, printed for a partner's
 * tool, with an audit line in the token server's format.
 */
export async function runGrant(
  settings: Settings,
  options: GrantOptions,
  ctx: CommandContext,
  clients: AwsClients,
) {
  const bucket = required(settings.bucket, '--bucket', 'S3UP_BUCKET');
  const role = required(settings.role, '--role', 'S3UP_ROLE_ARN');
  if (!options.read)
    throw new CliError(
      'invalid_argument',
      'grant only issues read access: pass --read (and --list to allow listing the prefix).',
    );
  const prefix = options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
  if (!/^[\w+=,.@-]{1,48}$/.test(options.for))
    throw new CliError(
      'invalid_argument',
      `--for "${options.for}" must be 1 to 48 letters, digits or + = , . @ _ - (it names the session).`,
    );
  const scope: Scope[] = options.list ? ['read', 'list'] : ['read'];
  const policy = serializeSessionPolicy(buildSessionPolicy({ bucket, prefix, scope }));
  let response: AssumeRoleCommandOutput;
  try {
    response = await clients.sts.send(
      new AssumeRoleCommand({
        RoleArn: await resolveRoleArn(role, clients),
        RoleSessionName: `s3up-grant-${options.for}`,
        DurationSeconds: options.expiresSeconds,
        Policy: policy,
      }),
    );
  } catch (error) {
    if (httpStatusOf(error) === 400)
      throw new CliError(
        'sts_refused',
        `STS refused --expires ${formatDuration(options.expiresSeconds)}: it must be at least 15m on AWS and at most the role's MaxSessionDuration ` +
          '(s3up doctor shows it; s3up setup --max-session-duration raises it).',
        { cause: error },
      );
    throw toCliError(error, `assuming role ${role}`);
  }
  const c = response.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
    throw new CliError(
      'sts_refused',
      'STS answered without credentials; retry, and check the role with s3up doctor.',
    );
  const audit = openAuditTrail(settings.auditLog, ctx.stderr);
  audit.issued({
    kind: 'grant',
    userId: options.for,
    scope: scope.join('+'),
    bucket,
    prefix,
    durationSeconds: options.expiresSeconds,
    expiration: c.Expiration.toISOString(),
    accessKeyId: c.AccessKeyId,
    policySha256: policyHash(policy),
    ...(response.PackedPolicySize !== undefined ? { packedPolicySize: response.PackedPolicySize } : {}),
  });
  ctx.stdout.write(
    formatCredentials(
      options.format,
      {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
        bucket,
        prefix,
        list: options.list,
      },
      settings,
      options.name,
    ),
  );
  return EXIT.ok;
}
