import { CliError } from './errors.js';

/**
 * The HTTP status of an AWS SDK error. Ceph RGW answers STS and IAM errors unnamed
 * (`Unknown`), so the status is the only portable thing to branch on.
 */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function awsErrorName(error: unknown): string {
  const e = error as { name?: string; Code?: string } | null;
  return e?.Code ?? e?.name ?? 'Error';
}

function networkCode(error: unknown): string | undefined {
  const e = error as { code?: string; name?: string; cause?: { code?: string } } | null;
  return (
    e?.code ??
    e?.cause?.code ??
    (e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'ETIMEDOUT' : undefined)
  );
}

/** A network-level failure: nothing answered (refused, no such host, or no answer in time). */
export function isUnreachable(error: unknown): boolean {
  return (
    httpStatusOf(error) === undefined &&
    [
      'ECONNREFUSED',
      'ENOTFOUND',
      'ECONNRESET',
      'ETIMEDOUT',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'UND_ERR_CONNECT_TIMEOUT',
    ].includes(networkCode(error) ?? '')
  );
}

/**
 * Why nothing answered, in an operator's words, and what to check. `where` is the
 * endpoint URL (or "AWS"). Undefined when the error is not a network failure.
 */
export function noAnswer(error: unknown, where: string): { reason: string; fix: string } | undefined {
  if (httpStatusOf(error) !== undefined) return undefined;
  switch (networkCode(error)) {
    case 'ECONNREFUSED':
      return {
        reason: `connection refused by ${where}`,
        fix: `nothing listens at ${where}: check --endpoint (S3UP_ENDPOINT) and that the server runs`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        reason: `the host of ${where} does not resolve`,
        fix: 'check --endpoint (S3UP_ENDPOINT) and --region (S3UP_REGION), and DNS',
      };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return {
        reason: `${where} did not answer in time`,
        fix: `check that ${where} is an S3 endpoint that answers (a firewall or a hung server swallows requests)`,
      };
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        reason: `the connection to ${where} failed (${networkCode(error)})`,
        fix: 'check --endpoint (S3UP_ENDPOINT) and the network',
      };
    default:
      return undefined;
  }
}

/**
 * Turns an SDK error into a CliError whose message says what to do. `what` names the
 * operation in the operator's terms ("reading the bucket CORS").
 */
export function toCliError(error: unknown, what: string): CliError {
  const status = httpStatusOf(error);
  if (isUnreachable(error) || status === undefined) {
    const none = noAnswer(error, 'the endpoint');
    return new CliError(
      'unreachable',
      none
        ? `${what} failed: ${none.reason}; ${none.fix}.`
        : `${what} failed: the endpoint did not answer (${awsErrorName(error)}). Check S3UP_ENDPOINT / --endpoint and your network.`,
      { cause: error },
    );
  }
  if (status === 403) {
    return new CliError(
      'access_denied',
      `${what} was denied (403). The credentials in use lack the permission; use an identity allowed to do it (--profile).`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new CliError('not_found', `${what} failed: not found (404). Check the bucket and role names.`, {
      cause: error,
    });
  }
  return new CliError('sts_refused', `${what} failed with HTTP ${status} (${awsErrorName(error)}).`, {
    cause: error,
  });
}
