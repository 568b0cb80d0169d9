import { type CoreRequest, fromFetchRequest } from './handler/core-request.js';

/** Who is asking. The user id comes from here only, never from the request body. */
export interface AuthResult {
  userId: string;
}

/**
 * The request as every adapter hands it to an authenticator: the same shape under
 * Express, Node's http, Next.js, Hono, Fastify and Lambda, so one authenticator works in
 * all of them.
 */
export interface AuthRequest {
  /** Header values by lower-case name (repeated headers joined with `, `), as Node spells them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Cookies by name, decoded. */
  readonly cookies: Readonly<Record<string, string>>;
  readonly method: string;
  /** The full URL the client asked for. */
  readonly url: string;
  /** The web-standard Request the core serves (its body is already read). */
  readonly request: Request;
  /**
   * What the host framework has for this request, for an authenticator that reads the
   * host's own session: Express's `req`, Fastify's `request`, Hono's `Context`, the Lambda
   * event, Node's `IncomingMessage`; undefined under Next.js (use `headers`/`cookies`, or
   * Next's `cookies()` which works inside the route handler).
   */
  readonly native?: unknown;
}

/** A function that authenticates a request, or `null` when it cannot (401). */
export type AuthenticateFn = (req: AuthRequest) => AuthResult | null | Promise<AuthResult | null>;

/**
 * An authenticator. `usesCookies` turns on the cross-site protections cookie auth needs:
 * only POST with a JSON content type and an allowed `Origin`.
 */
export interface Authenticator {
  authenticate: AuthenticateFn;
  usesCookies?: boolean;
  /**
   * Drops what the authenticator remembers of verified tokens: of the users `which` accepts
   * (ids as the authenticator returned them), or of everyone. The token service calls it
   * whenever it forgets sessions (`clearCache`, a revocation, on every instance), so a
   * remembered verification never outlives one.
   */
  forget?(which?: (userId: string) => boolean): void;
}

export function toAuthenticator(auth: AuthenticateFn | Authenticator): Authenticator {
  return typeof auth === 'function' ? { authenticate: auth } : auth;
}

/** Builds the neutral request from a Fetch Request (headers lower-cased, cookies parsed). */
export function authRequest(request: Request, native?: unknown): AuthRequest {
  return authRequestOf(fromFetchRequest(request), native);
}

/**
 * The neutral request from the core's view of any host's request. Cookies are parsed, and
 * the Node adapters' URL and `Request` built, only when an authenticator reads them: a
 * bearer token needs none of them.
 */
export function authRequestOf(call: CoreRequest, native?: unknown): AuthRequest {
  const headers = call.headerRecord();
  let cookies: Record<string, string> | undefined;
  const req = {
    headers,
    get cookies() {
      cookies ??= parseCookies(headers.cookie);
      return cookies;
    },
    method: call.method,
    // Read only when asked: the Node adapters build the URL from the host's request then.
    get url() {
      return call.url;
    },
    get request() {
      return call.fetchRequest;
    },
  };
  return native === undefined ? req : Object.assign(req, { native });
}

/** `a=1; b=x%20y` → `{ a: '1', b: 'x y' }`; the first of repeated names wins; undecodable values are skipped. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in cookies) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      // A malformed escape: not a cookie we can trust to mean anything.
    }
  }
  return cookies;
}
