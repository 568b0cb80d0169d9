/**
 * One `POST /credentials` as a page makes it, body read to the end: the token benchmarks'
 * warm-up and simulated-hour request. Resolves to the status.
 */
export async function postCredentials(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  return response.status;
}
