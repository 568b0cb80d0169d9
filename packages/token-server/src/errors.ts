/**
 * The codes a token-server error can carry. They are part of the wire contract
 * (`{ "error": { "code", "message" } }`), so clients can branch on them.
 */
export type TokenServerErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'scope_disabled'
  | 'invalid_user_id'
  | 'policy_too_large'
  | 'sts_unavailable'
  | 'sts_error'
  | 'invalid_config'
  | 'internal';

const STATUS: Record<TokenServerErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  scope_disabled: 403,
  invalid_user_id: 403,
  policy_too_large: 500,
  sts_unavailable: 503,
  sts_error: 500,
  invalid_config: 500,
  internal: 500,
};

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
    this.status = options.status ?? STATUS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The JSON body sent to clients. */
  toJSON(): { error: { code: TokenServerErrorCode; message: string } } {
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
