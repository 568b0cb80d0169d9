import { z } from 'zod';
import type { TokenServerOptions } from './adapters/node-http.js';
import { createAuditLogger } from './audit-log.js';
import type { Authenticator } from './authenticator.js';
import { devAuthenticator } from './dev-authenticator.js';
import { TokenServerError } from './errors.js';
import { checkOptions } from './handler/options.js';
import { jwtAuthenticator } from './jwt-authenticator.js';
import type { PresignMethod } from './presigner.js';
import type { Scope } from './session-policy.js';
import type { UserIdMode } from './user-id.js';

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

/**
 * The bin's environment, documented in the README. This schema only reads the text of
 * each variable (numbers, lists, booleans) and the variables that exist only here (JWT,
 * port, log level); what a value may be is checked by the options' own rules
 * (`checkOptions`), reported under the variable's name, so each rule exists once.
 */
export const envSchema = z
  .object({
    S3UP_BUCKET: z.string().optional(),
    S3UP_REGION: z.string().optional(),
    S3UP_ROLE_ARN: z.string().optional(),
    S3UP_ENDPOINT: url.optional(),
    S3UP_STS_ENDPOINT: url.optional(),
    S3UP_FORCE_PATH_STYLE: bool.optional(),
    S3UP_CHECKSUMS: z.string().optional(),
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
    S3UP_ALLOWED_ORIGINS: list.optional(),
    S3UP_SCOPES: list.optional(),
    S3UP_PREFIX_BASE: z.string().optional(),
    S3UP_USER_ID_MODE: z.string().optional(),
    S3UP_USER_ID_SALT: z.string().optional(),
    S3UP_POLICY_MODE: z.string().optional(),
    S3UP_SOURCE_IDENTITY: bool.optional(),
    S3UP_DURATION_MIN: seconds.optional(),
    S3UP_DURATION_MAX: seconds.optional(),
    S3UP_DURATION_DEFAULT: seconds.optional(),
    S3UP_ROLE_CHAINING: bool.optional(),
    S3UP_ALLOW_CLIENT_DURATION: bool.optional(),
    S3UP_WRITE_ONCE: bool.optional(),
    S3UP_CACHE_MAX_ENTRIES: count.optional(),
    S3UP_CACHE_REFRESH_WINDOW: seconds.optional(),
    S3UP_RATE_LIMIT_WINDOW: seconds.optional(),
    S3UP_RATE_LIMIT_PER_USER: count.optional(),
    S3UP_RATE_LIMIT_PER_IP: count.optional(),
    S3UP_PRESIGN_METHODS: list.optional(),
    S3UP_PRESIGN_MAX_EXPIRES: seconds.optional(),
    S3UP_PRESIGN_MAX_SIZE: count.optional(),
    S3UP_RECEIPTS: bool.optional(),
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

type Env = z.infer<typeof envSchema>;

/** Which variable feeds each option, to report an option's problem under the variable's name. */
const VARIABLE_OF: Record<string, string> = {
  bucket: 'S3UP_BUCKET',
  region: 'S3UP_REGION',
  roleArn: 'S3UP_ROLE_ARN',
  endpoint: 'S3UP_ENDPOINT',
  stsEndpoint: 'S3UP_STS_ENDPOINT',
  checksums: 'S3UP_CHECKSUMS',
  allowedOrigins: 'S3UP_ALLOWED_ORIGINS',
  scopes: 'S3UP_SCOPES',
  prefixBase: 'S3UP_PREFIX_BASE',
  userIdMode: 'S3UP_USER_ID_MODE',
  policyMode: 'S3UP_POLICY_MODE',
  writeOnce: 'S3UP_WRITE_ONCE',
  duration: 'S3UP_DURATION_MIN/S3UP_DURATION_MAX',
  'cache.maxEntries': 'S3UP_CACHE_MAX_ENTRIES',
  'cache.refreshWindowSeconds': 'S3UP_CACHE_REFRESH_WINDOW',
  'rateLimit.windowMs': 'S3UP_RATE_LIMIT_WINDOW',
  'rateLimit.perUser': 'S3UP_RATE_LIMIT_PER_USER',
  'rateLimit.perIp': 'S3UP_RATE_LIMIT_PER_IP',
  'presign.methods': 'S3UP_PRESIGN_METHODS',
  'presign.maxExpiresInSeconds': 'S3UP_PRESIGN_MAX_EXPIRES',
  'presign.maxSizeBytes': 'S3UP_PRESIGN_MAX_SIZE',
};

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
  const lines: string[] = [];
  const failed = new Set<string>();
  let e: Env;
  if (parsed.success) {
    e = parsed.data;
  } else {
    for (const i of parsed.error.issues) {
      const name = String(i.path[0] ?? 'environment');
      failed.add(name);
      lines.push(`  ${name}: ${i.message}`);
    }
    // Read each variable on its own so the options' checks still see every good one.
    e = {} as Env;
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      if (failed.has(name)) continue;
      const one = (schema as z.ZodType).safeParse(present[name]);
      if (one.success && one.data !== undefined) (e as Record<string, unknown>)[name] = one.data;
    }
  }
  const options = optionsFromEnv(e, failed);
  for (const issue of checkOptions(options, ['trustProxy'])) {
    const name = VARIABLE_OF[issue.option] ?? issue.option;
    if (issue.option === 'authenticate' || failed.has(name)) continue;
    lines.push(`  ${name}: ${issue.message}`);
  }
  if (lines.length > 0) {
    throw new TokenServerError('invalid_config', `Invalid configuration:\n${lines.join('\n')}`);
  }
  return { options, port: e.PORT ?? 8787, host: e.HOST ?? '0.0.0.0' };
}

