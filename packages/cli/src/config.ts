import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isScope, SCOPES, type Scope } from '@s3up/contract';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { CliError } from './errors.js';

/**
 * Everything the commands read from the deployment's configuration. Each value comes
 * from the first of: a command-line flag, an environment variable, the config file
 * (`--config`, `S3UP_CONFIG`, or `./s3up.config.json` when it exists), the default.
 */
export interface Settings {
  bucket?: string;
  /** Default `us-east-1`: what the SDK and the local backend assume when nothing is set. */
  region: string;
  /** Unset on AWS. */
  endpoint?: string;
  /** Default false (virtual-hosted style, as AWS wants); true for Ceph RGW, MinIO... */
  forcePathStyle: boolean;
  /** Default `WHEN_SUPPORTED` (the SDK default); `WHEN_REQUIRED` for servers that break on CRC32. */
  checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** The uploader role, as an ARN or a bare name. */
  role?: string;
  /** AWS shared-config profile for the CLI's own calls. Default: the SDK's chain (AWS_PROFILE, env keys, instance role). */
  profile?: string;
  /**
   * Profile for STS AssumeRole (the doctor's probe, `grant`): the token service's identity,
   * which the role trusts. Default: the same as `profile`.
   */
  stsProfile?: string;
  /**
   * Profile for IAM reads and writes (`setup`, `doctor`'s role checks, `revoke`): an IAM
   * administrator. Default: the same as `profile`. Ceph RGW keeps bucket owners and IAM
   * administrators apart, so one identity cannot do both there.
   */
  iamProfile?: string;
  /** App origins allowed by the bucket CORS (exact, or with one `*` port/subdomain wildcard). */
  origins: string[];
  /** The token service's principal ARN (the IAM user or role that calls AssumeRole). */
  tokenServicePrincipal?: string;
  /**
   * The scopes the token server offers (its `scopes` option): `doctor` checks the role and
   * probes the session of each. Default `['upload']`, the token server's default.
   */
  scopes: Scope[];
  /**
   * Session length the token server asks for, in seconds. Default 3600: the token
   * server's default and the role-chaining cap, so it works wherever the server runs.
   */
  sessionSeconds: number;
  /**
   * The role's MaxSessionDuration set by `setup`. Default 43200 (12 h, the AWS maximum)
   * so `grant --expires` can hand partners up to 12 h.
   */
  maxSessionSeconds: number;
  /** Days before incomplete multipart uploads are aborted. Default 1: a closed tab's parts cost a day at most. */
  abortIncompleteDays: number;
  /**
   * Check ids whose "not supported by this endpoint" status `doctor` accepts (e.g.
   * `object-ownership`, `default-encryption` on Ceph RGW). Default none: on AWS every
   * setting exists and must pass.
   */
  acceptUnsupported: string[];
  /** Where `grant` appends its audit line (JSON). Default: standard error. */
  auditLog?: string;
  /**
   * Each AWS call's attempt may take this long in all (connect: at most 3 s of it). Default 5:
   * AWS answers these small calls in well under a second, and an endpoint that accepts a
   * connection and never answers must be reported, not waited on.
   */
  requestTimeoutSeconds: number;
}

/** Flags as commander hands them over (camelCase). */
export type FlagValues = Record<string, unknown>;
export type Environment = Record<string, string | undefined>;

const fileSchema = z
  .object({
    bucket: z.string().optional(),
    region: z.string().optional(),
    endpoint: z.string().optional(),
    forcePathStyle: z.boolean().optional(),
    checksums: z.enum(['WHEN_SUPPORTED', 'WHEN_REQUIRED']).optional(),
    role: z.string().optional(),
    profile: z.string().optional(),
    stsProfile: z.string().optional(),
    iamProfile: z.string().optional(),
    origins: z.array(z.string()).optional(),
    tokenServicePrincipal: z.string().optional(),
    scopes: z.array(z.string()).optional(),
    sessionDuration: z.union([z.string(), z.number()]).optional(),
    maxSessionDuration: z.union([z.string(), z.number()]).optional(),
    abortIncompleteDays: z.number().int().optional(),
    acceptUnsupported: z.array(z.string()).optional(),
    auditLog: z.string().optional(),
    requestTimeout: z.union([z.string(), z.number()]).optional(),
  })
  .strict();
