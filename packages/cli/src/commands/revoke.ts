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
  /** The Redis the token-server instances share (`S3UP_REDIS_URL`): told of the cut-off too. */
  redisUrl?: string | undefined;
  /** Their key namespace, when the token servers were given one (default `s3up:`). */
  redisNamespace?: string | undefined;
}

/** The URL without its password, for messages (a secret is never printed). */
function redisLabel(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the Redis URL given';
  }
}

/**
 * Tells every token-server instance sharing this Redis to stop serving cached sessions issued
 * before the cut-off (they would be refused by the deny policy anyway; without this, users get
 * refused sessions until the cache turns over). Loaded only when asked for: ioredis is needed
 * for this alone.
 */
async function tellTokenServers(before: Date, options: RevokeOptions): Promise<void> {
  if (!options.redisUrl) return;
  const { publishRevocation } = await import('@s3up/token-server/redis');
  try {
    await publishRevocation(options.redisUrl, {
      before,
      ...(options.redisNamespace ? { namespace: options.redisNamespace } : {}),
    });
  } catch (error) {
    throw new CliError(
      'unreachable',
      `The deny policy is attached, but the token servers could not be told through Redis at ${redisLabel(options.redisUrl)} ` +
        `(${error instanceof Error ? error.message : String(error)}). Their caches may hand out sessions issued before the cut-off, ` +
        'which S3 now refuses, until those expire: check --redis-url (S3UP_REDIS_URL) and run the same revoke again.',
    );
  }
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
  await tellTokenServers(before, options);
  ctx.stdout.write(
    options.json
      ? `${JSON.stringify({ dryRun: false, roleName, policyName: REVOKE_POLICY_NAME, before: before.toISOString(), tokenServersTold: Boolean(options.redisUrl) })}\n`
      : `Revoked: sessions of role ${roleName} issued before ${before.toISOString()} are now denied (policy ${REVOKE_POLICY_NAME}).\n` +
          (options.redisUrl
            ? 'The token servers sharing Redis were told: none serves an older session from its cache.\n'
            : 'Sessions issued after it work; the token server issues fresh ones on the next request.\n'),
  );
  return EXIT.ok;
}
