import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Authenticator, type AuthRequest, parseCookies } from './authenticator.js';
import { TokenServerError } from './errors.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-token-cache.js';

export interface JwtAuthenticatorOptions {
  /** HS256/384/512 shared secret, at least 32 bytes. Give this or `jwksUrl`. */
  secret?: string | Uint8Array;
  /** The identity provider's JWKS (RS256, ES256, EdDSA...). Give this or `secret`. */
  jwksUrl?: string | URL;
  /** Required: the `iss` every token must carry. */
  issuer: string;
  /** Required: the `aud` every token must carry (this service's identifier). */
  audience: string | string[];
  /** Allowed algorithms. Default: HS256 with a secret; RS256, ES256, EdDSA, PS256 with a JWKS. `none` is never allowed. */
  algorithms?: string[];
  /** Claim that holds the user id. Default `sub`. */
  userIdClaim?: string;
  /** Read the token from this cookie when no `Authorization: Bearer` header is sent; turns on cookie protections. */
  cookieName?: string;
  /** Allowed clock difference with the identity provider. Default 5 s. */
  clockToleranceSeconds?: number;
  /** Refuse tokens older than this (by `iat`), e.g. `'1h'`. Default: only `exp` counts. */
  maxTokenAge?: string | number;
  /**
   * Remember accepted tokens (keyed by the token) so a repeated one is not verified again:
   * never served at or past its `exp` (nor past `iat` + `maxTokenAge`), and dropped when the
   * token service forgets the user's sessions (`clearCache`, `s3up revoke`, on every
   * instance). Default on, 10,000 tokens: a page asks again at each load and refresh, and
   * verifying was the largest cost of a cached request (issue 21). `false` verifies every
   * request (e.g. when a key may be withdrawn from the JWKS before its tokens expire).
   */
  cache?: VerifiedTokenCacheOptions | false;
  /** The clock (epoch ms) for `exp`, `iat` and the cache. Default `Date.now`; tests pass their own. */
  now?: () => number;
}

