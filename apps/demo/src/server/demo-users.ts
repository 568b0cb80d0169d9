import { jwtVerify, SignJWT } from 'jose';
import { DemoError } from './demo-error.js';

/** The people the sign-in screen offers; any other name matching {@link USER_ID} works too. */
export const DEMO_USERS = [
  { id: 'alice', name: 'Alice' },
  { id: 'bob', name: 'Bob' },
  { id: 'carol', name: 'Carol' },
] as const;

/**
 * A user id becomes the S3 prefix `users/<id>/` inside an IAM policy, where `*`, `$`, `/`
 * and friends widen the scope (FACTS.md): only lowercase letters, digits and inner hyphens.
 */
export const USER_ID = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Claims the token server's JWT authenticator checks. */
export const JWT_ISSUER = 's3up-demo';
export const JWT_AUDIENCE = 's3up-token-server';

export interface DemoSession {
  token: string;
  user: { id: string; name: string };
  /** ISO 8601; the app signs in again shortly before. */
  expiresAt: string;
}

export interface SessionSignerOptions {
  secret: string;
  /**
   * JWT lifetime. Default 900 s: short, so a leaked token is soon useless, and long enough
   * that the app re-signs only a few times an hour.
   */
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * Signs the short HS256 JWTs that stand in for a real identity provider: the demo's
 * sign-in is "pick a name", but the token server still verifies a real token.
 *
 * @example
 * const signer = new SessionSigner({ secret });
 * const { token } = await signer.signIn('alice');
 * await fetch('/api/credentials', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
 */
export class SessionSigner {
  readonly #key: Uint8Array;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(options: SessionSignerOptions) {
    this.#key = new TextEncoder().encode(options.secret);
    this.#ttl = options.ttlSeconds ?? 900;
    if (!Number.isInteger(this.#ttl) || this.#ttl < 10)
      throw new DemoError(
        'config',
        `JWT ttlSeconds must be an integer of at least 10, got ${options.ttlSeconds}`,
      );
    this.#now = options.now ?? Date.now;
  }

  async signIn(rawId: unknown, rawName?: unknown): Promise<DemoSession> {
    const id = typeof rawId === 'string' ? rawId.trim().toLowerCase() : '';
    if (!USER_ID.test(id))
      throw new DemoError(
        'sign-in',
        'Pick a user name of 1 to 32 lowercase letters, digits or inner hyphens, starting with a letter (e.g. "alice").',
      );
    const preset = DEMO_USERS.find((user) => user.id === id);
    const name =
      typeof rawName === 'string' && rawName.trim()
        ? rawName.trim().slice(0, 64)
        : (preset?.name ?? id[0]!.toUpperCase() + id.slice(1));
    const issuedAt = Math.floor(this.#now() / 1000);
    const expiresAt = issuedAt + this.#ttl;
    const token = await new SignJWT({ name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(id)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.#key);
    return { token, user: { id, name }, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  /** The user id of a token this signer issued, or null (expired, forged, other audience). */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.#now()),
      });
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
