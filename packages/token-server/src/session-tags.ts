import { isSafePrefixBase, SCOPE_ACTIONS, SCOPES, type Scope } from '@s3up/contract';
import { TokenServerError } from './errors.js';
import type { PolicyStatement } from './session-policy.js';

/**
 * Tag mode, for operators who prefer one fixed role policy to a session policy per user:
 * the server passes the user id and scope as session tags, and the role's policy scopes
 * itself with `${aws:PrincipalTag/s3up-user}`. Needs `sts:TagSession` in the role's trust
 * policy. (Ceph RGW ignores session tags, so this mode is unit tested only.)
 */
export const USER_TAG = 's3up-user';
export const SCOPE_TAG = 's3up-scope';

export interface SessionTag {
  Key: string;
  Value: string;
}

/** The session tags for one user and scope. Values are validated ids, within STS's 256 characters. */
export function sessionTags(userId: string, scope: Scope): SessionTag[] {
  if (userId.length > 256 || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u.test(userId)) {
    throw new TokenServerError('invalid_user_id', 'The user id cannot be carried in a session tag.');
  }
  return [
    { Key: USER_TAG, Value: userId },
    { Key: SCOPE_TAG, Value: scope },
  ];
}

export interface TagRolePolicyInput {
  bucket: string;
  /** Default `users/`: the user's prefix is `<prefixBase>${aws:PrincipalTag/s3up-user}/`. */
  prefixBase?: string;
  /**
   * The scopes the role may grant. Default `upload`, `read` and `list`: `delete` is opt-in
   * here as on the server, so a role written before it was enabled cannot erase anything.
   */
  scopes?: readonly Scope[];
  /** Default `aws`. */
  partition?: string;
}

/**
 * The fixed role policy for tag mode. Each statement is conditioned on the session's
 * scope tag, so an `upload` session cannot read. `"Version": "2012-10-17"` is required:
 * without it IAM treats `${...}` as literal text.
 *
 * @example
 * ```ts
 * const policy = buildTagRolePolicy({ bucket: 's3up-uploads' });
 * await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: 's3up', PolicyDocument: JSON.stringify(policy) }));
 * ```
 */
export function buildTagRolePolicy(input: TagRolePolicyInput) {
  const base = input.prefixBase ?? 'users/';
  if (!isSafePrefixBase(base)) {
    throw new TokenServerError('invalid_config', `prefixBase "${base}" must be segments ending with "/".`);
  }
  const partition = input.partition ?? 'aws';
  const prefix = `${base}\${aws:PrincipalTag/${USER_TAG}}/`;
  const scopeIs = (scope: Scope) => ({ [`aws:PrincipalTag/${SCOPE_TAG}`]: scope });
  const statements: Array<Omit<PolicyStatement, 'Condition'> & { Condition: Record<string, unknown> }> = [];
  for (const scope of input.scopes ?? SCOPES.filter((s) => s !== 'delete')) {
    if (scope === 'list') {
      statements.push({
        Sid: 'List',
        Effect: 'Allow',
        Action: [...SCOPE_ACTIONS.list],
        Resource: [`arn:${partition}:s3:::${input.bucket}`],
        Condition: { StringEquals: scopeIs('list'), StringLike: { 's3:prefix': [`${prefix}*`] } },
      });
    } else {
      statements.push({
        Sid: scope === 'upload' ? 'Upload' : scope === 'read' ? 'Read' : 'Delete',
        Effect: 'Allow',
        Action: [...SCOPE_ACTIONS[scope]],
        Resource: [`arn:${partition}:s3:::${input.bucket}/${prefix}*`],
        Condition: { StringEquals: scopeIs(scope) },
      });
    }
  }
  return { Version: '2012-10-17' as const, Statement: statements };
}
