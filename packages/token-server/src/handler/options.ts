import type { AuditLogger, AuditLoggerOptions } from '../audit-log.js';
import type { AuthenticateFn, Authenticator } from '../authenticator.js';
import type { CredentialCacheOptions } from '../credential-cache.js';
import type { CredentialIssuerOptions, Issued } from '../credential-issuer.js';
import { resolveDurationLimits } from '../duration.js';
import { isTokenServerError, TokenServerError } from '../errors.js';
import { originAllowlist } from '../origin-allowlist.js';
import type { PresignOptions } from '../presigner.js';
import { assertPrefix, SCOPES, type Scope } from '../session-policy.js';
import type { RateLimitStore } from '../stores/rate-limit-store.js';
import type { UserIdMode } from '../user-id.js';
import type { UploadReceipt } from './routes/uploads.js';

export interface RateLimitOptions {
  /** Window length in milliseconds. Default 60,000 (one minute). */
  windowMs?: number;
  /** Requests per user per window. Default 30: a page load needs one or two; this absorbs many tabs. */
  perUser?: number;
  /** Requests per IP per window. Default 120: an office behind one NAT is many users. */
  perIp?: number;
  /** Where counters live. Default in this process; give a shared store when several instances serve. */
  store?: RateLimitStore;
}

/**
 * The token service's options, the same for every adapter (Express, Node http, Next.js,
 * Hono, Fastify, Lambda). Checked once, when the factory runs: see {@link checkOptions}.
 */
export interface TokenHandlerOptions
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
    | 'onStsCall'
    | 'writeOnce'
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
  /**
   * What the server hands out at all. Default `['upload']`: reading, listing and deleting
   * are opt-in (`delete` grants DeleteObject and AbortMultipartUpload on the user's prefix).
   * Every grant is checked against it: `/credentials` per scope, presigned GET needs `read`,
   * presigned PUT and POST and upload receipts need `upload` (403 `scope_disabled` otherwise).
   */
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
  /**
   * `POST /uploads`, upload receipts: the client reports a finished upload and the server
   * checks it with HeadObject. Default true (when the `upload` scope is on); `false` answers 404.
   */
  receipts?: boolean;
  /**
   * Called once per verified receipt, after the server saw the object under the user's
   * prefix (e.g. insert a database row). Its return value (JSON) is sent back as `app`;
   * a throw answers 500 and the client may report again.
   */
  onUploaded?: (receipt: UploadReceipt) => unknown;
  /** An audit logger, or options for the default one (JSON lines on stdout). */
  audit?: AuditLogger | AuditLoggerOptions;
  /**
   * Where the service's routes live, e.g. `/api/s3up`. Default `/`. Adapters that mount
   * the service themselves (Express, Fastify prefix) ignore it.
   */
  basePath?: string;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** One problem with the options: which option, what is wrong, and what to write instead. */
export interface OptionIssue {
  /** Dotted option path, e.g. `rateLimit.perUser`. */
  option: string;
  message: string;
}

const TOP_LEVEL = [
  'bucket',
  'region',
  'roleArn',
  'stsEndpoint',
  'credentials',
  'sts',
  'prefixBase',
  'duration',
  'policyMode',
  'sourceIdentity',
  'sessionNamePrefix',
  'partition',
  'retry',
  'purge',
  'onStsCall',
  'writeOnce',
  'authenticate',
  'endpoint',
  'forcePathStyle',
  'checksums',
  'allowClientDuration',
  'scopes',
  'userIdMode',
  'userIdSalt',
  'allowedOrigins',
  'cache',
  'rateLimit',
  'presign',
  'receipts',
  'onUploaded',
  'audit',
  'basePath',
  'now',
] as const;

const NESTED: Record<string, readonly string[]> = {
  duration: ['minSeconds', 'maxSeconds', 'defaultSeconds', 'roleChaining'],
  cache: [
    'maxEntries',
    'refreshWindowSeconds',
    'maxAgeSeconds',
    'failureHoldSeconds',
    'store',
    'failures',
    'lockSeconds',
    'sleep',
    'now',
  ],
  rateLimit: ['windowMs', 'perUser', 'perIp', 'store'],
  presign: [
    'methods',
    'maxExpiresInSeconds',
    'defaultExpiresInSeconds',
    'maxSizeBytes',
    'allowedContentTypes',
  ],
  retry: ['attempts', 'baseDelayMs', 'attemptTimeoutMs'],
};

