import { GetRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws-clients.js';
import { toCliError } from '../aws-error.js';
import { required, roleNameOf, type Settings } from '../config.js';
import { CliError, EXIT } from '../errors.js';
import type { CommandContext } from '../io.js';

/** The inline policy `revoke` owns; a later revoke replaces it (the newest cut-off wins). */
export const REVOKE_POLICY_NAME = 's3up-revoke-older-sessions';

/** Deny everything to sessions issued before `before` (IAM's documented revocation pattern). */
export function revokePolicy(before: Date) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RevokeOlderSessions',
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } },
      },
    ],
  };
}

/** `now`, an ISO 8601 date-time, or a duration ago (`30m`)... kept strict: ISO or `now`. */
export function parseBefore(text: string, now: Date): Date {
  if (text === 'now') return now;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime()))
    throw new CliError(
      'invalid_argument',
      `--before must be "now" or an ISO 8601 time with a zone, e.g. 2026-11-28T23:00:00Z; got "${text}".`,
    );
  if (date.getTime() > now.getTime() + 60_000)
    throw new CliError(
      'invalid_argument',
      `--before ${text} is in the future: it would also revoke sessions issued from now until then, including the token server's next ones. Use "now" or a past time.`,
    );
  return date;
}

export interface RevokeOptions {
  before: string;
  dryRun: boolean;
  json: boolean;
}

/** `s3up revoke --before <time>`: every session of the role issued before then stops working. */
export async function runRevoke(
  settings: Settings,
  options: RevokeOptions,
  ctx: CommandContext,
  clients: AwsClients,
) {
  const role = required(settings.role, '--role', 'S3UP_ROLE_ARN');
  const roleName = roleNameOf(role);
  const before = parseBefore(options.before, (ctx.now ?? (() => new Date()))());
  const policy = revokePolicy(before);
  if (options.dryRun) {
    ctx.stdout.write(
      options.json
        ? `${JSON.stringify({ dryRun: true, roleName, policyName: REVOKE_POLICY_NAME, policy }, null, 2)}\n`
        : `# would attach inline policy ${REVOKE_POLICY_NAME} to role ${roleName}:\n${JSON.stringify(policy, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  try {
    await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: REVOKE_POLICY_NAME,
        PolicyDocument: JSON.stringify(policy),
      }),
    );
  } catch (error) {
    throw toCliError(error, `attaching ${REVOKE_POLICY_NAME} to role ${roleName}`);
  }
  ctx.stdout.write(
    options.json
      ? `${JSON.stringify({ dryRun: false, roleName, policyName: REVOKE_POLICY_NAME, before: before.toISOString() })}\n`
      : `Revoked: sessions of role ${roleName} issued before ${before.toISOString()} are now denied (policy ${REVOKE_POLICY_NAME}).\n` +
          'Sessions issued after it work; the token server issues fresh ones on the next request.\n',
  );
  return EXIT.ok;
}
