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

/** A network-level failure: nothing answered. */
export function isUnreachable(error: unknown): boolean {
  const code =
    (error as { code?: string; cause?: { code?: string } } | null)?.code ??
    (error as { cause?: { code?: string } } | null)?.cause?.code;
  return (
    httpStatusOf(error) === undefined &&
    ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(
      code ?? '',
    )
  );
}

/**
 * Turns an SDK error into a CliError whose message says what to do. `what` names the
 * operation in the operator's terms ("reading the bucket CORS").
 */
export function toCliError(error: unknown, what: string): CliError {
  const status = httpStatusOf(error);
  if (isUnreachable(error) || status === undefined) {
    return new CliError(
      'unreachable',
      `${what} failed: the endpoint did not answer (${awsErrorName(error)}). Check S3UP_ENDPOINT / --endpoint and your network.`,
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