const ROLE_ARN = /^arn:aws[\w-]*:iam::[^:]*:role\/.+$/;

/**
 * Every problem with `options`, each naming the option and the fix, in helmet's manner:
 * an unknown key gets the nearest known one (`allowedOrigin` → `allowedOrigins`), a scope
 * that does not exist the nearest scope, a window in seconds where milliseconds are meant
 * the value it probably should be. `configFromEnv` runs the same checks, so each rule
 * exists once. `extraKeys` are the adapter's own options (e.g. `trustProxy`).
 */
export function checkOptions(options: unknown, extraKeys: readonly string[] = []): OptionIssue[] {
  const issues: OptionIssue[] = [];
  const add = (option: string, message: string) => issues.push({ option, message });
  if (typeof options !== 'object' || options === null) {
    add('options', 'must be an object: { bucket, region, roleArn, authenticate, ... }');
    return issues;
  }
  const o = options as Record<string, unknown>;
  unknownKeys(o, [...TOP_LEVEL, ...extraKeys], '', add);
  for (const [name, keys] of Object.entries(NESTED)) {
    const value = o[name];
    if (value === undefined || value === false) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      add(
        name,
        `must be an object with ${keys.join(', ')}${name === 'rateLimit' || name === 'presign' ? ', or false' : ''}`,
      );
      continue;
    }
    unknownKeys(value as Record<string, unknown>, keys, `${name}.`, add);
  }

  if (requiredText(o, 'bucket', 'is required: the bucket uploads go to', add)) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket as string)) {
      add(
        'bucket',
        `must be an S3 bucket name (3 to 63 lowercase letters, digits, dots, hyphens), got "${o.bucket}"`,
      );
    }
  }
  requiredText(o, 'region', 'is required, e.g. "eu-west-1"', add);
  if (requiredText(o, 'roleArn', 'is required: the role assumed for each user', add)) {
    if (!ROLE_ARN.test(o.roleArn as string)) {
      add('roleArn', `must be a role ARN, arn:aws:iam::<account>:role/<name>, got "${o.roleArn}"`);
    }
  }
  const auth = o.authenticate;
  if (
    typeof auth !== 'function' &&
    !(typeof auth === 'object' && auth !== null && typeof (auth as Authenticator).authenticate === 'function')
  ) {
    add(
      'authenticate',
      'is required: pass jwtAuthenticator({ secret | jwksUrl, issuer, audience }), devAuthenticator() in development, ' +
        'or your own (req) => ({ userId }) | null',
    );
  }
  for (const name of ['endpoint', 'stsEndpoint'] as const) {
    const value = o[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !URL.canParse(value)) {
      add(name, `must be a URL such as "http://127.0.0.1:7480", got ${show(value)}`);
    }
  }
  oneOf(o, 'checksums', ['WHEN_SUPPORTED', 'WHEN_REQUIRED'], add);
  oneOf(o, 'userIdMode', ['strict', 'hash'], add);
  oneOf(o, 'policyMode', ['session-policy', 'session-tags'], add);
  checkWriteOnce(o, add);
  for (const name of [
    'forcePathStyle',
    'allowClientDuration',
    'sourceIdentity',
    'receipts',
    'writeOnce',
  ] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean')
      add(name, `must be true or false, got ${show(o[name])}`);
  }
  for (const name of ['onUploaded', 'now'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function')
      add(name, `must be a function, got ${show(o[name])}`);
  }

  checkScopes(o.scopes, add);

  if (o.allowedOrigins !== undefined) {
    if (typeof o.allowedOrigins === 'string') {
      add('allowedOrigins', `must be an array of origins: write allowedOrigins: ["${o.allowedOrigins}"]`);
    } else if (!Array.isArray(o.allowedOrigins)) {
      add(
        'allowedOrigins',
        `must be an array of origins such as ["https://app.example.com"], got ${show(o.allowedOrigins)}`,
      );
    } else {
      for (const entry of o.allowedOrigins) {
        try {
          originAllowlist([String(entry)]);
        } catch (error) {
          add('allowedOrigins', messageOf(error).replace(/^allowedOrigins: /, ''));
        }
      }
    }
  }

  if (o.prefixBase !== undefined) {
    try {
      if (typeof o.prefixBase !== 'string') throw new Error('not text');
      if (o.prefixBase !== '') assertPrefix(o.prefixBase);
    } catch {
      add('prefixBase', `must be path segments ending with "/", such as "users/", got ${show(o.prefixBase)}`);
    }
  }

  if (o.duration !== undefined && typeof o.duration === 'object' && o.duration !== null) {
    try {
      resolveDurationLimits(o.duration as Record<string, number>);
    } catch (error) {
      add(
        'duration',
        messageOf(error)
          .replace(/^duration\./, '')
          .replace(/\.$/, ''),
      );
    }
  }

  if (o.rateLimit !== undefined && o.rateLimit !== false && typeof o.rateLimit === 'object' && o.rateLimit) {
    const r = o.rateLimit as Record<string, unknown>;
    if (r.windowMs !== undefined) {
      if (!isPositiveInteger(r.windowMs)) {
        add('rateLimit.windowMs', `must be a whole number of milliseconds above 0, got ${show(r.windowMs)}`);
      } else if ((r.windowMs as number) < 1000) {
        add(
          'rateLimit.windowMs',
          `is in milliseconds: ${r.windowMs} ms is shorter than a second; did you mean ${(r.windowMs as number) * 1000} (${r.windowMs} s)?`,
        );
      }
    }
    for (const name of ['perUser', 'perIp'] as const) {
      const value = r[name];
      if (value === undefined) continue;
      if (!isPositiveInteger(value)) {
        add(
          `rateLimit.${name}`,
          `must be a whole number of requests per window, at least 1, got ${show(value)}; ` +
            'to turn rate limiting off, pass rateLimit: false',
        );
      }
    }
    if (r.store !== undefined && typeof (r.store as RateLimitStore | null)?.hit !== 'function') {
      add('rateLimit.store', 'must have a hit(key, windowMs) method (see RateLimitStore)');
    }
  }

  if (o.cache !== undefined && typeof o.cache === 'object' && o.cache !== null) {
    const c = o.cache as Record<string, unknown>;
    for (const name of ['refreshWindowSeconds', 'maxAgeSeconds'] as const) {
      if (c[name] !== undefined && !isPositiveInteger(c[name])) {
        add(`cache.${name}`, `must be a whole number of seconds above 0, got ${show(c[name])}`);
      }
    }
    for (const name of ['maxEntries', 'failureHoldSeconds'] as const) {
      if (c[name] !== undefined && !(Number.isInteger(c[name]) && (c[name] as number) >= 0)) {
        add(`cache.${name}`, `must be a whole number, 0 or more, got ${show(c[name])}`);
      }
    }
  }

  if (o.presign !== undefined && o.presign !== false && typeof o.presign === 'object' && o.presign) {
    const p = o.presign as Record<string, unknown>;
    if (p.methods !== undefined) {
      if (!Array.isArray(p.methods)) {
        add('presign.methods', `must be an array such as ["GET", "PUT"], got ${show(p.methods)}`);
      } else {
        for (const m of p.methods) {
          if (m === 'GET' || m === 'PUT' || m === 'POST') continue;
          const upper = String(m).toUpperCase();
          add(
            'presign.methods',
            `"${m}" is not a presign method${['GET', 'PUT', 'POST'].includes(upper) ? `; write "${upper}"` : ''}: use GET, PUT or POST`,
          );
        }
      }
    }
    for (const name of ['maxExpiresInSeconds', 'defaultExpiresInSeconds', 'maxSizeBytes'] as const) {
      if (p[name] !== undefined && !isPositiveInteger(p[name])) {
        add(`presign.${name}`, `must be a whole number above 0, got ${show(p[name])}`);
      }
    }
  }

  if (o.basePath !== undefined) {
    if (typeof o.basePath !== 'string' || !/^\/(?:[\w.~-]+(?:\/[\w.~-]+)*)?$/.test(o.basePath)) {
      add(
        'basePath',
        `must be a path such as "/api/s3up" (leading "/", no trailing "/"), got ${show(o.basePath)}`,
      );
    }
  }
  return issues;
}

