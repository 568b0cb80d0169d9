import { TokenServerError } from './errors.js';

/** How an STS failure is treated: retried (throttling, outage) or mapped at once. */
export type StsFailureKind = 'throttled' | 'unavailable' | 'policy_too_large' | 'refused';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/**
 * Classifies an AWS SDK error from STS. Ceph RGW answers every STS error as `Unknown`,
 * so the HTTP status decides when the name says nothing.
 */
export function classifyStsError(error: unknown): StsFailureKind {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = [e.name, e.code, e.Code].find((v): v is string => typeof v === 'string') ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || e.$retryable?.throttling || status === 429) return 'throttled';
  if (name === 'PackedPolicyTooLarge' || name === 'PackedPolicyTooLargeException') return 'policy_too_large';
  if (NETWORK.has(name) || status === undefined || status >= 500) return 'unavailable';
  return 'refused';
}

/** A short, secret-free description for the server log: the error's name and status only. */
export function describeStsError(error: unknown): { name: string; status: number | undefined } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = [e.name, e.code, e.Code].find((v): v is string => typeof v === 'string') ?? 'Error';
  return { name, status: e.$metadata?.httpStatusCode };
}

/**
 * The client-facing error for an STS failure: generic on purpose. The AWS message can
 * name the role, the account or quote the policy, so it stays in `cause`.
 */
export function toClientError(kind: StsFailureKind, cause: unknown): TokenServerError {
  switch (kind) {
    case 'throttled':
      return new TokenServerError(
        'sts_unavailable',
        'Too many credential requests right now; retry shortly.',
        {
          cause,
          retryAfterSeconds: 2,
        },
      );
    case 'unavailable':
      return new TokenServerError(
        'sts_unavailable',
        'The credential service is unavailable; retry shortly.',
        {
          cause,
          retryAfterSeconds: 5,
        },
      );
    case 'policy_too_large':
      return new TokenServerError(
        'policy_too_large',
        'The credentials could not be issued (the session policy is too large); the operator should check the server log.',
        { cause },
      );
    default:
      return new TokenServerError(
        'sts_error',
        'The credentials could not be issued; the operator should check the server log.',
        { cause },
      );
  }
}
