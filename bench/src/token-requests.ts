/**
 * The body of `POST /credentials` as `@s3up/core` sends it (`credentials-source.ts`): the
 * load generators send this, not `{}`, so the measured path validates the scope as a page's
 * request makes it do.
 */
export const CREDENTIALS_BODY = JSON.stringify({ scope: 'upload' });

/** The request of the load generators (autocannon) for one user's token. */
export function credentialsRequest(token: string) {
  return {
    method: 'POST' as const,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: CREDENTIALS_BODY,
  };
}

/**
 * One `POST /credentials` as a page makes it, body read to the end: the token benchmarks'
 * warm-up and simulated-hour request. Resolves to the status.
 */
export async function postCredentials(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: CREDENTIALS_BODY,
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  return response.status;
}