/** Throws one `invalid_config` error listing every problem, one line each. */
export function assertOptions(
  options: unknown,
  extraKeys: readonly string[] = [],
  factory = 'createTokenHandler',
): void {
  const issues = checkOptions(options, extraKeys);
  if (issues.length === 0) return;
  throw new TokenServerError(
    'invalid_config',
    `${factory}: invalid options:\n${issues.map((i) => `  ${i.option}: ${i.message}`).join('\n')}`,
  );
}

/** An S3 endpoint that is AWS's own (a FIPS, dual-stack or VPC endpoint), not an S3-compatible server. */
export function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return true;
  try {
    const host = new URL(endpoint).hostname;
    return /(^|\.)amazonaws\.com$/.test(host) || /(^|\.)amazonaws\.com\.cn$/.test(host);
  } catch {
    return false;
  }
}

// `writeOnce: true` is a promise that no upload replaces an object: refuse every setting
// under which the promise would not hold, rather than let an operator believe it.
function checkWriteOnce(o: Record<string, unknown>, add: (option: string, message: string) => void): void {
  if (o.writeOnce !== true) return;
  if (!isAwsEndpoint(o.endpoint as string | undefined)) {
    add(
      'writeOnce',
      `needs AWS S3: it adds the s3:if-none-match condition to each session policy, and the backend at ${String(o.endpoint)} ` +
        'is not AWS (Ceph RGW 16 accepts the condition and never applies it, so uploads could still replace objects). ' +
        "Leave writeOnce off there, and have clients send If-None-Match themselves (the engine's overwrite: false)",
    );
  }
  if (o.policyMode === 'session-tags') {
    add(
      'writeOnce',
      'works with policyMode "session-policy" only: tag mode sends no session policy to carry the condition',
    );
  }
  const presign = o.presign as { methods?: unknown } | false | undefined;
  const methods =
    presign === false ? [] : Array.isArray(presign?.methods) ? presign.methods : ['GET', 'PUT', 'POST'];
  if (methods.includes('POST')) {
    add(
      'writeOnce',
      'cannot hold for presigned POST (a POST form cannot carry If-None-Match, and it is signed without the session policy): ' +
        'set presign: { methods: ["GET", "PUT"] } (in the environment: S3UP_PRESIGN_METHODS=GET,PUT; presigned PUTs then sign If-None-Match: *), or presign: false',
    );
  }
}

