import { ContractError } from './contract-error.js';

/**
 * What an authenticated user id may look like before it becomes part of a prefix
 * (`users/<id>/`), an IAM resource ARN and an `s3:prefix` condition. Letters, digits and
 * `_ . @ -`, starting with a letter or digit, at most 128 characters, and never `..`.
 * Everything that means something to IAM (`*`, `?`, `${...}`), to S3 keys (`/`), to JSON
 * or to URLs is outside it, so an id can never widen the scope it names.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;

/**
 * A key prefix that is safe inside a policy: segments of letters, digits and
 * `_ . @ = + -`, each followed by `/`, none of them `.` or `..`. Nothing IAM treats as a
 * wildcard or variable (`*`, `?`, `$`) can get in, and it ends with `/` because `*`
 * in an IAM resource also matches `/` (`users/al*` would cover `users/alice2/`).
 */
export const PREFIX_PATTERN = /^(?:[A-Za-z0-9_.@=+-]+\/)+$/;

/** The base of every user's prefix unless the operator chooses another. */
export const DEFAULT_PREFIX_BASE = 'users/';

/** True for an id that {@link USER_ID_PATTERN} accepts and that holds no `..`. */
export function isValidUserId(id: unknown): id is string {
  // `.` and `..` fit the character set but read as path segments to some tools.
  return typeof id === 'string' && USER_ID_PATTERN.test(id) && !id.includes('..');
}

/** True for a prefix that {@link PREFIX_PATTERN} accepts with no `.` or `..` segment. */
export function isSafePrefix(prefix: unknown): prefix is string {
  return (
    typeof prefix === 'string' &&
    PREFIX_PATTERN.test(prefix) &&
    !prefix.split('/').some((s) => s === '.' || s === '..')
  );
}

/** A prefix base is empty (keys at the bucket's root) or a safe prefix. */
export function isSafePrefixBase(base: unknown): base is string {
  return base === '' || isSafePrefix(base);
}

/** Throws `invalid_prefix` unless {@link isSafePrefix}; the message says what a prefix may hold. */
export function assertSafePrefix(prefix: string): void {
  if (!isSafePrefix(prefix)) {
    throw new ContractError(
      'invalid_prefix',
      `The prefix "${prefix}" is not safe in a policy: use segments of letters, digits and _ . @ = + - ` +
        'separated by "/", ending with "/" (for example "users/alice/").',
      'prefix',
    );
  }
}

/**
 * The prefix of a user: `<base><userId>/`, `base` defaulting to `users/`. Throws
 * `invalid_prefix` when the result would not be safe in a policy.
 *
 * @example
 * ```ts
 * userPrefix('alice');              // 'users/alice/'
 * userPrefix('alice', 'tenant-1/'); // 'tenant-1/alice/'
 * userPrefix('a*');                 // throws invalid_prefix
 * userPrefix('alice', 'users');     // throws invalid_prefix: the base must end with "/"
 * ```
 */
export function userPrefix(userId: string, base: string = DEFAULT_PREFIX_BASE): string {
  // Checked alone too: "users" + "alice" would make the safe-looking but wrong "usersalice/".
  if (!isSafePrefixBase(base)) {
    throw new ContractError(
      'invalid_prefix',
      `The prefix base "${base}" must be empty or end with "/" (for example "users/"), with segments of letters, digits and _ . @ = + -.`,
      'prefixBase',
    );
  }
  const prefix = `${base}${userId}/`;
  assertSafePrefix(prefix);
  return prefix;
}
