import { createHash } from 'node:crypto';
import {
  assertSafePrefix,
  userPrefix as contractUserPrefix,
  isContractError,
  SCOPE_ACTIONS,
  type Scope,
} from '@s3up/contract';
import { TokenServerError } from './errors.js';

// Scopes, their actions and the prefix rules are the wire contract's (@s3up/contract).
export { actionsFor, SCOPE_ACTIONS, SCOPES, type Scope } from '@s3up/contract';

/** STS refuses a session policy longer than this (plain text, before packing). */
export const MAX_SESSION_POLICY_LENGTH = 2048;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  /** Operator → condition key → value(s); IAM ANDs every key of every operator. */
  Condition?: Record<string, Record<string, string | string[]>>;
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
  /**
   * Default false. True: the `upload` scope may only create objects, never replace one
   * (see {@link writeOnceStatement}).
   */
  writeOnce?: boolean;
}

/**
 * The write-once rule of a session that may upload: PutObject is denied unless the request
 * carries `If-None-Match` (S3 then answers 412 when the key holds an object), except for the
 * operations that cannot carry it. AWS's S3 user guide ("Enforce conditional writes on
 * Amazon S3 buckets") says CreateMultipartUpload, UploadPart and UploadPartCopy do not accept
 * conditional headers and must be exempted with `s3:ObjectCreationOperation`, which is true
 * only for the operations that create the object (PutObject, CompleteMultipartUpload,
 * CopyObject). So the deny applies to a PutObject or a Complete without the header, and a
 * multipart upload still starts and sends its parts.
 *
 * A Deny, not the guide's pair of conditioned Allows: an explicit deny in the session
 * policy holds whatever the role's own policy allows, and the upload statement stays the
 * one statement that says what the scope may do. (Ceph RGW 16 accepts the statement and
 * never applies it: it puts neither key in the request context. docs/contracts.md.)
 */
export function writeOnceStatement(objectArn: string): PolicyStatement {
  return {
    Sid: 'WriteOnce',
    Effect: 'Deny',
    Action: ['s3:PutObject'],
    Resource: [objectArn],
    Condition: {
      Null: { 's3:if-none-match': 'true' },
      Bool: { 's3:ObjectCreationOperation': 'true' },
    },
  };
}

// One statement a scope; the Sid says which (the audit's policy hash covers it too).
const STATEMENT_IDS: Record<Scope, string> = {
  upload: 'Upload',
  read: 'Read',
  list: 'List',
  delete: 'Delete',
};

// S3 bucket naming rules (lowercase, digits, dots, hyphens; 3 to 63).
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

// The contract's prefix rules, failing as this package's invalid_config.
function asConfigError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isContractError(error)) throw new TokenServerError('invalid_config', error.message, { cause: error });
    throw error;
  }
}

/** The prefix of a user: `<base><userId>/`. `base` defaults to `users/`. */
export function userPrefix(userId: string, base = 'users/'): string {
  return asConfigError(() => contractUserPrefix(userId, base));
}

export function assertPrefix(prefix: string): void {
  asConfigError(() => assertSafePrefix(prefix));
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
        Sid: STATEMENT_IDS.list,
        Effect: 'Allow',
        Action: [...actions],
        Resource: [bucketArn],
        // ListBucket is a bucket-level action: the prefix condition is what confines it.
        Condition: { StringLike: { 's3:prefix': [`${input.prefix}*`] } },
      });
    } else {
      statements.push({
        Sid: STATEMENT_IDS[scope],
        Effect: 'Allow',
        Action: [...actions],
        Resource: [objectArn],
      });
    }
  }
  if (input.writeOnce === true && scopes.includes('upload')) statements.push(writeOnceStatement(objectArn));
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
