import { z } from 'zod';
import { createAuditLogger } from './audit-log.js';
import type { Authenticator } from './authenticator.js';
import { devAuthenticator } from './dev-authenticator.js';
import { TokenServerError } from './errors.js';
import { jwtAuthenticator } from './jwt-authenticator.js';
import { originAllowlist } from './origin-allowlist.js';
import { assertPrefix } from './session-policy.js';
import type { TokenServerOptions } from './token-server.js';

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const bool = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no', ''] });
const seconds = z.coerce.number().int('must be a whole number of seconds').positive('must be positive');
const count = z.coerce.number().int('must be a whole number').nonnegative('must be 0 or more');
const url = z.url('must be a URL such as https://example.com');

function validOrigin(origin: string): boolean {
  try {
    originAllowlist([origin]);
    return true;
  } catch {
    return false;
  }
}

function validPrefixBase(base: string): boolean {
  try {
    assertPrefix(base);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bin's environment, documented in the README. Each variable's default is the one of
 * the option it feeds; the reason is given there.
 */
export const envSchema = z
  .object({
    S3UP_BUCKET: z.string('is required: the upload bucket').min(3, 'must be a bucket name'),
    S3UP_REGION: z.string('is required, e.g. eu-west-1').min(1, 'is required, e.g. eu-west-1'),
    S3UP_ROLE_ARN: z
      .string('is required: the role assumed for each user')
      .regex(/^arn:aws[\w-]*:iam::[^:]*:role\/.+$/, 'must be a role ARN, arn:aws:iam::<account>:role/<name>'),
    S3UP_ENDPOINT: url.optional(),
    S3UP_STS_ENDPOINT: url.optional(),
    S3UP_FORCE_PATH_STYLE: bool.optional(),
    S3UP_CHECKSUMS: z
      .enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED'], 'must be WHEN_SUPPORTED or WHEN_REQUIRED')
      .optional(),
    S3UP_JWT_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters (openssl rand -base64 48)')
      .optional(),
    S3UP_JWKS_URL: url.optional(),
    S3UP_JWT_ISSUER: z.string().min(1).optional(),
    S3UP_JWT_AUDIENCE: list.optional(),
    S3UP_JWT_USER_CLAIM: z.string().min(1).optional(),
    S3UP_JWT_COOKIE: z.string().min(1).optional(),
    S3UP_DEV_AUTH: bool.optional(),
    S3UP_ALLOWED_ORIGINS: list
      .pipe(
        z.array(
          z.string().refine(validOrigin, {
            error: (i) =>
              `"${String(i.input)}" is not an origin: write scheme://host[:port], e.g. https://app.example.com or http://localhost:*`,
          }),
        ),
      )
      .optional(),
    S3UP_SCOPES: list
      .pipe(z.array(z.enum(['upload', 'read', 'list'], 'must list upload, read or list')))
      .optional(),
    S3UP_PREFIX_BASE: z
      .string()
      .refine(validPrefixBase, 'must be path segments ending with "/", e.g. users/')
      .optional(),
    S3UP_USER_ID_MODE: z.enum(['strict', 'hash'], 'must be strict or hash').optional(),
    S3UP_USER_ID_SALT: z.string().optional(),
    S3UP_POLICY_MODE: z
      .enum(['session-policy', 'session-tags'], 'must be session-policy or session-tags')
      .optional(),
    S3UP_SOURCE_IDENTITY: bool.optional(),
    S3UP_DURATION_MIN: seconds.optional(),
    S3UP_DURATION_MAX: seconds.optional(),
    S3UP_DURATION_DEFAULT: seconds.optional(),
    S3UP_ROLE_CHAINING: bool.optional(),
    S3UP_ALLOW_CLIENT_DURATION: bool.optional(),
    S3UP_CACHE_MAX_ENTRIES: count.optional(),
    S3UP_CACHE_REFRESH_WINDOW: seconds.optional(),
    S3UP_RATE_LIMIT_WINDOW: seconds.optional(),
    S3UP_RATE_LIMIT_PER_USER: count.optional(),
    S3UP_RATE_LIMIT_PER_IP: count.optional(),
    S3UP_PRESIGN_METHODS: list
      .pipe(z.array(z.enum(['GET', 'PUT', 'POST'], 'must list GET, PUT or POST')))
      .optional(),
    S3UP_PRESIGN_MAX_EXPIRES: seconds.optional(),
    S3UP_PRESIGN_MAX_SIZE: count.optional(),
    S3UP_TRUST_PROXY: z.string().optional(),
    S3UP_LOG_LEVEL: z
      .enum(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        'must be a pino level such as info',
      )
      .optional(),
    PORT: z.coerce.number().int().min(0).max(65535, 'must be a TCP port (0 to 65535)').optional(),
    HOST: z.string().min(1).optional(),
    NODE_ENV: z.string().optional(),
  })
  .superRefine(
    (env, ctx) => {
      if (env.S3UP_DEV_AUTH) {
        if (env.NODE_ENV === 'production') {
          ctx.addIssue({
            code: 'custom',
            path: ['S3UP_DEV_AUTH'],
            message: 'must not be set with NODE_ENV=production: it lets anyone claim any user id',
          });
        }
        return;
      }
      if (!env.S3UP_JWT_SECRET === !env.S3UP_JWKS_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['S3UP_JWT_SECRET'],
          message: 'set exactly one of S3UP_JWT_SECRET (HS256) or S3UP_JWKS_URL',
        });
      }
      if (!env.S3UP_JWT_ISSUER) {
        ctx.addIssue({
          code: 'custom',
          path: ['S3UP_JWT_ISSUER'],
          message: 'is required: the iss your tokens carry',
        });
      }
      if (!env.S3UP_JWT_AUDIENCE?.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['S3UP_JWT_AUDIENCE'],
          message: 'is required: the aud your tokens carry',
        });
      }
    },
    // Run even when other variables failed, so one start reports every problem.
    { when: () => true },
  );

