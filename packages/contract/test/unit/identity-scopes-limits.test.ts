import { describe, expect, it } from 'vitest';
import {
  actionsFor,
  DEFAULT_MAX_OBJECT_SIZE,
  isContractError,
  isSafePrefix,
  isScope,
  isValidUserId,
  MAX_PART_SIZE,
  MAX_PARTS,
  SCOPE_ACTIONS,
  SCOPES,
  userPrefix,
} from '../../src/index.js';

describe('user ids and prefixes', () => {
  it.each(['alice', 'a', 'alice.smith@example.com', 'user_1-2', 'A'.repeat(128)])('accepts id %j', (id) => {
    expect(isValidUserId(id)).toBe(true);
    expect(userPrefix(id)).toBe(`users/${id}/`);
  });

  it.each([
    '',
    'a*',
    '$' + '{aws:username}',
    'a/b',
    '..',
    'a..b',
    '.a',
    'A'.repeat(129),
    'José',
    'a b',
    'a?',
  ])('refuses id %j', (id) => {
    expect(isValidUserId(id)).toBe(false);
  });

  it('builds prefixes on another base, and refuses unsafe ones with invalid_prefix', () => {
    expect(userPrefix('alice', 'tenant-1/')).toBe('tenant-1/alice/');
    expect(userPrefix('alice', '')).toBe('alice/');
    for (const [id, base] of [
      ['a*', 'users/'],
      ['alice', 'users'],
      ['..', 'users/'],
      ['alice', '../'],
    ] as const) {
      let error: unknown;
      try {
        userPrefix(id, base);
      } catch (e) {
        error = e;
      }
      expect(isContractError(error) && error.code, `${base}${id}`).toBe('invalid_prefix');
    }
  });

  it('a prefix ends with "/" and holds nothing IAM reads as a wildcard or variable', () => {
    expect(isSafePrefix('users/alice/')).toBe(true);
    for (const prefix of ['users/alice', 'users/*/', 'users/$' + '{x}/', 'users/./', '/users/', 'users//'])
      expect(isSafePrefix(prefix), prefix).toBe(false);
  });
});

describe('scopes', () => {
  it('lists four scopes and the actions of each', () => {
    expect(SCOPES).toEqual(['upload', 'read', 'list', 'delete']);
    expect(actionsFor('upload')).toEqual([
      's3:PutObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ]);
    expect(actionsFor(['read', 'list', 'read'])).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(Object.keys(SCOPE_ACTIONS)).toEqual([...SCOPES]);
    expect(isScope('upload')).toBe(true);
    expect(isScope('uplaod')).toBe(false);
  });

  it('grants DeleteObject only in the delete scope, with AbortMultipartUpload', () => {
    expect(actionsFor(['upload', 'read', 'list'])).not.toContain('s3:DeleteObject');
    expect(actionsFor('delete')).toEqual(['s3:DeleteObject', 's3:AbortMultipartUpload']);
    expect(actionsFor(['upload', 'delete'])).toEqual([
      's3:PutObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
      's3:DeleteObject',
    ]);
  });
});

describe('S3 limits', () => {
  it('defaults the object size to 10,000 parts of 5 GiB (about 48.8 TiB)', () => {
    expect(DEFAULT_MAX_OBJECT_SIZE).toBe(MAX_PARTS * MAX_PART_SIZE);
    expect(DEFAULT_MAX_OBJECT_SIZE / 1024 ** 4).toBeCloseTo(48.83, 2);
  });
});
