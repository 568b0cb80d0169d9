import { TokenServerError } from './errors.js';

/** S3's key limit, in UTF-8 bytes, for the full key (prefix included). */
export const MAX_KEY_BYTES = 1024;

/**
 * Joins a client-supplied key to the user's prefix, refusing anything that could read as
 * another path: a leading `/`, empty, `.` or `..` segments, backslashes and control
 * characters. The signature then fixes the exact key, so the prefix is the scope.
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
  if (key.length === 0) throw fail('is empty');
  if (key.startsWith('/')) throw fail('must not start with "/"');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw fail('contains control characters or a backslash');
  const segments = key.split('/');
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1))) {
    throw fail('contains an empty, "." or ".." segment');
  }
  if (segments.at(-1) === '') throw fail('must name an object, not end with "/"');
  // The presigned POST form variable S3 replaces with the uploaded file's name.
  const filenameVariable = '$' + '{filename}';
  const variable = key.indexOf(filenameVariable);
  if (
    variable >= 0 &&
    !(options.allowFilenameVariable && variable === key.length - filenameVariable.length)
  ) {
    throw fail(`may hold "${filenameVariable}" only at its end, and only for POST`);
  }
  const full = `${prefix}${key}`;
  if (Buffer.byteLength(full, 'utf8') > MAX_KEY_BYTES)
    throw fail(`is longer than S3's ${MAX_KEY_BYTES} bytes`);
  return full;
}
