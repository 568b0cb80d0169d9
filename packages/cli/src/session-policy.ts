// Interim: the token server's `buildSessionPolicy` is not exported yet. This module keeps
// the same signature so switching to `@s3up/token-server` is a one-line change here.
import { CliError } from './errors.js';

export type Scope = 'upload' | 'read' | 'list';

const ACTIONS: Record<Scope, string[]> = {
  upload: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  read: ['s3:GetObject'],
  list: ['s3:ListBucket'],
};

/** Segments without anything IAM reads as a wildcard or variable (`*`, `?`, `$`), ending with `/`. */
const PREFIX = /^(?:[A-Za-z0-9_.@=+-]+\/)+$/;

export function assertPrefix(prefix: string, name = '--prefix'): void {
  if (!PREFIX.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    throw new CliError(
      'invalid_argument',
      `${name} "${prefix}" is not a safe prefix: use segments of letters, digits and _ . @ = + - separated by "/", ending with "/" (e.g. reports/2026-q3/).`,
    );
  }
}

/** The session policy confining a set of credentials to one prefix and scope(s). */
export function buildSessionPolicy(input: {
  bucket: string;
  prefix: string;
  scope: Scope | readonly Scope[];
}) {
  assertPrefix(input.prefix);
  const scopes = typeof input.scope === 'string' ? [input.scope] : [...new Set(input.scope)];
  return {
    Version: '2012-10-17' as const,
    Statement: scopes.map((scope) =>
      scope === 'list'
        ? {
            Sid: 'List',
            Effect: 'Allow' as const,
            Action: ACTIONS.list,
            Resource: [`arn:aws:s3:::${input.bucket}`],
            Condition: { StringLike: { 's3:prefix': [`${input.prefix}*`] } },
          }
        : {
            Sid: scope === 'upload' ? 'Upload' : 'Read',
            Effect: 'Allow' as const,
            Action: ACTIONS[scope],
            Resource: [`arn:aws:s3:::${input.bucket}/${input.prefix}*`],
          },
    ),
  };
}

export function serializeSessionPolicy(policy: ReturnType<typeof buildSessionPolicy>): string {
  const text = JSON.stringify(policy);
  if (text.length > 2048)
    throw new CliError(
      'invalid_argument',
      `The session policy is ${text.length} characters; STS accepts 2048. Use a shorter prefix.`,
    );
  return text;
}