function checkScopes(scopes: unknown, add: (option: string, message: string) => void): void {
  if (scopes === undefined) return;
  if (typeof scopes === 'string') {
    add('scopes', `must be an array: write scopes: ["${scopes}"]`);
    return;
  }
  if (!Array.isArray(scopes)) {
    add('scopes', `must be an array of ${SCOPES.join(', ')}, got ${show(scopes)}`);
    return;
  }
  if (scopes.length === 0) {
    add('scopes', `is empty, so every request would be refused; list at least one of ${SCOPES.join(', ')}`);
    return;
  }
  for (const scope of scopes) {
    if ((SCOPES as readonly unknown[]).includes(scope)) continue;
    const near = typeof scope === 'string' ? closest(scope, SCOPES) : undefined;
    add(
      'scopes',
      `${show(scope)} is not a scope${near ? `; did you mean "${near}"?` : ''} The scopes are ${SCOPES.join(', ')}`,
    );
  }
}

function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  add: (option: string, message: string) => void,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key) || value[key] === undefined) continue;
    const near = closest(key, known);
    add(
      `${path}${key}`,
      near
        ? `is not an option; did you mean "${path}${near}"?`
        : `is not an option; known ${path ? `${path.slice(0, -1)} options` : 'options'}: ${known.join(', ')}`,
    );
  }
}

function requiredText(
  o: Record<string, unknown>,
  name: string,
  message: string,
  add: (option: string, message: string) => void,
): boolean {
  if (typeof o[name] === 'string' && (o[name] as string).length > 0) return true;
  add(name, o[name] === undefined || o[name] === '' ? message : `must be text, got ${show(o[name])}`);
  return false;
}

function oneOf(
  o: Record<string, unknown>,
  name: string,
  allowed: readonly string[],
  add: (option: string, message: string) => void,
): void {
  const value = o[name];
  if (value === undefined || allowed.includes(value as string)) return;
  const near = typeof value === 'string' ? closest(value, allowed) : undefined;
  add(
    name,
    `must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${show(value)}${near ? `; did you mean "${near}"?` : ''}`,
  );
}

function isPositiveInteger(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) > 0;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function messageOf(error: unknown): string {
  return isTokenServerError(error) || error instanceof Error ? error.message : String(error);
}

/** The known word nearest to `word` (case-insensitive edit distance), when it is near enough to be a typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

// Damerau-Levenshtein (optimal string alignment): a swapped pair ("uplaod") is one edit.
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}