/**
 * Authenticates `Authorization: Bearer <jwt>` (or a cookie) with jose. Issuer, audience,
 * `exp` and the algorithm are checked; `alg: none`, expired and wrong-audience tokens get
 * `null` (401).
 *
 * @example
 * ```ts
 * const auth = jwtAuthenticator({ secret: process.env.JWT_SECRET!, issuer: 'https://id.example.com', audience: 's3up' });
 * app.use('/uploads', createTokenRouter({ ...aws, authenticate: auth }));
 * ```
 */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  if (!options.issuer) throw new TokenServerError('invalid_config', 'jwtAuthenticator: issuer is required.');
  if (!options.audience || (Array.isArray(options.audience) && options.audience.length === 0)) {
    throw new TokenServerError('invalid_config', 'jwtAuthenticator: audience is required.');
  }
  if ((options.secret === undefined) === (options.jwksUrl === undefined)) {
    throw new TokenServerError(
      'invalid_config',
      'jwtAuthenticator: give exactly one of secret (HS256) or jwksUrl.',
    );
  }
  let key: JWTVerifyGetKey;
  let algorithms: string[];
  if (options.secret !== undefined) {
    const secret =
      typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (secret.byteLength < 32) {
      throw new TokenServerError(
        'invalid_config',
        'jwtAuthenticator: the HS256 secret must be at least 32 bytes (256 bits); generate one with `openssl rand -base64 48`.',
      );
    }
    algorithms = options.algorithms ?? ['HS256'];
    key = hmacKeyOnce(secret);
  } else {
    let url: URL;
    try {
      url = new URL(options.jwksUrl as string | URL);
    } catch (cause) {
      throw new TokenServerError(
        'invalid_config',
        `jwtAuthenticator: jwksUrl "${options.jwksUrl}" is not a URL.`,
        {
          cause,
        },
      );
    }
    key = createRemoteJWKSet(url);
    algorithms = options.algorithms ?? ['RS256', 'ES256', 'EdDSA', 'PS256'];
  }
  if (algorithms.some((a) => a.toLowerCase() === 'none')) {
    throw new TokenServerError(
      'invalid_config',
      'jwtAuthenticator: the "none" algorithm can never be allowed.',
    );
  }
  const claim = options.userIdClaim ?? 'sub';
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 5,
    // A token without exp would authenticate forever.
    requiredClaims: ['exp', claim],
    ...(options.maxTokenAge === undefined ? {} : { maxTokenAge: options.maxTokenAge }),
  };
  const cookieName = options.cookieName;
  const toleranceSeconds = options.clockToleranceSeconds ?? 5;
  const now = options.now ?? Date.now;
  const cache = options.cache === false ? undefined : new VerifiedTokenCache(options.cache);
  const maxAgeSeconds = options.maxTokenAge === undefined ? undefined : durationSeconds(options.maxTokenAge);
  return {
    usesCookies: cookieName !== undefined,
    async authenticate(req: AuthRequest) {
      const token = bearerToken(req) ?? (cookieName ? cookieValue(req, cookieName) : undefined);
      if (!token) return null;
      const at = now();
      const known = cache?.get(token, at);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, key, { ...verifyOptions, currentDate: new Date(at) });
        // jose checks iat only with maxTokenAge: a token "issued" in the future comes from a
        // broken or forged issuer clock and would outlive the window the issuer meant.
        if (typeof payload.iat === 'number' && payload.iat > at / 1000 + toleranceSeconds) return null;
        const userId = payload[claim];
        if (typeof userId !== 'string' || userId.length === 0) return null;
        const result = { userId };
        if (cache && typeof payload.exp === 'number') {
          // Never past exp, even inside the clock tolerance jose grants a token it verifies.
          let until = payload.exp * 1000;
          if (options.maxTokenAge !== undefined) {
            // A max age the cache cannot read (or no iat to count from) leaves the token uncached.
            until =
              maxAgeSeconds === undefined || typeof payload.iat !== 'number'
                ? at
                : Math.min(until, (payload.iat + maxAgeSeconds) * 1000);
          }
          cache.set(token, result, until, at);
        }
        return result;
      } catch {
        // Expired, wrong audience or issuer, bad signature, alg none: all are "not authenticated".
        return null;
      }
    },
    ...(cache ? { forget: (which?: (userId: string) => boolean) => cache.forget(which) } : {}),
  };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_557_600 };

/** jose's duration forms ('90s', '1h', '2 days', 3600) in seconds; undefined for anything else. */
function durationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match =
    /^(\d+|\d+\.\d+) ?(sec|secs|second|seconds|s|minute|minutes|min|mins|m|hour|hours|hr|hrs|h|day|days|d|week|weeks|w|year|years|yr|yrs|y)$/i.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase();
  const letter = unit.startsWith('mi') || unit === 'm' ? 'm' : unit[0]!;
  return Number(match[1]) * (UNIT_SECONDS[letter] ?? Number.NaN);
}

function bearerToken(req: AuthRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(header);
  return match?.[1];
}

// Reads `cookies` when the adapter filled it, else the raw header (a hand-built request in a test).
function cookieValue(req: AuthRequest, name: string): string | undefined {
  const value = req.cookies?.[name] ?? parseCookies(req.headers.cookie)[name];
  return value === '' ? undefined : value;
}

const HMAC_HASH: Record<string, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/**
 * The shared secret as a WebCrypto key, imported once per algorithm and reused: given the
 * raw bytes, jose imports a key on every verification, which cost 130-215 µs of the cached
 * path's ~575 µs per request (issue 21's profile). Algorithms outside `algorithms` never get
 * here: jose refuses them first.
 */
function hmacKeyOnce(secret: Uint8Array): JWTVerifyGetKey {
  const imported = new Map<string, Promise<CryptoKey>>();
  return (header) => {
    const alg = header.alg ?? '';
    const hash = HMAC_HASH[alg];
    if (!hash)
      throw new TokenServerError(
        'invalid_config',
        `jwtAuthenticator: a secret verifies HS256/384/512, not ${alg}.`,
      );
    let key = imported.get(alg);
    if (!key) {
      key = crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash }, false, [
        'verify',
      ]);
      imported.set(alg, key);
    }
    return key;
  };
}
