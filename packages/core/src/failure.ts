import { isUploadError, UploadError } from './errors.js';

/**
 * What to do about a failed request: `retry` it after a backoff, `refresh` the
 * credentials and send it again at once, or give up (`fatal`).
 */
export type FailureAction = 'retry' | 'refresh' | 'fatal';

export interface Failure {
  action: FailureAction;
  error: UploadError;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

const TOKEN_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'InvalidToken',
]);
const THROTTLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'RequestLimitExceeded',
]);
// 400s that S3 documents as transient: the request may simply be sent again.
const TRANSIENT_4XX = new Set(['RequestTimeout', 'RequestTimeTooSkewed', 'IncompleteBody', 'BadDigest']);
const NETWORK_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
  'TypeError',
  'StallError',
]);

/** A request made no progress for `stallTimeout`: aborted by the engine, then retried. */
export class StallError extends Error {
  override readonly name = 'StallError';
}

/** True for the abort of a request by pause or cancel (not a failure). */
export function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'AbortError';
}

function statusOf(error: SdkErrorLike): number | undefined {
  return error.$metadata?.httpStatusCode ?? error.$response?.statusCode;
}

/**
 * Sorts an error from S3, the SDK, the network or the credentials endpoint into what to do
 * and the {@link UploadError} to report, with a message that says what to fix.
 * `operation` and `key` make the message specific ("UploadPart of users/a/x.bin").
 */
export function classify(error: unknown, operation: string, key: string): Failure {
  if (isUploadError(error)) {
    // From the credentials endpoint: 5xx/429/unreachable pass, and so may an unusable 2xx
    // answer (a deploy in progress, a proxy's page): retried with backoff, a bounded number
    // of times. A refusal (401/403, another 4xx) does not pass.
    const unusableAnswer =
      error.code === 'credentials' && error.status !== undefined && error.status >= 200 && error.status < 300;
    const passing = error.code === 'server' || error.code === 'network' || unusableAnswer;
    return { action: passing ? 'retry' : 'fatal', error };
  }
  if (error instanceof StallError) {
    return {
      action: 'retry',
      error: new UploadError('network', `${operation} of ${key} made no progress: ${error.message}`, {
        cause: error,
      }),
    };
  }
  const e = (error ?? {}) as SdkErrorLike;
  const status = statusOf(e);
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Unknown');
  if (status === undefined) {
    const network =
      NETWORK_NAMES.has(code) || e.code !== undefined || code === 'Unknown' || code.startsWith('XHR');
    if (!network) {
      // A RangeError, a ReferenceError...: a bug, not the connection. Say so.
      return {
        action: 'fatal',
        error: new UploadError(
          'internal',
          `${operation} of ${key} stopped on an unexpected error before S3 answered (${code}: ${e.message ?? ''}); this is a bug, please report it.`,
          { cause: error },
        ),
      };
    }
    return {
      action: 'retry',
      error: new UploadError(
        'network',
        `${operation} of ${key} failed before S3 answered (${code}). Check the connection; in a browser this is also what a bucket CORS that does not allow this origin looks like.`,
        { cause: error },
      ),
    };
  }
  const what = `${operation} of ${key}: S3 answered ${status} ${code}`;
  if (TOKEN_CODES.has(code)) {
    return {
      action: 'refresh',
      error: new UploadError('credentials', `${what}; the temporary credentials expired.`, {
        cause: error,
        status,
      }),
    };
  }
  if (status === 200) {
    // CompleteMultipartUpload (and UploadPartCopy) can fail inside a 200: S3 says retry.
    return {
      action: 'retry',
      error: new UploadError('server', `${what} inside a 200 response.`, { cause: error, status }),
    };
  }
  if (status >= 500 || status === 429 || THROTTLE_CODES.has(code)) {
    return {
      action: 'retry',
      error: new UploadError('server', `${what}; retried until giving up.`, { cause: error, status }),
    };
  }
  if (TRANSIENT_4XX.has(code)) {
    return { action: 'retry', error: new UploadError('network', `${what}.`, { cause: error, status }) };
  }
  // Ceph RGW answers NoSuchKey where AWS says NoSuchUpload (an aborted or expired upload id).
  const multipartOperation = /^(UploadPart|ListParts|CompleteMultipartUpload)/.test(operation);
  if (code === 'NoSuchUpload' || (code === 'NoSuchKey' && multipartOperation)) {
    return {
      action: 'fatal',
      error: new UploadError(
        'no-such-upload',
        `${what}: the multipart upload no longer exists (cancelled elsewhere or removed by a lifecycle rule). Retry to start the file over.`,
        { cause: error, status },
      ),
    };
  }
  if (status === 412 || code === 'PreconditionFailed') {
    return {
      action: 'fatal',
      error: new UploadError(
        'exists',
        `${key} already exists in the bucket, and this upload may only create new objects (overwrite: false, or the upload service's write-once rule) (${operation}: S3 answered ${status} ${code}); nothing was replaced. Choose another key (keyFor).`,
        { cause: error, status },
      ),
    };
  }
  if (code === 'ConditionalRequestConflict') {
    return {
      action: 'fatal',
      error: new UploadError('conflict', `${what}: another write of the key raced this one.`, {
        cause: error,
        status,
      }),
    };
  }
  if (code === 'EntityTooLarge') {
    return {
      action: 'fatal',
      error: new UploadError('too-large', `${what}: the file is larger than the bucket accepts.`, {
        cause: error,
        status,
      }),
    };
  }
  if (status === 403 || status === 401) {
    return {
      action: 'fatal',
      error: new UploadError(
        'access-denied',
        `${what}. The key must lie inside the user's prefix and the role's session policy must allow the action (s3:PutObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts${operation === 'HeadObject' ? ', s3:GetObject' : ''}); or the session is no longer valid on the server (revoked, or the backend restarted), which retry() mends with new credentials.`,
        { cause: error, status },
      ),
    };
  }
  return { action: 'fatal', error: new UploadError('request', `${what}.`, { cause: error, status }) };
}
