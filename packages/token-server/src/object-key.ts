import { keyProblem } from '@s3up/contract';
import { TokenServerError } from './errors.js';

export { MAX_KEY_BYTES } from '@s3up/contract';

// The presigned POST form variable S3 replaces with the uploaded file's name.
const FILENAME_VARIABLE = '$' + '{filename}';

/**
 * Joins a client-supplied key to the user's prefix, refusing any key the engine would
 * not store as it is: the contract's safe-key rules (`keyProblem` in `@s3up/contract`: no
 * leading `/`, no empty, `.` or `..` segments, no backslash, no control or invisible
 * formatting characters such as U+202E, NFC, no names with whitespace at their ends, at
 * most 1024 bytes with the prefix). Refused, not cleaned: the client chose the key and must
 * not get a URL for another one. The signature then fixes the exact key, so the prefix is
 * the scope.
 *
 * @example
 * ```ts
 * scopedKey('users/alice/', 'photos/cat.jpg'); // 'users/alice/photos/cat.jpg'
 * scopedKey('users/alice/', '../bob/x');       // throws bad_request
 * ```
 */
export function scopedKey(
  prefix: string,
  key: string,
  options: { allowFilenameVariable?: boolean } = {},
): string {
  const fail = (why: string) =>
    new TokenServerError(
      'bad_request',
      `"key" ${why}; give a path relative to your prefix, like "photos/cat.jpg".`,
    );
  const problem = keyProblem(key, { prefix });
  if (problem !== undefined) throw fail(problem);
  const variable = key.indexOf(FILENAME_VARIABLE);
  if (
    variable >= 0 &&
    !(options.allowFilenameVariable && variable === key.length - FILENAME_VARIABLE.length)
  ) {
    throw fail(`may hold "${FILENAME_VARIABLE}" only at its end, and only for POST`);
  }
  return `${prefix}${key}`;
}
