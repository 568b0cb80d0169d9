import { Uploader, type UploaderOptions } from '@s3up/core';
import { MiB } from '@s3up/testkit/random-file';
import type { TokenServerUnderTest } from './token-server-under-test.js';

/**
 * An uploader on a token server under test, as a signed-in user: `tokenFor(call)` gives
 * the bearer token for the n-th credentials request (1-based), so a test can make a
 * later refresh fail. `calls()` counts the credentials requests the engine made.
 *
 * For the leak scan (case 10) the engine's credentials answers go into the server's ledger
 * (the secret keys and session tokens it received), and everything it reports to the app
 * (each final task, each failure with its message and cause) into `server.engineOutput`.
 */
export function engineFor(
  server: TokenServerUnderTest,
  user: string,
  options: Partial<UploaderOptions> & { tokenFor?: (call: number) => Promise<string> } = {},
) {
  const { tokenFor, ...rest } = options;
  let calls = 0;
  const uploader = new Uploader({
    credentials: {
      url: `${server.url}/credentials`,
      request: async (init) => {
        calls += 1;
        const token = tokenFor ? await tokenFor(calls) : await server.token(user);
        server.ledger.add('a JWT the engine sent', token);
        return {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
        };
      },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const text = await response.clone().text();
        if (response.ok) {
          const json = JSON.parse(text) as Record<string, string | undefined>;
          server.ledger.add('a secretAccessKey handed to the engine', json.secretAccessKey);
          server.ledger.add('a sessionToken handed to the engine', json.sessionToken);
        } else {
          server.errorBodies.push(text);
        }
        return response;
      },
    },
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    retry: { retries: 3, baseDelay: 50, maxDelay: 500 },
    network: null,
    resumeStore: null,
    ...rest,
  });
  for (const type of ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const) {
    uploader.addEventListener(type, (event) => {
      server.engineOutput.push(reportOf(event.detail));
    });
  }
  return { uploader, calls: () => calls };
}

/** Everything an app could show or log of an engine event: the task, the error, its causes. */
function reportOf(detail: object): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 4) return;
    seen.add(value);
    if (value instanceof Error) parts.push(`${value.name}: ${value.message}`, value.stack ?? '');
    for (const [name, inner] of Object.entries(value)) {
      if (typeof inner === 'string' || typeof inner === 'number') parts.push(`${name}=${inner}`);
      else visit(inner, depth + 1);
    }
    if (value instanceof Error) visit(value.cause, depth + 1);
  };
  visit(detail, 0);
  return parts.join('\n');
}

/** Resolves when the task is final (succeeded, failed or cancelled). */
export { settled } from '@s3up/testkit/engine-events';
