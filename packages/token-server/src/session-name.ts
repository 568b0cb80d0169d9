import { createHash } from 'node:crypto';

/** STS's rule for `RoleSessionName` and `SourceIdentity`. */
export const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;
const MAX = 64;

/**
 * A `RoleSessionName` for a user: `<prefix><id>` when that fits STS's charset and 64
 * characters, otherwise the id's safe characters cut short plus 8 hex characters of its
 * SHA-256, so two long ids that share a beginning still get different names in CloudTrail.
 *
 * @example
 * ```ts
 * roleSessionName('alice');            // 's3up-alice'
 * roleSessionName('x'.repeat(100));    // 's3up-xxxx…xxx-1b2c3d4e' (64 characters)
 * ```
 */
export function roleSessionName(userId: string, prefix = 's3up-'): string {
  const safePrefix = prefix.replace(/[^\w+=,.@-]/g, '_').slice(0, 16);
  const sanitized = userId.replace(/[^\w+=,.@-]/g, '_');
  const plain = `${safePrefix}${sanitized}`;
  if (sanitized === userId && plain.length <= MAX && plain.length >= 2) return plain;
  const digest = createHash('sha256').update(userId, 'utf8').digest('hex').slice(0, 8);
  const room = MAX - safePrefix.length - 1 - digest.length;
  return `${safePrefix}${sanitized.slice(0, room)}-${digest}`;
}

/**
 * A `SourceIdentity` for a user (immutable for the session, shown in CloudTrail), or
 * `undefined` when it cannot be expressed: STS forbids a leading `aws:`.
 */
export function sourceIdentity(userId: string): string | undefined {
  const name = roleSessionName(userId, '');
  if (name.toLowerCase().startsWith('aws:') || !SESSION_NAME_PATTERN.test(name)) return undefined;
  return name;
}
