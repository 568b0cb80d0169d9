import { type AuditLogger, createAuditLogger } from '../audit-log.js';
import { toAuthenticator } from '../authenticator.js';
import { CredentialIssuer } from '../credential-issuer.js';
import { resolveDurationLimits } from '../duration.js';
import { isTokenServerError, TokenServerError } from '../errors.js';
import { Presigner } from '../presigner.js';
import { SCOPES } from '../session-policy.js';
import { MemoryRateLimitStore } from '../stores/rate-limit-store.js';
import { resolveUserId } from '../user-id.js';
import { type Answer, toResponse } from './answer.js';
import { type HandlerContext, RequestContext, type RouteName } from './context.js';
import { type CoreRequest, fromFetchRequest } from './core-request.js';
import { FloodSummary } from './flood-summary.js';
import { authenticator } from './middleware/authenticate.js';
import { jsonBody } from './middleware/body.js';
import { cors } from './middleware/cors.js';
import { rateLimiter } from './middleware/rate-limit.js';
import { assertOptions, type TokenHandlerOptions } from './options.js';
import { credentialsRoute } from './routes/credentials.js';
import { healthz } from './routes/healthz.js';
import { presignRoute } from './routes/presign.js';
import { uploadsRoute } from './routes/uploads.js';
import { scopeGate } from './scope-gate.js';

/** The service's routes, relative to its base path. */
export const TOKEN_ROUTES: Readonly<Record<string, RouteName>> = {
  '/credentials': 'credentials',
  '/presign': 'presign',
  '/uploads': 'uploads',
  '/healthz': 'healthz',
};

/**
 * botocore (boto3, the AWS CLI) starts refreshing 15 minutes before `expiration`, the JS
 * SDK 5 minutes before. A cached session is therefore served only while it has at least
 * 20 minutes left (15 + 5 for clock skew), so every client gets one that lasts it until
 * its own refresh point and calls about once per session; but never more than half the
 * session, so short sessions are still served from the cache for half their life.
 */
export function defaultRefreshWindowSeconds(sessionSeconds: number): number {
  return Math.max(1, Math.min(20 * 60, Math.floor(sessionSeconds / 2)));
}

/** The Fetch-API token service. Call it with a Request; adapters use `serve` and `route`. */
export interface TokenHandler {
  (request: Request, context?: HandlerContext): Promise<Response>;
  /** Serves one route (for adapters whose framework already matched the path). */
  serve(route: RouteName, request: Request, context?: HandlerContext): Promise<Response>;
  /** The route a path (without the base path) names, if any. */
  route(path: string): RouteName | undefined;
  /** The route a full URL path (base path included) names, if any: adapters that pass on other paths use it. */
  match(pathname: string): RouteName | undefined;
  /** The base path the handler strips (`/` when none). */
  readonly basePath: string;
  /**
   * Forgets cached credentials (one user's, or everyone's). Call it after revoking sessions
   * (a deny on `aws:TokenIssueTime`): cached keys issued before the revocation would
   * otherwise be served, and refused by S3, until their refresh window.
   */
  clearCache(userId?: string): Promise<void>;
  /** Writes pending audit summaries and releases the STS and S3 clients. */
  close(): void;
  readonly audit: AuditLogger;
}

/**
 * The token service on the web-standard Fetch API: `(request) => Promise<Response>`,
 * serving `POST /credentials`, `POST /presign`, `POST /uploads` and `GET /healthz` under
 * `basePath`. Every adapter (Express, Node http, Next.js, Hono, Fastify, Lambda) is a thin
 * translation to and from this function, so behaviour is the same everywhere. Options are
 * checked once, here, with messages that name the option and the fix.
 *
 * @example
 * ```ts
 * const handle = createTokenHandler({ bucket, region, roleArn, basePath: '/s3up',
 *   authenticate: jwtAuthenticator({ secret, issuer, audience }) });
 * const response = await handle(new Request('https://app.example.com/s3up/credentials', { method: 'POST', headers }));
 * ```
 */
