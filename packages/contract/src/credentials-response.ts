import { ContractError } from './contract-error.js';
import { isSafePrefix } from './identity.js';
import { isScope, type Scope } from './scopes.js';

/** The token server's `POST /credentials` answer (openapi.yaml `Credentials`, docs/contracts.md). */
export interface CredentialsResponse {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601 on the server's clock. */
  expiration: string;
  /** ISO 8601: the server's clock when it answered, to correct the browser's clock skew. */
  serverTime?: string;
  bucket: string;
  region: string;
  /** Only when not AWS. */
  endpoint?: string;
  /** Only when true. */
  forcePathStyle?: boolean;
  requestChecksumCalculation?: ChecksumCalculation;
  /** Every key the user may write starts with it; ends with `/`. */
  prefix: string;
  scope?: string;
  actions?: string[];
  /**
   * Every scope this server hands out to this user (the operator's `scopes`), so a client
   * asks only for what it can get: an engine told `["upload"]` skips its read-scope size
   * check instead of asking and drawing a 403 in the browser's console. Unknown names
   * (a newer server's scopes) are dropped; absent from older servers.
   */
  offeredScopes?: Scope[];
  /**
   * Only when true: the server serves `POST /uploads` (upload receipts) for this session,
   * so the client reports each finished upload there.
   */
  receipts?: boolean;
  /**
   * Only when true: the session may only create objects (the token server's `writeOnce`).
   * S3 refuses a PutObject or CompleteMultipartUpload without `If-None-Match: *`, so the
   * client sends it, and an existing key is the `exists` error, never a replacement.
   */
  writeOnce?: boolean;
}

/**
 * What the token server sends: every field openapi.yaml's `Credentials` requires. A client
 * parses into {@link CredentialsResponse}, which accepts older servers without them.
 */
export type IssuedCredentialsResponse = CredentialsResponse &
  Required<
    Pick<
      CredentialsResponse,
      'serverTime' | 'requestChecksumCalculation' | 'scope' | 'actions' | 'offeredScopes'
    >
  >;

export type ChecksumCalculation = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
export const CHECKSUM_CALCULATIONS: readonly ChecksumCalculation[] = Object.freeze([
  'WHEN_SUPPORTED',
  'WHEN_REQUIRED',
]);

type Body = Record<string, unknown>;

/** What a check may read besides the body: the client's clock, for an answer without `serverTime`. */
export interface CredentialsCheckContext {
  /** Epoch ms now on the client's clock. */
  readonly now: number;
}

/**
 * One rule of the answer: the field it reads, whether the field is required, and what is
 * wrong with the body, or undefined when the rule holds. The message names the field and
 * says what to fix.
 */
export interface CredentialsCheck {
  readonly name: string;
  readonly field: keyof CredentialsResponse;
  /** The field must be present (a check of an optional field holds when it is absent). */
  readonly required: boolean;
  problem(body: Body, context: CredentialsCheckContext): string | undefined;
}

const CONTRACT = 'it must follow the s3up token server contract (docs/contracts.md)';

/**
 * Credentials that expire sooner than this after the answer are refused: no request signed
 * with them could reach S3, and a client would refresh them before every request (one bad
 * answer once turned into 36 token requests for one file and a 429 after it was stored).
 */
export const MIN_CREDENTIALS_LIFETIME_MS = 1000;

function answered(problem: string): string {
  return `The credentials endpoint answered ${problem}; ${CONTRACT}.`;
}

function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function requiredText(field: keyof CredentialsResponse): CredentialsCheck {
  return {
    name: `${field}-present`,
    field,
    required: true,
    problem: (body) => {
      const value = body[field];
      if (value === undefined || value === null || value === '') return answered(`without "${field}"`);
      return typeof value === 'string'
        ? undefined
        : answered(`"${field}" as a ${typeof value}, not a string`);
    },
  };
}

/** An optional field: absent is fine, present it must have its type. */
function optional(
  field: keyof CredentialsResponse,
  expected: string,
  holds: (value: unknown) => boolean,
): CredentialsCheck {
  return {
    name: `${field}-type`,
    field,
    required: false,
    problem: (body) => {
      const value = body[field];
      if (value === undefined || holds(value)) return undefined;
      return answered(`"${field}" as ${quoted(value)}; it must be ${expected} or left out`);
    },
  };
}

const isDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The checks the parser runs, in order; the first that fails is thrown. Required fields
 * must be present with their type; optional fields may be left out, but a present one of
 * the wrong type is refused too (a server that sends `"forcePathStyle": "yes"` is broken,
 * and guessing would hide it). Unknown fields, and a `requestChecksumCalculation` value
 * this version does not know, are dropped, so a newer server keeps working.
 */