export interface EnvConfig {
  options: TokenServerOptions;
  port: number;
  host: string;
}

/**
 * Reads and validates the bin's configuration. Every problem is reported at once, one
 * line each, naming the variable and what is wrong; secrets are never echoed.
 *
 * @example
 * ```ts
 * const { options, port, host } = configFromEnv(process.env);
 * await createTokenServer(options).listen(port, host);
 * ```
 */
export function configFromEnv(env: Record<string, string | undefined>): EnvConfig {
  // Empty variables count as unset, as a shell `VAR=` usually means.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? 'environment')}: ${i.message}`);
    throw new TokenServerError('invalid_config', `Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let authenticate: Authenticator;
  if (e.S3UP_DEV_AUTH) {
    authenticate = devAuthenticator({ nodeEnv: e.NODE_ENV });
  } else {
    authenticate = jwtAuthenticator({
      ...(e.S3UP_JWT_SECRET ? { secret: e.S3UP_JWT_SECRET } : { jwksUrl: e.S3UP_JWKS_URL as string }),
      issuer: e.S3UP_JWT_ISSUER as string,
      audience: e.S3UP_JWT_AUDIENCE as string[],
      ...(e.S3UP_JWT_USER_CLAIM ? { userIdClaim: e.S3UP_JWT_USER_CLAIM } : {}),
      ...(e.S3UP_JWT_COOKIE ? { cookieName: e.S3UP_JWT_COOKIE } : {}),
    });
  }
  const trustProxy = e.S3UP_TRUST_PROXY;
  const options: TokenServerOptions = {
    bucket: e.S3UP_BUCKET,
    region: e.S3UP_REGION,
    roleArn: e.S3UP_ROLE_ARN,
    authenticate,
    ...(e.S3UP_ENDPOINT ? { endpoint: e.S3UP_ENDPOINT } : {}),
    ...(e.S3UP_STS_ENDPOINT ? { stsEndpoint: e.S3UP_STS_ENDPOINT } : {}),
    ...(e.S3UP_FORCE_PATH_STYLE ? { forcePathStyle: true } : {}),
    ...(e.S3UP_CHECKSUMS ? { checksums: e.S3UP_CHECKSUMS } : {}),
    ...(e.S3UP_ALLOWED_ORIGINS ? { allowedOrigins: e.S3UP_ALLOWED_ORIGINS } : {}),
    ...(e.S3UP_SCOPES ? { scopes: e.S3UP_SCOPES } : {}),
    ...(e.S3UP_PREFIX_BASE !== undefined ? { prefixBase: e.S3UP_PREFIX_BASE } : {}),
    ...(e.S3UP_USER_ID_MODE ? { userIdMode: e.S3UP_USER_ID_MODE } : {}),
    ...(e.S3UP_USER_ID_SALT ? { userIdSalt: e.S3UP_USER_ID_SALT } : {}),
    ...(e.S3UP_POLICY_MODE ? { policyMode: e.S3UP_POLICY_MODE } : {}),
    ...(e.S3UP_SOURCE_IDENTITY ? { sourceIdentity: true } : {}),
    ...(e.S3UP_ALLOW_CLIENT_DURATION ? { allowClientDuration: true } : {}),
    duration: {
      ...(e.S3UP_DURATION_MIN ? { minSeconds: e.S3UP_DURATION_MIN } : {}),
      ...(e.S3UP_DURATION_MAX ? { maxSeconds: e.S3UP_DURATION_MAX } : {}),
      ...(e.S3UP_DURATION_DEFAULT ? { defaultSeconds: e.S3UP_DURATION_DEFAULT } : {}),
      ...(e.S3UP_ROLE_CHAINING ? { roleChaining: true } : {}),
    },
    cache: {
      ...(e.S3UP_CACHE_MAX_ENTRIES !== undefined ? { maxEntries: e.S3UP_CACHE_MAX_ENTRIES } : {}),
      ...(e.S3UP_CACHE_REFRESH_WINDOW ? { refreshWindowSeconds: e.S3UP_CACHE_REFRESH_WINDOW } : {}),
    },
    rateLimit: {
      ...(e.S3UP_RATE_LIMIT_WINDOW ? { windowMs: e.S3UP_RATE_LIMIT_WINDOW * 1000 } : {}),
      ...(e.S3UP_RATE_LIMIT_PER_USER !== undefined ? { perUser: e.S3UP_RATE_LIMIT_PER_USER } : {}),
      ...(e.S3UP_RATE_LIMIT_PER_IP !== undefined ? { perIp: e.S3UP_RATE_LIMIT_PER_IP } : {}),
    },
    presign: {
      ...(e.S3UP_PRESIGN_METHODS ? { methods: e.S3UP_PRESIGN_METHODS } : {}),
      ...(e.S3UP_PRESIGN_MAX_EXPIRES ? { maxExpiresInSeconds: e.S3UP_PRESIGN_MAX_EXPIRES } : {}),
      ...(e.S3UP_PRESIGN_MAX_SIZE ? { maxSizeBytes: e.S3UP_PRESIGN_MAX_SIZE } : {}),
    },
    ...(trustProxy === undefined
      ? {}
      : {
          trustProxy: /^\d+$/.test(trustProxy)
            ? Number(trustProxy)
            : trustProxy === 'true'
              ? true
              : trustProxy === 'false'
                ? false
                : trustProxy,
        }),
    audit: createAuditLogger({ level: e.S3UP_LOG_LEVEL ?? 'info' }),
  };
  return { options, port: e.PORT ?? 8787, host: e.HOST ?? '0.0.0.0' };
}