type FileConfig = z.infer<typeof fileSchema>;

function readConfigFile(path: string | undefined, explicit: boolean, name: string): FileConfig {
  if (!path) return {};
  const full = resolve(path);
  if (!existsSync(full)) {
    if (explicit) throw new CliError('invalid_config', `${name}: the config file ${full} does not exist.`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, 'utf8'));
  } catch (error) {
    throw new CliError(
      'invalid_config',
      `${name}: ${full} is not valid JSON (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new CliError(
      'invalid_config',
      `${full}: "${where}" ${issue?.message ?? 'is invalid'}. Allowed keys: ${Object.keys(fileSchema.shape).join(', ')}.`,
    );
  }
  return parsed.data;
}

function bool(value: string, name: string): boolean {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new CliError('invalid_config', `${name} must be true or false; got "${value}".`);
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE = /^(arn:aws[a-z-]*:iam::\d{0,12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}|[\w+=,.@-]{1,64})$/;
const PRINCIPAL = /^arn:aws[a-z-]*:(iam|sts)::\d{0,12}:[\w+=,.@/-]+$/;

function checkOrigin(origin: string, name: string): string {
  if (origin === '*')
    throw new CliError(
      'invalid_config',
      `${name}: "*" (every origin) is refused: any web site could drive uploads from a signed-in user's browser. ` +
        'List the app origins (https://app.example.com), or use one "*" for a port or subdomain (http://localhost:*, https://*.example.com).',
    );
  // Exact origins only (scheme://host[:port]); one `*` for a port or subdomain, as S3 CORS allows.
  if (!/^https?:\/\/[^/\s]+$/.test(origin) || origin.split('*').length > 2) {
    throw new CliError(
      'invalid_config',
      `${name}: "${origin}" is not an origin. Use scheme://host[:port] without a path, e.g. https://app.example.com.`,
    );
  }
  return origin;
}

function checkScopes(values: string[], name: string): Scope[] {
  const unknown = values.filter((v) => !isScope(v));
  if (unknown.length)
    throw new CliError(
      'invalid_config',
      `${name}: ${unknown.map((v) => `"${v}"`).join(', ')} is not a scope. Give the token server's \`scopes\` option, from: ${SCOPES.join(', ')}.`,
    );
  return [...new Set(values as Scope[])];
}

/**
 * Resolves and validates the settings from flags, environment and config file. Every
 * message names the flag or variable to fix.
 *
 * @example
 * const settings = loadSettings({ bucket: 'uploads' }, process.env);
 */
