import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@s3up/contract';

/**
 * The codes a token-server error can carry: the wire contract's error codes
 * (`{ "error": { "code", "message" } }`, `@s3up/contract`), so clients can branch on them.
 */
export type TokenServerErrorCode = ErrorCode;

/**
 * The one error class of the package. `message` is safe to send to a client: it never
 * holds an AWS message, a policy or a secret (those stay in `cause`, which is never
 * serialized to the wire).
 *
 * @example
 * ```ts
 * try {
 *   await issuer.issue({ userId: 'alice', scope: 'upload' });
 * } catch (error) {
 *   if (isTokenServerError(error) && error.code === 'sts_unavailable') retryLater();
 * }
 * ```
 */
export class TokenServerError extends Error {
  override readonly name = 'TokenServerError';
  readonly code: TokenServerErrorCode;
  /** HTTP status this error maps to. */
  readonly status: number;
  /** Seconds a client should wait before retrying (`Retry-After`), when it applies. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: TokenServerErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The JSON body sent to clients. */
  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * True for any token-server error, checked by shape because `instanceof` fails when two
 * copies of the package are installed.
 */
export function isTokenServerError(error: unknown): error is TokenServerError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'TokenServerError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
