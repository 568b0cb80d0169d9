import { mintToken } from '@s3up/testkit/jwt';
import type { ProvidedTokenServer } from '@s3up/testkit/provided-token-server';
import type { CredentialsOptions } from '../../src/index.js';

export type TokenServerInfo = ProvidedTokenServer;

/** A user id unique to this run, so tests never see each other's objects. */
export function testUser(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Credentials options for `user` against the real token server, the way an app passes
 * its auth header. `durationSeconds` asks for short sessions (the local backend accepts 1 s);
 * `rewrite` edits each answer (to route S3 through a counting proxy).
 */
export async function tokenCredentials(
  server: TokenServerInfo,
  user: string,
  options: {
    durationSeconds?: number;
    rewrite?: (body: Record<string, unknown>) => Record<string, unknown>;
    onRequest?: (scope: string) => void;
  } = {},
): Promise<CredentialsOptions> {
  const token = await mintToken(server.jwt, user, { expiresIn: '1h' });
  return {
    url: `${server.url}/credentials`,
    request: (init) => {
      const body = JSON.parse(String(init.body ?? '{}')) as Record<string, unknown>;
      options.onRequest?.(String(body.scope));
      if (options.durationSeconds !== undefined) body.durationSeconds = options.durationSeconds;
      return {
        ...init,
        body: JSON.stringify(body),
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      };
    },
    ...(options.rewrite
      ? {
          fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
            const response = await fetch(input, init);
            if (!response.ok) return response;
            const rewritten = options.rewrite!((await response.json()) as Record<string, unknown>);
            return new Response(JSON.stringify(rewritten), {
              status: 200,
              headers: { 'content-type': 'application/json' },
            });
          },
        }
      : {}),
  };
}
