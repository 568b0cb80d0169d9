import { describe, expect, it } from 'vitest';
import { roleSessionName, SESSION_NAME_PATTERN, sourceIdentity } from '../../src/session-name.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal IAM policy variable is the input under test.
const AWS_USERNAME = '${aws:username}';

describe('RoleSessionName derivation', () => {
  it('keeps a readable id as is', () => {
    expect(roleSessionName('alice')).toBe('s3up-alice');
    expect(roleSessionName('alice@example.com')).toBe('s3up-alice@example.com');
  });

  it.each([
    ['x'.repeat(200)],
    ['José'],
    ['a b/c*d'],
    ['用户'],
    [AWS_USERNAME],
    ['a'],
    [`h-${'f'.repeat(40)}`],
  ])('always fits STS rules: %j', (id) => {
    const name = roleSessionName(id);
    expect(name).toMatch(SESSION_NAME_PATTERN);
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it('gives two long ids sharing their first 64 characters different names', () => {
    const base = 'u'.repeat(80);
    expect(roleSessionName(`${base}1`)).not.toBe(roleSessionName(`${base}2`));
  });

  it('gives ids that sanitize alike different names', () => {
    expect(roleSessionName('a b')).not.toBe(roleSessionName('a/b'));
  });

  it('is stable', () => {
    expect(roleSessionName('José')).toBe(roleSessionName('José'));
  });

  it('SourceIdentity never starts with aws:', () => {
    expect(sourceIdentity('alice')).toBe('alice');
    const id = sourceIdentity('aws:alice');
    expect(id).toMatch(SESSION_NAME_PATTERN);
    expect(id).not.toMatch(/^aws:/i);
  });
});