export function createTokenHandler(
  options: TokenHandlerOptions,
  extraKeys: readonly string[] = [],
): TokenHandler {
  assertOptions(options, extraKeys);
  const auth = toAuthenticator(options.authenticate);
  const audit = isAuditLogger(options.audit) ? options.audit : createAuditLogger(options.audit);
  const now = options.now ?? Date.now;
  const durations = resolveDurationLimits(options.duration);
  const issuer = new CredentialIssuer({
    ...options,
    stsEndpoint: options.stsEndpoint ?? options.endpoint,
    cache: {
      ...options.cache,
      refreshWindowSeconds:
        options.cache?.refreshWindowSeconds ?? defaultRefreshWindowSeconds(durations.defaultSeconds),
      now: options.cache?.now ?? now,
    },
    onStsError: (info) => audit.event('warn', 'sts.error', info),
  });
  const presigner =
    options.presign === false
      ? undefined
      : new Presigner(
          issuer,
          { endpoint: options.endpoint, forcePathStyle: options.forcePathStyle },
          options.presign,
          now,
        );
  const ids = {
    ...(options.userIdMode ? { mode: options.userIdMode } : {}),
    ...(options.userIdSalt ? { salt: options.userIdSalt } : {}),
  };
  const offeredScopes = SCOPES.filter((scope) => (options.scopes ?? ['upload']).includes(scope));
  const requireScope = scopeGate(offeredScopes);
  const limits = options.rateLimit === false ? undefined : (options.rateLimit ?? {});
  const windowMs = limits?.windowMs ?? 60_000;
  const store = limits?.store ?? new MemoryRateLimitStore({ now });
  const limitIp = limits && rateLimiter('ip', limits.perIp ?? 120, windowMs, store, now);
  const limitUser = limits && rateLimiter('user', limits.perUser ?? 30, windowMs, store, now);
  const flood = new FloodSummary(audit, now);
  const corsCheck = cors(options.allowedOrigins ?? [], auth.usesCookies === true);
  const readBody = jsonBody(auth.usesCookies === true);
  const authenticate = authenticator(auth, ids);
  // Sessions forgotten (here or, through the purge signal, on another instance): the
  // authenticator forgets those users' verified tokens too, so nothing cached outlives it.
  const stopForgetting = auth.forget
    ? issuer.onPurge(({ userId }) =>
        auth.forget?.(userId === undefined ? undefined : (raw) => sameUser(raw, userId, ids)),
      )
    : undefined;
  const routes = {
    credentials: credentialsRoute({
      issuer,
      audit,
      requireScope,
      offeredScopes,
      allowClientDuration: options.allowClientDuration === true,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle === true,
      checksums: options.checksums ?? 'WHEN_SUPPORTED',
      receipts: options.receipts !== false,
      now,
    }),
    presign: presignRoute({ presigner, issuer, audit, requireScope }),
    uploads: uploadsRoute({
      issuer,
      audit,
      requireScope,
      enabled: options.receipts !== false,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle === true,
      onUploaded: options.onUploaded,
    }),
  };
  const basePath = !options.basePath || options.basePath === '/' ? '' : options.basePath;

  async function answer(route: RouteName, call: CoreRequest, context: HandlerContext = {}): Promise<Answer> {
    const rc = new RequestContext(call, route, context);
    try {
      const preflight = corsCheck(rc);
      if (preflight) return preflight;
      const method = call.method;
      if (route === 'healthz' && (method === 'GET' || method === 'HEAD')) return healthz(rc);
      if (limitIp && method !== 'OPTIONS' && rc.ip) await limitIp(rc, rc.ip);
      const body = method === 'POST' ? await readBody(rc) : undefined;
      if (route === 'healthz' || method !== 'POST') {
        throw new TokenServerError(
          'method_not_allowed',
          'Method not allowed here: use POST (GET for /healthz).',
        );
      }
      const userId = await authenticate(rc);
      if (limitUser) await limitUser(rc, userId);
      return await routes[route](rc, userId, body);
    } catch (error) {
      return fail(rc, error);
    }
  }

  function fail(rc: RequestContext, error: unknown): Answer {
    const mapped = isTokenServerError(error)
      ? error
      : new TokenServerError('internal', 'Something went wrong; the operator should check the server log.', {
          cause: error,
        });
    if (mapped.code === 'internal' || mapped.code === 'sts_error' || mapped.code === 'policy_too_large') {
      audit.event('error', 'request.failed', {
        requestId: rc.requestId,
        code: mapped.code,
        cause: describeCause(error),
      });
    }
    const record = {
      kind: rc.kind,
      ...rc.trail(),
      ...(rc.userId ? { userId: rc.userId } : {}),
      ...(rc.scope ? { scope: rc.scope } : {}),
      status: mapped.status,
      code: mapped.code,
    };
    const limited =
      mapped.code === 'rate_limited' ? (mapped.cause as { key?: string; windowEndsAt?: number }) : undefined;
    if (limited?.key && limited.windowEndsAt !== undefined)
      flood.refused(limited.key, limited.windowEndsAt, record);
    else audit.refused(record);
    if (mapped.retryAfterSeconds !== undefined) rc.headers['retry-after'] = String(mapped.retryAfterSeconds);
    return rc.json(mapped.status, mapped.toJSON());
  }

  function route(path: string): RouteName | undefined {
    return TOKEN_ROUTES[path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path];
  }

  function match(pathname: string): RouteName | undefined {
    return pathname.startsWith(`${basePath}/`) ? route(pathname.slice(basePath.length)) : undefined;
  }

  async function serve(route: RouteName, request: Request, context?: HandlerContext): Promise<Response> {
    return toResponse(await answer(route, fromFetchRequest(request), context));
  }

  const handler = async (request: Request, context?: HandlerContext): Promise<Response> => {
    const name = match(new URL(request.url).pathname);
    return toResponse(name ? await answer(name, fromFetchRequest(request), context) : NOT_FOUND);
  };

  const tokenHandler: TokenHandler = Object.assign(handler, {
    serve,
    route,
    match,
    basePath: basePath || '/',
    audit,
    clearCache(userId?: string) {
      return issuer.clearCache(userId === undefined ? undefined : resolveUserId(userId, ids));
    },
    close() {
      flood.flush();
      stopForgetting?.();
      issuer.destroy();
    },
  });
  answerers.set(tokenHandler, answer);
  return tokenHandler;
}

