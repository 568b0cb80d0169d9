import { describe, expect, it } from 'vitest';
import { buildTagRolePolicy, isTokenServerError } from '../../src/policy.js';
import { sessionTags } from '../../src/session-tags.js';

describe('tag mode', () => {
  it('builds one fixed role policy scoped by principal tags', () => {
    expect(buildTagRolePolicy({ bucket: 's3up-uploads' })).toMatchInlineSnapshot(`
      {
        "Statement": [
          {
            "Action": [
              "s3:PutObject",
              "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts",
            ],
            "Condition": {
              "StringEquals": {
                "aws:PrincipalTag/s3up-scope": "upload",
              },
            },
            "Effect": "Allow",
            "Resource": [
              "arn:aws:s3:::s3up-uploads/users/\${aws:PrincipalTag/s3up-user}/*",
            ],
            "Sid": "Upload",
          },
          {
            "Action": [
              "s3:GetObject",
            ],
            "Condition": {
              "StringEquals": {
                "aws:PrincipalTag/s3up-scope": "read",
              },
            },
            "Effect": "Allow",
            "Resource": [
              "arn:aws:s3:::s3up-uploads/users/\${aws:PrincipalTag/s3up-user}/*",
            ],
            "Sid": "Read",
          },
          {
            "Action": [
              "s3:ListBucket",
            ],
            "Condition": {
              "StringEquals": {
                "aws:PrincipalTag/s3up-scope": "list",
              },
              "StringLike": {
                "s3:prefix": [
                  "users/\${aws:PrincipalTag/s3up-user}/*",
                ],
              },
            },
            "Effect": "Allow",
            "Resource": [
              "arn:aws:s3:::s3up-uploads",
            ],
            "Sid": "List",
          },
        ],
        "Version": "2012-10-17",
      }
    `);
  });

  it('uses policy variables only under Version 2012-10-17 (without it IAM reads them literally)', () => {
    const policy = buildTagRolePolicy({ bucket: 's3up-uploads', scopes: ['upload'] });
    expect(policy.Version).toBe('2012-10-17');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal IAM policy variable is what is checked.
    expect(JSON.stringify(policy)).toContain('users/${aws:PrincipalTag/s3up-user}/*');
  });

  it('tags a session with the user and the scope', () => {
    expect(sessionTags('alice', 'upload')).toEqual([
      { Key: 's3up-user', Value: 'alice' },
      { Key: 's3up-scope', Value: 'upload' },
    ]);
  });

  it('refuses an id a tag cannot carry', () => {
    let code: string | undefined;
    try {
      sessionTags('a*b', 'upload');
    } catch (error) {
      code = isTokenServerError(error) ? error.code : undefined;
    }
    expect(code).toBe('invalid_user_id');
  });
});
