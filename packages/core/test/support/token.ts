import type { CredentialsOptions } from '../../src/index.js';

export interface TokenServerInfo {
  url: string;
  jwt: { secret: string; issuer: string; audience: string };
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const encodeJson = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

/**
 * An HS256 JWT for the test token server, signed with WebCrypto so the same code runs in
 * Node and in Chromium (and core needs no JWT library).
 */
export async function mintJwt(jwt: TokenServerInfo['jwt'], sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
  const payload = encodeJson({ sub, iss: jwt.issuer, aud: jwt.audience, iat: now, exp: now + 3600 });
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(jwt.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(new Uint8Array(signature))}`;
}

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
  const token = await mintJwt(server.jwt, user);
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