/** What any path outside the service's routes gets. */
export const NOT_FOUND: Readonly<Answer> = Object.freeze({
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  text: JSON.stringify({ error: { code: 'not_found', message: 'No such endpoint: see openapi.yaml.' } }),
});

/** Serves one route from the core's view of a request, to the core's answer (no Fetch objects). */
export type Answerer = (route: RouteName, call: CoreRequest, context?: HandlerContext) => Promise<Answer>;

const answerers = new WeakMap<TokenHandler, Answerer>();

/**
 * The handler's route server below the Fetch API, for s3up's own Node adapters, which
 * translate Node's request and response directly (`adapters/node-io.ts`). Not public: other
 * hosts use the Fetch API, which gives the same answers.
 */
export function answererOf(handler: TokenHandler): Answerer {
  const found = answerers.get(handler);
  if (!found) throw new TypeError('answererOf: not a handler made by createTokenHandler');
  return found;
}

// The id the authenticator returned, as the cache and the purge message spell it.
function sameUser(raw: string, resolved: string, ids: Parameters<typeof resolveUserId>[1]): boolean {
  try {
    return resolveUserId(raw, ids) === resolved;
  } catch {
    return false;
  }
}

// Name and code only: an error message may quote AWS text, a policy or a token.
function describeCause(error: unknown): Record<string, unknown> {
  const cause = isTokenServerError(error) ? error.cause : error;
  const e = (cause ?? {}) as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  return { name: e.name, code: e.code, status: e.$metadata?.httpStatusCode };
}

function isAuditLogger(value: unknown): value is AuditLogger {
  return typeof value === 'object' && value !== null && typeof (value as AuditLogger).issued === 'function';
}
