import type { Request } from 'express';

/** Who is asking. The user id comes from here only, never from the request body. */
export interface AuthResult {
  userId: string;
}

/** A function that authenticates a request, or `null` when it cannot (401). */
export type AuthenticateFn = (req: Request) => AuthResult | null | Promise<AuthResult | null>;

/**
 * An authenticator. `usesCookies` turns on the cross-site protections cookie auth needs:
 * only POST with a JSON content type and an allowed `Origin`.
 */
export interface Authenticator {
  authenticate: AuthenticateFn;
  usesCookies?: boolean;
}

export function toAuthenticator(auth: AuthenticateFn | Authenticator): Authenticator {
  return typeof auth === 'function' ? { authenticate: auth } : auth;
}
