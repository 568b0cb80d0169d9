import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { type AuditLogger, type AuditLoggerOptions, createAuditLogger } from './audit-log.js';
import { type AuthenticateFn, type Authenticator, toAuthenticator } from './authenticator.js';
import type { CredentialCacheOptions } from './credential-cache.js';
import { CredentialIssuer, type CredentialIssuerOptions, type Issued } from './credential-issuer.js';
import { isTokenServerError, TokenServerError } from './errors.js';
import { ExpressRateLimitStore } from './express-rate-limit-store.js';
import { originAllowlist } from './origin-allowlist.js';
import { Presigner, type PresignOptions } from './presigner.js';
import type { Scope } from './session-policy.js';
import { MemoryRateLimitStore, type RateLimitStore } from './stores/rate-limit-store.js';
import { resolveUserId, type UserIdMode } from './user-id.js';

export interface RateLimitOptions {
  /** Window length. Default 60 s. */
  windowMs?: number;
  /** Requests per user per window. Default 30: a page load needs one or two; this absorbs many tabs. */
  perUser?: number;
  /** Requests per IP per window. Default 120: an office behind one NAT is many users. */
  perIp?: number;
  /**
   * Where requests are counted. Default in this process's memory; with several instances
   * share one (`RedisRateLimitStore` from `@s3up/token-server/redis`).
   */
  store?: RateLimitStore;
}

