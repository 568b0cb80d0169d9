import { createHash } from 'node:crypto';
import { isValidUserId } from '@s3up/contract';
import { TokenServerError } from './errors.js';

// What an id may look like is the wire contract's (@s3up/contract).
export { USER_ID_PATTERN } from '@s3up/contract';

/**
 * How ids outside {@link USER_ID_PATTERN} are handled.
 * - `strict` (default): refused with `invalid_user_id` (403). Predictable prefixes that
 *   an operator can read in the bucket.
 * - `hash`: every id (valid or not) becomes `h-` + 40 hex characters of
 *   SHA-256(salt + id). Stable across restarts and servers that share the salt; use it
 *   when the identity provider's ids are e-mail addresses with `+`, URLs or non-Latin text.
 *   Mapping every id (not only the invalid ones) keeps a raw id from colliding with a hash.
 */
export type UserIdMode = 'strict' | 'hash';

export interface UserIdOptions {
  /** Default `strict`: see {@link UserIdMode}. */
  mode?: UserIdMode;
  /** Salt for `hash` mode. Default empty: the mapping is still stable, merely guessable. */
  salt?: string;
}

/**
 * Returns the id to put in the user's prefix, or throws `invalid_user_id`.
 *
 * @example
 * ```ts
 * resolveUserId('alice');                         // 'alice'
 * resolveUserId('a*');                            // throws: invalid_user_id
 * resolveUserId('José', { mode: 'hash' });        // 'h-…' (40 hex characters)
 * ```
 */
export function resolveUserId(raw: unknown, options: UserIdOptions = {}): string {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new TokenServerError('invalid_user_id', 'The authenticated user has no usable id.');
  }
  if (options.mode === 'hash') {
    const digest = createHash('sha256')
      .update(options.salt ?? '')
      .update('\0')
      .update(raw, 'utf8')
      .digest('hex');
    return `h-${digest.slice(0, 40)}`;
  }
  if (!isValidUserId(raw)) {
    throw new TokenServerError(
      'invalid_user_id',
      'The authenticated user id contains characters that cannot be used in a storage prefix; ' +
        'the operator can enable userIdMode "hash" to map such ids.',
    );
  }
  return raw;
}
