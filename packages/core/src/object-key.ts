import { isContractError, keyProblem, objectKey } from '@s3up/contract';
import { UploadError } from './errors.js';

// What a safe key is lives in @s3up/contract, shared with the token server's presigner and
// the CLI. The engine cleans file names into keys (their user cannot rename the file) and
// refuses `keyFor` keys that break a rule (their author can fix the function).
export { cleanFileName } from '@s3up/contract';

/**
 * The contract's RENDITIONS_FOLDER, spelt out so the render bundle does not carry the whole
 * rendition-key module for one string (building-blocks.test.ts checks they agree).
 */
export const RESERVED_FOLDER = '.thumbnails/';

/** The default key: `<prefix><id>/<clean file name>`, at most 1024 bytes. */
export function defaultKey(prefix: string, id: string, name: string): string {
  try {
    return objectKey(`${prefix}${id}/`, name);
  } catch (error) {
    if (isContractError(error)) throw new UploadError('invalid-key', error.message, { cause: error });
    throw error;
  }
}

/**
 * Checks a key from `keyFor`: inside the prefix, and safe by the contract's rules (no
 * control or invisible formatting characters, no backslash, NFC, no empty, `.` or `..`
 * segments, no names with whitespace at their ends, at most 1024 bytes). Throws an
 * `invalid-key` error that says which rule broke.
 */
export function checkKey(key: unknown, prefix: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new UploadError('invalid-key', 'keyFor must return a non-empty string.');
  }
  if (!key.startsWith(prefix)) {
    throw new UploadError(
      'invalid-key',
      `keyFor returned "${key}", outside the user's prefix "${prefix}": build keys from ctx.prefix.`,
    );
  }
  if (key.startsWith(prefix + RESERVED_FOLDER)) {
    throw new UploadError(
      'invalid-key',
      `keyFor returned "${key}", inside "${prefix}${RESERVED_FOLDER}", which is reserved for thumbnails (see renditionKey in @s3up/contract); choose another folder.`,
    );
  }
  const problem = keyProblem(key);
  // Without the key itself: it may hold the very bidi override the rule is about.
  if (problem !== undefined) throw new UploadError('invalid-key', `keyFor returned a key that ${problem}.`);
  return key;
}
