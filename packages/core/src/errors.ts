/**
 * What went wrong, as a stable string an app can branch on (and translate).
 *
 * - `credentials`: the token endpoint refused (401/403) or answered something unusable.
 * - `network`: the connection failed and retries ran out.
 * - `access-denied`: S3 answered 403: the key is outside the user's prefix or the role lacks an action.
 * - `cors-etag`: a part response carried no ETag, so the bucket CORS does not expose it.
 * - `integrity`: the stored object does not match the file (size after completion, part sizes).
 * - `no-such-upload`: the multipart upload no longer exists on S3 (aborted elsewhere, removed
 *   by a lifecycle rule); retry starts over. A cancel is not an error: it is `upload-cancelled`.
 * - `too-large`: the file exceeds what S3 accepts (10,000 parts of at most 5 GiB), or the `maxObjectSize` option.
 * - `server`: S3 kept answering 5xx/SlowDown after every retry, or answered an error in a 200.
 * - `request`: S3 refused the request (another 4xx); the message carries S3's error code.
 * - `invalid-options`: an option passed to `new Uploader()` is wrong; the message names it.
 * - `invalid-key`: `keyFor` returned a key S3 would reject or that escapes the prefix.
 * - `invalid-metadata`: per-file metadata given to `add()` or `setMetadata()` has a name S3
 *   cannot store or is over S3's 2 KB; the message names the field and how much to cut.
 *   Nothing was sent.
 * - `exists`: `overwrite: false` and the key already holds an object (S3 answered 412); the
 *   message names the key. Nothing was replaced.
 * - `conflict`: S3 answered 409 ConditionalRequestConflict to a conditional write after the
 *   engine's restarts (another write of the key kept racing this one).
 * - `internal`: an unexpected error inside the engine (a bug): the message carries it; report it.
 */
export type UploadErrorCode =
  | 'credentials'
  | 'network'
  | 'access-denied'
  | 'cors-etag'
  | 'integrity'
  | 'no-such-upload'
  | 'too-large'
  | 'server'
  | 'request'
  | 'invalid-options'
  | 'invalid-key'
  | 'invalid-metadata'
  | 'exists'
  | 'conflict'
  | 'internal';

const CODES: ReadonlySet<string> = new Set<UploadErrorCode>([
  'credentials',
  'network',
  'access-denied',
  'cors-etag',
  'integrity',
  'no-such-upload',
  'too-large',
  'server',
  'request',
  'invalid-options',
  'invalid-key',
  'invalid-metadata',
  'exists',
  'conflict',
  'internal',
]);

/**
 * The one error type the engine throws or reports. `code` is stable; `message` says what
 * to fix; `cause` holds the underlying error (an SDK error, a fetch failure) when there is one.
 *
 * @example
 * uploader.addEventListener('upload-failed', (e) => {
 *   if (e.detail.error.code === 'cors-etag') showAdminHint(e.detail.error.message);
 * });
 */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: UploadErrorCode;
  /** HTTP status of the response that caused it, when there was one. */
  readonly status: number | undefined;

  constructor(code: UploadErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

/**
 * True for an {@link UploadError}, also one from another copy of this package (where
 * `instanceof` fails), by checking `name` and `code`.
 */
export function isUploadError(error: unknown): error is UploadError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  return candidate.name === 'UploadError' && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