export interface TokenRouterOptions
  extends Pick<
    CredentialIssuerOptions,
    | 'bucket'
    | 'region'
    | 'roleArn'
    | 'stsEndpoint'
    | 'credentials'
    | 'sts'
    | 'prefixBase'
    | 'duration'
    | 'policyMode'
    | 'sourceIdentity'
    | 'sessionNamePrefix'
    | 'partition'
    | 'retry'
    | 'purge'
  > {
  /** Required: who is asking. `jwtAuthenticator(...)`, `devAuthenticator()` or your own `(req) => ({ userId }) | null`. */
  authenticate: AuthenticateFn | Authenticator;
  /** S3 endpoint handed to clients and used for presigning. Default none (AWS). Also the STS endpoint unless `stsEndpoint` is set. */
  endpoint?: string;
  /** Path-style S3 URLs. Default false (AWS); true for the local backend. */
  forcePathStyle?: boolean;
  /** Told to clients as `requestChecksumCalculation`. Default `WHEN_SUPPORTED` (AWS); `WHEN_REQUIRED` for S3-compatible servers. */
  checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /**
   * Let clients ask for a *shorter* session with `durationSeconds` in the body (clamped to
   * `[duration.minSeconds, duration.defaultSeconds]`). Default false: the field is refused
   * (400) and only the operator chooses durations, so a stolen token cannot stretch them.
   */
  allowClientDuration?: boolean;
  /** Scopes clients may request. Default `['upload']`: reading and listing are opt-in. */
  scopes?: Scope[];
  /** Default `strict`; see resolveUserId. */
  userIdMode?: UserIdMode;
  /** Salt for `userIdMode: 'hash'`. */
  userIdSalt?: string;
  /** Browser origins allowed by CORS. Default none: only same-origin and non-browser clients. */
  allowedOrigins?: string[];
  /** Credential cache settings, and its stores (`store`, `failures`) when instances share them. */
  cache?: CredentialCacheOptions<Issued>;
  /** Default on with the defaults of RateLimitOptions; `false` turns it off (e.g. behind an API gateway that limits). */
  rateLimit?: RateLimitOptions | false;
  /** Presigned URLs; `false` disables POST /presign. Default on (see PresignOptions). */
  presign?: PresignOptions | false;
  /** An audit logger, or options for the default one (JSON lines on stdout). */
  audit?: AuditLogger | AuditLoggerOptions;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

const credentialsBody = z.strictObject({
  scope: z.enum(['upload', 'read', 'list']).optional(),
  // S3 refused a session that had not expired (revoked, or the backend lost it): the client
  // names its access key id so a cached copy is replaced instead of handed out again.
  refusedAccessKeyId: z
    .string()
    .regex(
      /^[A-Za-z0-9]{4,128}$/,
      'refusedAccessKeyId must be the access key id S3 refused (letters and digits)',
    )
    .optional(),
});
const credentialsBodyWithDuration = credentialsBody.extend({
  durationSeconds: z.number().int().positive().max(43_200).optional(),
});
const presignBody = z.strictObject({
  method: z.enum(['GET', 'PUT', 'POST']),
  key: z.string().min(1).max(1024),
  expiresIn: z.number().int().positive().max(604_800).optional(),
  contentType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+(?:\s*;\s*[\w.+-]+=[\w.+"-]+)*$/)
    .optional(),
  maxSize: z.number().int().nonnegative().optional(),
});

/** 16 KiB: a credentials or presign request is a few hundred bytes. */
const BODY_LIMIT = 16 * 1024;

interface Locals {
  requestId: string;
  userId?: string;
  scope?: string;
  kind: 'credentials' | 'presign' | 'request';
}

/**
 * The token service as an Express 5 router: `POST /credentials`, `POST /presign`,
 * `GET /healthz`. Mount it anywhere; it sets its own CORS, `no-store`, body limit, rate
 * limits and JSON errors, and writes the audit log.
 *
 * @example
 * ```ts
 * const app = express();
 * app.set('trust proxy', 1); // behind one load balancer: the client IP for rate limits and the log
 * app.use('/s3up', createTokenRouter({
 *   bucket: 'my-uploads', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
 *   authenticate: jwtAuthenticator({ jwksUrl: 'https://id.example.com/.well-known/jwks.json', issuer: 'https://id.example.com', audience: 's3up' }),
 *   allowedOrigins: ['https://app.example.com'],
 * }));
 * ```
 */
export type TokenRouter = Router & {
  /**
   * Forgets cached credentials (one user's, or everyone's). Call it after revoking sessions
   * (a deny on `aws:TokenIssueTime`): cached keys issued before the revocation would
   * otherwise be served, and refused by S3, until their refresh window. With a shared purge
   * signal (Redis), every instance stops serving them.
   */
  clearCache(userId?: string): Promise<void>;
};

export function createTokenRouter(options: TokenRouterOptions): TokenRouter {
  const auth = toAuthenticator(options.authenticate);
  const audit = isAuditLogger(options.audit) ? options.audit : createAuditLogger(options.audit);
  const now = options.now ?? Date.now;
  const scopes = new Set<Scope>(options.scopes ?? ['upload']);
  const isAllowedOrigin = originAllowlist(options.allowedOrigins ?? []);
  const issuer = new CredentialIssuer({
    ...options,
    stsEndpoint: options.stsEndpoint ?? options.endpoint,
    cache: { ...options.cache, now: options.cache?.now ?? now },
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

  const idOptions = {
    ...(options.userIdMode ? { mode: options.userIdMode } : {}),
    ...(options.userIdSalt ? { salt: options.userIdSalt } : {}),
  };
  const router = express.Router();
  // Every middleware is bound to the service's own paths, so mounting the router at `/`
  // never adds CORS refusals, limits or body parsing to the host app's other routes.
  const paths = ['/credentials', '/presign', '/healthz'];
  const locals = (res: Response) => res.locals as Locals;

  router.use(paths, (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    // baseUrl is the matched service path (plus wherever the router is mounted).
    res.locals.kind = req.baseUrl.endsWith('/credentials')
      ? 'credentials'
      : req.baseUrl.endsWith('/presign')
        ? 'presign'
        : 'request';
    res.set('Cache-Control', 'no-store');
    res.set('X-Request-Id', requestId);
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });

  // CORS from the allowlist. A disallowed Origin is refused outright rather than served
  // without CORS headers: the request would otherwise still run (and, with cookie auth, act).
  router.use(paths, (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin === undefined) return next();
    const sameOrigin = origin === `${req.protocol}://${req.get('host')}`;
    if (!sameOrigin && !isAllowedOrigin(origin)) {
      return next(
        new TokenServerError('forbidden', `Origin ${origin} is not allowed; add it to allowedOrigins.`),
      );
    }
    res.set('Access-Control-Allow-Origin', origin);
    if (auth.usesCookies) res.set('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST');
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id');
      res.set('Access-Control-Max-Age', '600');
      return res.status(204).end();
    }
    res.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    next();
  });

  // No secrets, no STS call: a load balancer can poll it freely.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const limits = options.rateLimit === false ? undefined : options.rateLimit;
  const windowMs = limits?.windowMs ?? 60_000;
  const limitStore = limits?.store ?? new MemoryRateLimitStore({ now });
  const localKeys = limitStore instanceof MemoryRateLimitStore;
  const limited = (req: Request, _res: Response, next: NextFunction) => {
    const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? now() + windowMs) - now()) / 1000));
    next(
      new TokenServerError('rate_limited', 'Too many requests; retry later.', { retryAfterSeconds: seconds }),
    );
  };
  if (options.rateLimit !== false) {
    router.use(
      paths,
      rateLimit({
        windowMs,
        limit: limits?.perIp ?? 120,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        skip: (req) => req.method === 'OPTIONS',
        store: new ExpressRateLimitStore(limitStore, 'ip:', localKeys),
        handler: limited,
      }),
    );
  }

  // Body: 16 KiB, JSON only. With cookie auth, only a JSON POST with an Origin header
  // passes: a cross-site <form> can send neither.
  router.use(paths, (req, _res, next) => {
    if (req.method !== 'POST') return next();
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    const json = req.is('application/json') === 'application/json';
    if (auth.usesCookies && (!json || req.get('origin') === undefined)) {
      return next(
        new TokenServerError(
          'forbidden',
          'Cookie-authenticated requests must be JSON POSTs from an allowed origin.',
        ),
      );
    }
    if (hasBody && !json) {
      return next(new TokenServerError('unsupported_media_type', 'Send the body as application/json.'));
    }
    next();
  });
  router.use(paths, express.json({ limit: BODY_LIMIT, strict: true, type: 'application/json' }));

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    let result: Awaited<ReturnType<AuthenticateFn>>;
    try {
      result = await auth.authenticate(req);
    } catch (cause) {
      return next(new TokenServerError('unauthorized', 'Authentication failed.', { cause }));
    }
    if (!result) {
      res.set('WWW-Authenticate', 'Bearer');
      return next(new TokenServerError('unauthorized', 'Sign in first: send a valid bearer token.'));
    }
    // The id is validated (or hashed) before it can reach a policy or a log line.
    try {
      locals(res).userId = resolveUserId(result.userId, idOptions);
    } catch (error) {
      return next(error);
    }
    next();
  };
  const perUser =
    options.rateLimit === false
      ? (_req: Request, _res: Response, next: NextFunction) => next()
      : rateLimit({
          windowMs,
          limit: limits?.perUser ?? 30,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          keyGenerator: (_req, res) => `${locals(res).userId}`,
          store: new ExpressRateLimitStore(limitStore, 'user:', localKeys),
          handler: limited,
        });

  router.post('/credentials', authenticate, perUser, async (req, res, next) => {
    try {
      const body: {
        scope?: Scope | undefined;
        durationSeconds?: number | undefined;
        refusedAccessKeyId?: string | undefined;
      } = options.allowClientDuration
        ? parse(credentialsBodyWithDuration, req.body ?? {})
        : parse(credentialsBody, req.body ?? {});
      const scope = body.scope ?? 'upload';
      locals(res).scope = scope;
      if (!scopes.has(scope)) {
        throw new TokenServerError('scope_disabled', `The "${scope}" scope is not enabled on this server.`);
      }
      const userId = locals(res).userId!;
      const issued = await issuer.issue({
        userId,
        scope,
        // Only ever shorter than the operator's default.
        ...(body.durationSeconds === undefined
          ? {}
          : { durationSeconds: Math.min(body.durationSeconds, issuer.durations.defaultSeconds) }),
        ...(body.refusedAccessKeyId === undefined ? {} : { refusedAccessKeyId: body.refusedAccessKeyId }),
      });
      const c = issued.credentials;
      audit.issued({
        kind: 'credentials',
        requestId: locals(res).requestId,
        userId,
        scope,
        bucket: issuer.bucket,
        prefix: issued.prefix,
        durationSeconds: issued.durationSeconds,
        expiration: c.expiration.toISOString(),
        accessKeyId: c.accessKeyId,
        ...(issued.policySha256 ? { policySha256: issued.policySha256 } : {}),
        ...(issued.packedPolicySize === undefined ? {} : { packedPolicySize: issued.packedPolicySize }),
        cache: issued.cache,
        ...(issued.replacedAccessKeyId ? { replacedAccessKeyId: issued.replacedAccessKeyId } : {}),
        ...client(req),
      });
      res.json({
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: c.expiration.toISOString(),
        serverTime: new Date(now()).toISOString(),
        bucket: issuer.bucket,
        region: issuer.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
        requestChecksumCalculation: options.checksums ?? 'WHEN_SUPPORTED',
        prefix: issued.prefix,
        scope,
        actions: issued.actions,
      });
    } catch (error) {
      next(error);
    }
  });

  router.post('/presign', authenticate, perUser, async (req, res, next) => {
    try {
      if (!presigner)
        throw new TokenServerError('not_found', 'Presigned URLs are not enabled on this server.');
      const body = parse(presignBody, req.body ?? {});
      locals(res).scope = body.method;
      const userId = locals(res).userId!;
      const result = await presigner.presign(userId, body);
      audit.issued({
        kind: 'presign',
        requestId: locals(res).requestId,
        userId,
        method: body.method,
        bucket: issuer.bucket,
        prefix: issuer.prefixFor(userId),
        key: result.key,
        expiration: result.expiresAt,
        ...client(req),
      });
      res.json(result);
    } catch (error) {
      next(error);
    }
  });

  router.all(paths, (_req, _res, next) => {
    next(new TokenServerError('method_not_allowed', 'Method not allowed here: use POST (GET for /healthz).'));
  });

  router.use(paths, (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const mapped = toHttpError(error);
    if (mapped.code === 'internal' || mapped.code === 'sts_error' || mapped.code === 'policy_too_large') {
      audit.event('error', 'request.failed', {
        requestId: locals(res).requestId,
        code: mapped.code,
        cause: describeCause(error),
      });
    }
    audit.refused({
      kind: locals(res).kind,
      requestId: locals(res).requestId,
      ...(locals(res).userId ? { userId: locals(res).userId } : {}),
      ...(locals(res).scope ? { scope: locals(res).scope } : {}),
      status: mapped.status,
      code: mapped.code,
      ...client(req),
    });
    if (mapped.retryAfterSeconds !== undefined) res.set('Retry-After', String(mapped.retryAfterSeconds));
    res.status(mapped.status).json(mapped.toJSON());
  });

  return Object.assign(router, {
    clearCache(userId?: string) {
      return issuer.clearCache(userId === undefined ? undefined : resolveUserId(userId, idOptions));
    },
  });
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join('.')}"` : 'the body';
  const what =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue?.message;
  throw new TokenServerError('bad_request', `Invalid request: ${where}: ${what ?? 'invalid'}.`);
}