export const CREDENTIALS_CHECKS: readonly CredentialsCheck[] = Object.freeze([
  requiredText('accessKeyId'),
  requiredText('secretAccessKey'),
  requiredText('sessionToken'),
  requiredText('expiration'),
  requiredText('bucket'),
  requiredText('region'),
  requiredText('prefix'),
  {
    name: 'expiration-date',
    field: 'expiration',
    required: true,
    problem: (body) =>
      isDate(body.expiration)
        ? undefined
        : answered(`an invalid "expiration" (${quoted(body.expiration)}): it must be an ISO 8601 date-time`),
  },
  optional('serverTime', 'an ISO 8601 date-time', isDate),
  {
    // Measured on the server's clock when it sent serverTime, so a wrong client clock does not matter.
    name: 'expiration-lifetime',
    field: 'expiration',
    required: true,
    problem: (body, { now }) => {
      const expiration = String(body.expiration);
      const serverTime = typeof body.serverTime === 'string' ? body.serverTime : undefined;
      const lifetime = Date.parse(expiration) - (serverTime ? Date.parse(serverTime) : now);
      if (lifetime >= MIN_CREDENTIALS_LIFETIME_MS) return undefined;
      const when = lifetime <= 0 ? 'at or before' : 'less than a second after';
      const reference = serverTime ? `its "serverTime" (${serverTime})` : 'the time it answered';
      return answered(
        `"expiration" (${expiration}) ${when} ${reference}: credentials that are already expired`,
      );
    },
  },
  {
    name: 'prefix-slash',
    field: 'prefix',
    required: true,
    // Without it, keys land beside the user's folder: `users/alice` also matches `users/alice2/...`.
    problem: (body) =>
      String(body.prefix).endsWith('/')
        ? undefined
        : answered(`"prefix" (${quoted(body.prefix)}), which does not end with "/"`),
  },
  {
    name: 'prefix-pattern',
    field: 'prefix',
    required: true,
    // The pattern the token server builds prefixes with: nothing IAM reads as a wildcard or a
    // variable, no empty, "." or ".." segment.
    problem: (body) =>
      isSafePrefix(body.prefix)
        ? undefined
        : answered(
            `"prefix" (${quoted(body.prefix)}), which does not match the documented pattern (segments of letters, digits and _ . @ = + - each ending with "/", no "." or ".." segment)`,
          ),
  },
  optional('endpoint', 'an http(s) URL', isHttpUrl),
  optional('forcePathStyle', 'a boolean', (v) => typeof v === 'boolean'),
  optional('requestChecksumCalculation', 'a string', (v) => typeof v === 'string'),
  optional('scope', 'a string', (v) => typeof v === 'string'),
  optional(
    'actions',
    'an array of strings',
    (v) => Array.isArray(v) && v.every((a) => typeof a === 'string'),
  ),
  optional(
    'offeredScopes',
    'an array of strings',
    (v) => Array.isArray(v) && v.every((a) => typeof a === 'string'),
  ),
  optional('receipts', 'a boolean', (v) => typeof v === 'boolean'),
  optional('writeOnce', 'a boolean', (v) => typeof v === 'boolean'),
]);

/** The fields a valid answer must hold (the rest are optional). */
export const REQUIRED_CREDENTIALS_FIELDS: readonly (keyof CredentialsResponse)[] = Object.freeze([
  ...new Set(CREDENTIALS_CHECKS.filter((check) => check.required).map((check) => check.field)),
]);

/**
 * The one parser of a `POST /credentials` answer, for every client (the engine, the CLI,
 * the benchmarks). Throws a `ContractError` (`invalid_credentials`, with the field) whose
 * message names the field, for a missing or mistyped field, credentials already expired
 * (on the server's clock when it sent `serverTime`, else on `now`), and a missing or unsafe
 * prefix; keeps only the known fields.
 *
 * @example
 * ```ts
 * const answer = parseCredentialsResponse(await response.json());
 * new S3Client({ region: answer.region, credentials: { ...answer, expiration: new Date(answer.expiration) } });
 * ```
 */
export function parseCredentialsResponse(body: unknown, options: { now?: number } = {}): CredentialsResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ContractError('invalid_credentials', 'The credentials endpoint did not answer a JSON object.');
  }
  const b = body as Body;
  const context: CredentialsCheckContext = { now: options.now ?? Date.now() };
  for (const check of CREDENTIALS_CHECKS) {
    const problem = check.problem(b, context);
    if (problem !== undefined) throw new ContractError('invalid_credentials', problem, check.field);
  }
  const parsed: CredentialsResponse = {
    accessKeyId: b.accessKeyId as string,
    secretAccessKey: b.secretAccessKey as string,
    sessionToken: b.sessionToken as string,
    expiration: b.expiration as string,
    bucket: b.bucket as string,
    region: b.region as string,
    prefix: b.prefix as string,
  };
  if (typeof b.serverTime === 'string') parsed.serverTime = b.serverTime;
  if (typeof b.endpoint === 'string') parsed.endpoint = b.endpoint;
  if (b.forcePathStyle === true) parsed.forcePathStyle = true;
  if ((CHECKSUM_CALCULATIONS as readonly unknown[]).includes(b.requestChecksumCalculation)) {
    parsed.requestChecksumCalculation = b.requestChecksumCalculation as ChecksumCalculation;
  }
  if (typeof b.scope === 'string') parsed.scope = b.scope;
  if (Array.isArray(b.actions)) parsed.actions = b.actions as string[];
  if (Array.isArray(b.offeredScopes)) parsed.offeredScopes = b.offeredScopes.filter(isScope);
  if (b.receipts === true) parsed.receipts = true;
  if (b.writeOnce === true) parsed.writeOnce = true;
  return parsed;
}
