import { createHash } from 'node:crypto';
import { TokenServerError } from './errors.js';

/** What a set of credentials is for. `upload` is the default; the operator enables the others. */
export type Scope = 'upload' | 'read' | 'list';
export const SCOPES: readonly Scope[] = ['upload', 'read', 'list'];

/**
 * The minimum actions per scope. `s3:PutObject` also covers CreateMultipartUpload,
 * UploadPart and CompleteMultipartUpload; ListMultipartUploadParts lets a client resume
 * an upload whose UploadId it kept. No DeleteObject: an upload credential that leaks
 * cannot erase anything.
 */
export const SCOPE_ACTIONS: Readonly<Record<Scope, readonly string[]>> = {
  upload: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  read: ['s3:GetObject'],
  list: ['s3:ListBucket'],
};

/** STS refuses a session policy longer than this (plain text, before packing). */
export const MAX_SESSION_POLICY_LENGTH = 2048;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: { StringLike: { 's3:prefix': string[] } };
}

export interface SessionPolicy {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface SessionPolicyInput {
  bucket: string;
  /** A key prefix ending with `/`, e.g. `users/alice/` (see {@link userPrefix}). */
  prefix: string;
  /** One scope or several (the CLI's `grant` may combine them). */
  scope: Scope | readonly Scope[];
  /** ARN partition. Default `aws`; `aws-cn` and `aws-us-gov` for those regions. */
  partition?: string;
}

// Segments of letters, digits and `_ . @ = + -`, each followed by `/`. Nothing IAM
// treats as a wildcard or variable (`*`, `?`, `$`) can get in.
const PREFIX_PATTERN = /^(?:[A-Za-z0-9_.@=+-]+\/)+$/;
// S3 bucket naming rules (lowercase, digits, dots, hyphens; 3 to 63).
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The prefix of a user: `<base><userId>/`. `base` defaults to `users/`. */
export function userPrefix(userId: string, base = 'users/'): string {
  const prefix = `${base}${userId}/`;
  assertPrefix(prefix);
  return prefix;
}

export function assertPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    throw new TokenServerError(
      'invalid_config',
      `The prefix "${prefix}" is not safe in a policy: use segments of letters, digits and _ . @ = + - ` +
        'separated by "/", ending with "/" (for example "users/alice/").',
    );
  }
}

function assertBucket(bucket: string): void {
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new TokenServerError(
      'invalid_config',
      `The bucket name "${bucket}" is not a valid S3 bucket name (3 to 63 lowercase letters, digits, dots, hyphens).`,
    );
  }
}

/**
 * Builds the session policy for a prefix and scope, as data. Serialize it with
 * {@link serializeSessionPolicy}, never by string concatenation.
 *
 * @example
 * ```ts
 * const policy = buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: 'upload' });
 * // { Version: '2012-10-17', Statement: [{ Sid: 'Upload', Effect: 'Allow',
 * //   Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
 * //   Resource: ['arn:aws:s3:::s3up-uploads/users/alice/*'] }] }
 * ```
 */
export function buildSessionPolicy(input: SessionPolicyInput): SessionPolicy {
  assertBucket(input.bucket);
  assertPrefix(input.prefix);
  const partition = input.partition ?? 'aws';
  if (!/^aws(?:-[a-z]+)*$/.test(partition)) {
    throw new TokenServerError(
      'invalid_config',
      `The ARN partition "${partition}" is not valid (e.g. aws, aws-cn).`,
    );
  }
  const scopes = typeof input.scope === 'string' ? [input.scope] : [...new Set(input.scope)];
  if (scopes.length === 0)
    throw new TokenServerError('invalid_config', 'buildSessionPolicy needs at least one scope.');
  const objectArn = `arn:${partition}:s3:::${input.bucket}/${input.prefix}*`;
  const bucketArn = `arn:${partition}:s3:::${input.bucket}`;
  const statements: PolicyStatement[] = [];
  for (const scope of scopes) {
    const actions = SCOPE_ACTIONS[scope];
    if (!actions) throw new TokenServerError('invalid_config', `Unknown scope "${String(scope)}".`);
    if (scope === 'list') {
      statements.push({
        Sid: 'List',
        Effect: 'Allow',
        Action: [...actions],
        Resource: [bucketArn],
        // ListBucket is a bucket-level action: the prefix condition is what confines it.
        Condition: { StringLike: { 's3:prefix': [`${input.prefix}*`] } },
      });
    } else {
      statements.push({
        Sid: scope === 'upload' ? 'Upload' : 'Read',
        Effect: 'Allow',
        Action: [...actions],
        Resource: [objectArn],
      });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * `JSON.stringify` plus the two checks STS would otherwise fail with an opaque error:
 * at most {@link MAX_SESSION_POLICY_LENGTH} characters, only tab, LF, CR and U+0020 to U+00FF.
 */
export function serializeSessionPolicy(policy: SessionPolicy): string {
  const text = JSON.stringify(policy);
  if (text.length > MAX_SESSION_POLICY_LENGTH) {
    throw new TokenServerError(
      'policy_too_large',
      `The session policy is ${text.length} characters; STS accepts at most ${MAX_SESSION_POLICY_LENGTH}. ` +
        'Shorten the bucket name or prefix base, or use fewer scopes at once.',
    );
  }
  if (!/^[\t\n\r\u0020-\u00ff]*$/.test(text)) {
    throw new TokenServerError('invalid_config', 'The session policy holds characters STS does not accept.');
  }
  return text;
}

/** SHA-256 (hex) of the serialized policy: what the audit log records instead of the text. */
export function policyHash(serialized: string): string {
  return createHash('sha256').update(serialized).digest('hex');
}

/** The actions a scope (or set of scopes) grants, in policy order. */
export function actionsFor(scope: Scope | readonly Scope[]): string[] {
  const scopes = typeof scope === 'string' ? [scope] : [...new Set(scope)];
  return scopes.flatMap((s) => [...SCOPE_ACTIONS[s]]);
}