function optionsFromEnv(e: Env, failed: ReadonlySet<string>): TokenServerOptions {
  let authenticate: Authenticator | undefined;
  const jwtReady = !failed.has('S3UP_JWT_SECRET') && (e.S3UP_JWT_SECRET || e.S3UP_JWKS_URL);
  if (e.S3UP_DEV_AUTH && e.NODE_ENV !== 'production') {
    authenticate = devAuthenticator({ nodeEnv: e.NODE_ENV });
  } else if (
    jwtReady &&
    e.S3UP_JWT_ISSUER &&
    e.S3UP_JWT_AUDIENCE?.length &&
    !(e.S3UP_JWT_SECRET && e.S3UP_JWKS_URL)
  ) {
    authenticate = jwtAuthenticator({
      ...(e.S3UP_JWT_SECRET ? { secret: e.S3UP_JWT_SECRET } : { jwksUrl: e.S3UP_JWKS_URL as string }),
      issuer: e.S3UP_JWT_ISSUER,
      audience: e.S3UP_JWT_AUDIENCE,
      ...(e.S3UP_JWT_USER_CLAIM ? { userIdClaim: e.S3UP_JWT_USER_CLAIM } : {}),
      ...(e.S3UP_JWT_COOKIE ? { cookieName: e.S3UP_JWT_COOKIE } : {}),
    });
  }
  const trustProxy = e.S3UP_TRUST_PROXY;
  // Values are passed through as written: checkOptions decides what is acceptable.
  return {
    bucket: e.S3UP_BUCKET as string,
    region: e.S3UP_REGION as string,
    roleArn: e.S3UP_ROLE_ARN as string,
    authenticate: authenticate as Authenticator,
    ...(e.S3UP_ENDPOINT ? { endpoint: e.S3UP_ENDPOINT } : {}),
    ...(e.S3UP_STS_ENDPOINT ? { stsEndpoint: e.S3UP_STS_ENDPOINT } : {}),
    ...(e.S3UP_FORCE_PATH_STYLE ? { forcePathStyle: true } : {}),
    ...(e.S3UP_CHECKSUMS ? { checksums: e.S3UP_CHECKSUMS as 'WHEN_REQUIRED' } : {}),
    ...(e.S3UP_ALLOWED_ORIGINS ? { allowedOrigins: e.S3UP_ALLOWED_ORIGINS } : {}),
    ...(e.S3UP_SCOPES ? { scopes: e.S3UP_SCOPES as Scope[] } : {}),
    ...(e.S3UP_PREFIX_BASE !== undefined ? { prefixBase: e.S3UP_PREFIX_BASE } : {}),
    ...(e.S3UP_USER_ID_MODE ? { userIdMode: e.S3UP_USER_ID_MODE as UserIdMode } : {}),
    ...(e.S3UP_USER_ID_SALT ? { userIdSalt: e.S3UP_USER_ID_SALT } : {}),
    ...(e.S3UP_POLICY_MODE ? { policyMode: e.S3UP_POLICY_MODE as 'session-policy' } : {}),
    ...(e.S3UP_SOURCE_IDENTITY ? { sourceIdentity: true } : {}),
    ...(e.S3UP_ALLOW_CLIENT_DURATION ? { allowClientDuration: true } : {}),
    ...(e.S3UP_WRITE_ONCE ? { writeOnce: true } : {}),
    ...(e.S3UP_RECEIPTS === false ? { receipts: false } : {}),
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
      ...(e.S3UP_PRESIGN_METHODS ? { methods: e.S3UP_PRESIGN_METHODS as PresignMethod[] } : {}),
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
}
