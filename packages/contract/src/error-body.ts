/**
 * The codes a token-server error can carry, and the HTTP status of each. Part of the wire
 * contract (`{ "error": { "code", "message" } }`): clients branch on the code, never on
 * the message.
 */
export const ERROR_STATUS = Object.freeze({
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
} as const);

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every error code, in the order openapi.yaml lists them. */
export const ERROR_CODES = Object.freeze(Object.keys(ERROR_STATUS) as ErrorCode[]);

/** The body of every error answer. `message` is for people; it never holds AWS text or secrets. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * The `error.code` of an error answer, or undefined when the body is not one. Codes this
 * version does not know are returned as they are: a newer server may add codes.
 */
export function errorCodeOf(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