function toHttpError(error: unknown): TokenServerError {
  if (isTokenServerError(error)) return error;
  const e = error as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') {
    return new TokenServerError('payload_too_large', `The body is larger than ${BODY_LIMIT} bytes.`, {
      cause: error,
    });
  }
  if (e?.type === 'entity.parse.failed') {
    return new TokenServerError('bad_request', 'The body is not valid JSON.', { cause: error });
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new TokenServerError('unsupported_media_type', 'Send the body as UTF-8 application/json.', {
      cause: error,
    });
  }
  return new TokenServerError('internal', 'Something went wrong; the operator should check the server log.', {
    cause: error,
  });
}

// Name and code only: an error message may quote AWS text, a policy or a token.
function describeCause(error: unknown): Record<string, unknown> {
  const cause = isTokenServerError(error) ? error.cause : error;
  const e = (cause ?? {}) as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  return { name: e.name, code: e.code, status: e.$metadata?.httpStatusCode };
}

function client(req: Request): { ip?: string; userAgent?: string } {
  const ua = req.get('user-agent');
  return { ...(req.ip ? { ip: req.ip } : {}), ...(ua ? { userAgent: ua.slice(0, 256) } : {}) };
}

function isAuditLogger(value: unknown): value is AuditLogger {
  return typeof value === 'object' && value !== null && typeof (value as AuditLogger).issued === 'function';
}
