import { describe, expect, it } from 'vitest';
import {
  buildSessionPolicy,
  isTokenServerError,
  MAX_SESSION_POLICY_LENGTH,
  serializeSessionPolicy,
  userPrefix,
} from '../../src/policy.js';
import { resolveUserId } from '../../src/user-id.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal IAM policy variable is the input under test.
const AWS_USERNAME = '${aws:username}';

/** IAM resource matching: `*` is any run of characters (slashes included), `?` one character. */
function iamMatches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTokenServerError(error) ? error.code : 'not-a-token-server-error';
  }
  return undefined;
}

describe('buildSessionPolicy', () => {
  it('upload: the three actions on the prefix, nothing else', () => {
    expect(
      buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: 'upload' }),
    ).toMatchInlineSnapshot(`
      {
        "Statement": [
          {
            "Action": [
              "s3:PutObject",
              "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts",
            ],
            "Effect": "Allow",
            "Resource": [
              "arn:aws:s3:::s3up-uploads/users/alice/*",
            ],
            "Sid": "Upload",
          },
        ],
        "Version": "2012-10-17",
      }
    `);
  });

  it('delete: DeleteObject and AbortMultipartUpload on the prefix, in a statement of its own', () => {
    const policy = buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: 'delete' });
    expect(policy.Statement).toEqual([
      {
        Sid: 'Delete',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: ['arn:aws:s3:::s3up-uploads/users/alice/*'],
      },
    ]);
    // No other scope's policy holds DeleteObject.
    const others = buildSessionPolicy({
      bucket: 's3up-uploads',
      prefix: 'users/alice/',
      scope: ['upload', 'read', 'list'],
    });
    expect(JSON.stringify(others)).not.toContain('DeleteObject');
  });

  it('read: GetObject only', () => {
    expect(
      buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: 'read' }),
    ).toMatchInlineSnapshot(`
      {
        "Statement": [
          {
            "Action": [
              "s3:GetObject",
            ],
            "Effect": "Allow",
            "Resource": [
              "arn:aws:s3:::s3up-uploads/users/alice/*",
            ],
            "Sid": "Read",
          },
        ],
        "Version": "2012-10-17",
      }
    `);
  });

  it('list: ListBucket on the bucket with an s3:prefix condition', () => {
    expect(
      buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: 'list' }),
    ).toMatchInlineSnapshot(`
      {
        "Statement": [
          {
            "Action": [
              "s3:ListBucket",
            ],
            "Condition": {
              "StringLike": {
                "s3:prefix": [
                  "users/alice/*",
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

  it('serializes with JSON.stringify, in a stable order', () => {
    const text = serializeSessionPolicy(
      buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: ['upload', 'read'] }),
    );
    expect(text).toMatchInlineSnapshot(
      `"{"Version":"2012-10-17","Statement":[{"Sid":"Upload","Effect":"Allow","Action":["s3:PutObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Resource":["arn:aws:s3:::s3up-uploads/users/alice/*"]},{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::s3up-uploads/users/alice/*"]}]}"`,
    );
    expect(JSON.parse(text)).toEqual(
      buildSessionPolicy({ bucket: 's3up-uploads', prefix: 'users/alice/', scope: ['upload', 'read'] }),
    );
  });

  it('alice cannot reach alice2/: the prefix ends with "/"', () => {
    const [statement] = buildSessionPolicy({
      bucket: 'b-1',
      prefix: userPrefix('alice'),
      scope: 'upload',
    }).Statement;
    const resource = statement!.Resource[0]!;
    expect(iamMatches(resource, 'arn:aws:s3:::b-1/users/alice/cat.jpg')).toBe(true);
    expect(iamMatches(resource, 'arn:aws:s3:::b-1/users/alice/deep/er/cat.jpg')).toBe(true);
    expect(iamMatches(resource, 'arn:aws:s3:::b-1/users/alice2/cat.jpg')).toBe(false);
    expect(iamMatches(resource, 'arn:aws:s3:::b-1/users/alic/cat.jpg')).toBe(false);
  });

  it.each([
    ['*'],
    ['a*'],
    ['a?'],
    [AWS_USERNAME],
    ['al"ice'],
    ["al'ice"],
    ['al\nice'],
    ['alice/../bob'],
    ['..'],
    ['.'],
    ['a/b'],
    ['José'],
    ['用户'],
    ['a b'],
    [''],
    ['x'.repeat(129)],
  ])('refuses the user id %j before it reaches a policy', (id) => {
    expect(errorCode(() => resolveUserId(id))).toBe('invalid_user_id');
  });

  it.each([['*'], [AWS_USERNAME], ['a?'], ['al"ice'], ['a\nb'], ['José']])(
    'refuses %j in a prefix even when the id check is bypassed',
    (id) => {
      expect(
        errorCode(() => buildSessionPolicy({ bucket: 'b-1', prefix: `users/${id}/`, scope: 'upload' })),
      ).toBe('invalid_config');
      expect(errorCode(() => userPrefix(id))).toBe('invalid_config');
    },
  );

  it('refuses a prefix without a trailing "/"', () => {
    expect(
      errorCode(() => buildSessionPolicy({ bucket: 'b-1', prefix: 'users/alice', scope: 'upload' })),
    ).toBe('invalid_config');
  });

  it('accepts ids like e-mail addresses and uuids unchanged', () => {
    expect(resolveUserId('alice@example.com')).toBe('alice@example.com');
    expect(resolveUserId('3f2b0c1e-9d4a-4c1b-8a53-0c2f9b1f7e55')).toBe(
      '3f2b0c1e-9d4a-4c1b-8a53-0c2f9b1f7e55',
    );
  });

  it('hash mode maps any id to a stable, safe, distinct one', () => {
    const a = resolveUserId('José', { mode: 'hash', salt: 's' });
    expect(a).toMatch(/^h-[0-9a-f]{40}$/);
    expect(resolveUserId('José', { mode: 'hash', salt: 's' })).toBe(a);
    expect(resolveUserId('Jose', { mode: 'hash', salt: 's' })).not.toBe(a);
    expect(resolveUserId('José', { mode: 'hash', salt: 'other' })).not.toBe(a);
    for (const id of ['*', AWS_USERNAME, 'a\nb', '用户', 'alice']) {
      const mapped = resolveUserId(id, { mode: 'hash' });
      expect(() =>
        buildSessionPolicy({ bucket: 'b-1', prefix: userPrefix(mapped), scope: 'upload' }),
      ).not.toThrow();
    }
  });

  it('checks the length against 2048 before STS is called', () => {
    const prefix = `${'p'.repeat(200)}/`.repeat(4);
    const policy = buildSessionPolicy({ bucket: 'b-1', prefix, scope: ['upload', 'read', 'list'] });
    expect(JSON.stringify(policy).length).toBeGreaterThan(MAX_SESSION_POLICY_LENGTH);
    expect(errorCode(() => serializeSessionPolicy(policy))).toBe('policy_too_large');
  });

  it('fits any valid id of the maximum length in every scope at once', () => {
    const text = serializeSessionPolicy(
      buildSessionPolicy({
        bucket: 'b'.repeat(63),
        prefix: userPrefix('a'.repeat(128)),
        scope: ['upload', 'read', 'list', 'delete'],
      }),
    );
    expect(text.length).toBeLessThanOrEqual(MAX_SESSION_POLICY_LENGTH);
  });

  it('refuses a bucket name that is not one', () => {
    expect(
      errorCode(() => buildSessionPolicy({ bucket: 'Bad*Bucket', prefix: 'users/a/', scope: 'upload' })),
    ).toBe('invalid_config');
  });
});