export function loadSettings(flags: FlagValues, env: Environment, cwd = process.cwd()): Settings {
  const flagConfig = typeof flags.config === 'string' ? flags.config : undefined;
  const explicit = flagConfig ?? env.S3UP_CONFIG;
  const file = readConfigFile(
    explicit ?? resolve(cwd, 's3up.config.json'),
    explicit !== undefined,
    flagConfig ? '--config' : 'S3UP_CONFIG',
  );
  const str = (flag: string, envName: string, fileValue: string | undefined) => {
    const f = flags[flag];
    if (typeof f === 'string' && f !== '') return { value: f, name: `--${kebab(flag)}` };
    const e = env[envName];
    if (e !== undefined && e !== '') return { value: e, name: envName };
    if (fileValue !== undefined) return { value: fileValue, name: `config file "${flag}"` };
    return undefined;
  };

  const settings: Settings = {
    region: 'us-east-1',
    forcePathStyle: false,
    checksums: 'WHEN_SUPPORTED',
    origins: [],
    scopes: ['upload'],
    sessionSeconds: 3600,
    maxSessionSeconds: 43_200,
    abortIncompleteDays: 1,
    acceptUnsupported: [],
    requestTimeoutSeconds: 5,
  };

  const bucket = str('bucket', 'S3UP_BUCKET', file.bucket);
  if (bucket) {
    if (!BUCKET.test(bucket.value))
      throw new CliError(
        'invalid_config',
        `${bucket.name}: "${bucket.value}" is not a valid bucket name (3 to 63 lowercase letters, digits, dots, hyphens).`,
      );
    settings.bucket = bucket.value;
  }
  const region = str('region', 'S3UP_REGION', file.region) ?? str('region', 'AWS_REGION', undefined);
  if (region) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$|^[a-z0-9-]+$/.test(region.value))
      throw new CliError(
        'invalid_config',
        `${region.name}: "${region.value}" is not a region name like eu-west-1.`,
      );
    settings.region = region.value;
  }
  const endpoint = str('endpoint', 'S3UP_ENDPOINT', file.endpoint);
  if (endpoint) {
    try {
      const url = new URL(endpoint.value);
      if (!/^https?:$/.test(url.protocol)) throw new Error('protocol');
    } catch (error) {
      throw new CliError(
        'invalid_config',
        `${endpoint.name}: "${endpoint.value}" is not an http(s) URL. Leave it unset on AWS.`,
        { cause: error },
      );
    }
    settings.endpoint = endpoint.value.replace(/\/+$/, '');
  }
  if (typeof flags.forcePathStyle === 'boolean') settings.forcePathStyle = flags.forcePathStyle;
  else if (env.S3UP_FORCE_PATH_STYLE)
    settings.forcePathStyle = bool(env.S3UP_FORCE_PATH_STYLE, 'S3UP_FORCE_PATH_STYLE');
  else if (file.forcePathStyle !== undefined) settings.forcePathStyle = file.forcePathStyle;

  const checksums = str('checksums', 'S3UP_CHECKSUMS', file.checksums);
  if (checksums) {
    if (checksums.value !== 'WHEN_SUPPORTED' && checksums.value !== 'WHEN_REQUIRED')
      throw new CliError(
        'invalid_config',
        `${checksums.name} must be WHEN_SUPPORTED (AWS) or WHEN_REQUIRED (servers that break on CRC32); got "${checksums.value}".`,
      );
    settings.checksums = checksums.value;
  }
  const role = str('role', 'S3UP_ROLE_ARN', file.role);
  if (role) {
    if (!ROLE.test(role.value))
      throw new CliError(
        'invalid_config',
        `${role.name}: "${role.value}" is neither a role ARN (arn:aws:iam::123456789012:role/name) nor a role name.`,
      );
    settings.role = role.value;
  }
  const profile = str('profile', 'AWS_PROFILE', file.profile);
  if (profile) settings.profile = profile.value;
  const stsProfile = str('stsProfile', 'S3UP_STS_PROFILE', file.stsProfile);
  if (stsProfile) settings.stsProfile = stsProfile.value;
  const iamProfile = str('iamProfile', 'S3UP_IAM_PROFILE', file.iamProfile);
  if (iamProfile) settings.iamProfile = iamProfile.value;

  const flagOrigins = Array.isArray(flags.origin) ? (flags.origin as string[]) : undefined;
  if (flagOrigins?.length) settings.origins = flagOrigins.map((o) => checkOrigin(o, '--origin'));
  else if (env.S3UP_ORIGINS)
    settings.origins = list(env.S3UP_ORIGINS).map((o) => checkOrigin(o, 'S3UP_ORIGINS'));
  else if (file.origins) settings.origins = file.origins.map((o) => checkOrigin(o, 'config file "origins"'));

  const principal = str('tokenService', 'S3UP_TOKEN_SERVICE_PRINCIPAL', file.tokenServicePrincipal);
  if (principal) {
    if (!PRINCIPAL.test(principal.value))
      throw new CliError(
        'invalid_config',
        `${principal.name}: "${principal.value}" is not an IAM principal ARN (arn:aws:iam::123456789012:role/token-server or :user/...).`,
      );
    settings.tokenServicePrincipal = principal.value;
  }
  const flagScopes = Array.isArray(flags.scope) ? (flags.scope as string[]).flatMap(list) : undefined;
  if (flagScopes?.length) settings.scopes = checkScopes(flagScopes, '--scope');
  else if (env.S3UP_SCOPES) settings.scopes = checkScopes(list(env.S3UP_SCOPES), 'S3UP_SCOPES');
  else if (file.scopes) settings.scopes = checkScopes(file.scopes, 'config file "scopes"');

  const session = str(
    'sessionDuration',
    'S3UP_SESSION_DURATION',
    file.sessionDuration === undefined ? undefined : String(file.sessionDuration),
  );
  if (session) settings.sessionSeconds = parseDuration(session.value, session.name);
  const maxSession = str(
    'maxSessionDuration',
    'S3UP_MAX_SESSION_DURATION',
    file.maxSessionDuration === undefined ? undefined : String(file.maxSessionDuration),
  );
  if (maxSession) settings.maxSessionSeconds = parseDuration(maxSession.value, maxSession.name);
  if (settings.maxSessionSeconds < 3600 || settings.maxSessionSeconds > 43_200)
    throw new CliError(
      'invalid_config',
      `${maxSession?.name ?? 'max session duration'} must be between 1h and 12h (IAM's MaxSessionDuration range).`,
    );
  if (settings.sessionSeconds > settings.maxSessionSeconds)
    throw new CliError(
      'invalid_config',
      `${session?.name ?? 'session duration'} (${settings.sessionSeconds}s) is longer than the role's maximum (${settings.maxSessionSeconds}s): raise --max-session-duration or shorten the session.`,
    );
  const days = flags.abortIncompleteDays ?? env.S3UP_ABORT_INCOMPLETE_DAYS ?? file.abortIncompleteDays;
  if (days !== undefined) {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 7)
      throw new CliError(
        'invalid_config',
        `--abort-incomplete-days / S3UP_ABORT_INCOMPLETE_DAYS must be a whole number of days from 1 to 7; got "${String(days)}".`,
      );
    settings.abortIncompleteDays = n;
  }
  const accept = Array.isArray(flags.acceptUnsupported) ? (flags.acceptUnsupported as string[]) : undefined;
  if (accept?.length) settings.acceptUnsupported = accept.flatMap(list);
  else if (env.S3UP_ACCEPT_UNSUPPORTED) settings.acceptUnsupported = list(env.S3UP_ACCEPT_UNSUPPORTED);
  else if (file.acceptUnsupported) settings.acceptUnsupported = file.acceptUnsupported;

  const audit = str('auditLog', 'S3UP_AUDIT_LOG', file.auditLog);
  if (audit) settings.auditLog = audit.value;
  const timeout = str(
    'requestTimeout',
    'S3UP_REQUEST_TIMEOUT',
    file.requestTimeout === undefined ? undefined : String(file.requestTimeout),
  );
  if (timeout) {
    settings.requestTimeoutSeconds = parseDuration(timeout.value, timeout.name);
    if (settings.requestTimeoutSeconds > 300)
      throw new CliError('invalid_config', `${timeout.name} must be at most 5m; got "${timeout.value}".`);
  }
  return settings;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A setting a command cannot run without; the message names every way to give it. */
export function required<T>(value: T | undefined, flag: string, envName: string): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new CliError(
      'invalid_config',
      `${flag} is required: pass ${flag}, set ${envName}, or put it in s3up.config.json.`,
    );
  }
  return value;
}

/** `arn:aws:iam::123:role/path/name` or `name` → `name`. */
export function roleNameOf(role: string): string {
  return role.startsWith('arn:') ? (role.split('/').pop() ?? role) : role;
}

/**
 * The role ARN as given, or a bare name as `arn:aws:iam:::role/<name>` (the caller's own
 * account; Ceph RGW accepts it). Commands that can ask IAM prefer the ARN GetRole returns.
 */
export function roleArnOf(role: string): string {
  return role.startsWith('arn:') ? role : `arn:aws:iam:::role/${role}`;
}
