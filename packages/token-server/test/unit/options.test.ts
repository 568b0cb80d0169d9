import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultRefreshWindowSeconds } from '../../src/handler/create-token-handler.js';
import { checkOptions } from '../../src/handler/options.js';
import {
  configFromEnv,
  createTokenHandler,
  devAuthenticator,
  isTokenServerError,
  type TokenHandlerOptions,
} from '../../src/index.js';
import { resolveUserId } from '../../src/user-id.js';

const base: TokenHandlerOptions = {
  bucket: 's3up-uploads',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
  authenticate: devAuthenticator({ nodeEnv: 'test' }),
  audit: { level: 'silent' },
};

function problem(options: Record<string, unknown>): string {
  try {
    createTokenHandler(options as unknown as TokenHandlerOptions).close();
  } catch (error) {
    return isTokenServerError(error) ? error.message : `unexpected: ${String(error)}`;
  }
  return '';
}

describe('options are checked once, when the factory runs', () => {
  it('accepts a complete, correct configuration', () => {
    expect(problem({ ...base })).toBe('');
  });

  it('names an unknown key and suggests the option meant', () => {
    expect(problem({ ...base, allowedOrigin: ['https://app.example.com'] })).toMatch(
      /^ {2}allowedOrigin: is not an option; did you mean "allowedOrigins"\?$/m,
    );
    expect(problem({ ...base, rateLimit: { perUsers: 5 } })).toMatch(
      /rateLimit\.perUsers: is not an option; did you mean "rateLimit\.perUser"\?/,
    );
    expect(problem({ ...base, frobnicate: true })).toMatch(
      /frobnicate: is not an option; known options: bucket,/,
    );
  });

  it('refuses a scope that does not exist (it would make every request a 403) and suggests the real one', () => {
    const message = problem({ ...base, scopes: ['uplaod'] });
    expect(message).toMatch(/scopes: "uplaod" is not a scope; did you mean "upload"\?/);
    expect(problem({ ...base, scopes: [] })).toMatch(/scopes: is empty/);
    expect(problem({ ...base, scopes: 'read' })).toMatch(
      /scopes: must be an array: write scopes: \["read"\]/,
    );
  });

  it('refuses bad rate-limit numbers, and a window given in seconds', () => {
    expect(problem({ ...base, rateLimit: { perUser: 0 } })).toMatch(
      /rateLimit\.perUser: must be a whole number .* at least 1, got 0; to turn rate limiting off, pass rateLimit: false/,
    );
    expect(problem({ ...base, rateLimit: { perIp: 2.5 } })).toMatch(
      /rateLimit\.perIp: must be a whole number/,
    );
    expect(problem({ ...base, rateLimit: { windowMs: 60 } })).toMatch(
      /rateLimit\.windowMs: is in milliseconds: .* did you mean 60000 \(60 s\)\?/,
    );
    expect(problem({ ...base, rateLimit: false })).toBe('');
  });

  it('reports every problem at once, one line each, without echoing a salt', () => {
    const message = problem({
      authenticate: undefined,
      bucket: 'My_Bucket',
      roleArn: 'my-role',
      checksums: 'WHEN_REQUIRD',
      allowedOrigins: ['https://app.example.com/'],
      userIdSalt: 'very-secret-salt',
      basePath: 'api/',
    });
    for (const option of [
      'bucket',
      'region',
      'roleArn',
      'authenticate',
      'checksums',
      'allowedOrigins',
      'basePath',
    ]) {
      expect(message).toMatch(new RegExp(`^  ${option}: `, 'm'));
    }
    expect(message).toMatch(/checksums: .*did you mean "WHEN_REQUIRED"\?/);
    expect(message).not.toContain('very-secret-salt');
  });

  it('the environment goes through the same rules, reported under the variable names', () => {
    let message = '';
    try {
      configFromEnv({
        S3UP_BUCKET: 's3up-uploads',
        S3UP_REGION: 'eu-west-1',
        S3UP_ROLE_ARN: base.roleArn,
        S3UP_DEV_AUTH: 'true',
        S3UP_SCOPES: 'upload,uplaod',
        S3UP_RATE_LIMIT_PER_USER: '0',
        S3UP_PRESIGN_METHODS: 'get',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ {2}S3UP_SCOPES: "uplaod" is not a scope; did you mean "upload"\?/m);
    expect(message).toMatch(/^ {2}S3UP_RATE_LIMIT_PER_USER: must be a whole number/m);
    expect(message).toMatch(/^ {2}S3UP_PRESIGN_METHODS: "get" is not a presign method; write "GET"/m);
  });
});

describe('the refresh window suits every client', () => {
  it('serves a cached session only while it outlasts botocore’s 15-minute refresh point (plus skew)', () => {
    // 1 h sessions: served while 20 min are left, so boto3, the AWS CLI (15 min) and the
    // JS SDK (5 min) all hold a session until their own refresh point: about one call per session.
    expect(defaultRefreshWindowSeconds(3600)).toBe(1200);
    expect(defaultRefreshWindowSeconds(3600)).toBeGreaterThan(15 * 60);
    expect(defaultRefreshWindowSeconds(12 * 3600)).toBe(1200);
    // Short sessions: half their life from the cache rather than none.
    expect(defaultRefreshWindowSeconds(1800)).toBe(900);
    expect(defaultRefreshWindowSeconds(900)).toBe(450);
  });
});

describe('user ids', () => {
  it('hash mode is exactly the README formula: "h-" + the first 40 hex of SHA-256(salt, NUL, id as UTF-8)', () => {
    const expected = `h-${createHash('sha256')
      .update(Buffer.concat([Buffer.from('pepper'), Buffer.from([0]), Buffer.from('José', 'utf8')]))
      .digest('hex')
      .slice(0, 40)}`;
    expect(resolveUserId('José', { mode: 'hash', salt: 'pepper' })).toBe(expected);
  });

  it('ids are case-sensitive: Alice and alice are two users with two prefixes', () => {
    expect(resolveUserId('Alice')).toBe('Alice');
    expect(resolveUserId('alice')).toBe('alice');
    expect(resolveUserId('Alice', { mode: 'hash' })).not.toBe(resolveUserId('alice', { mode: 'hash' }));
  });
});

describe('checkOptions', () => {
  it('returns the problems as data, for tools that want them', () => {
    expect(checkOptions({ ...base, scopes: ['list', 'reed'] })).toEqual([
      { option: 'scopes', message: expect.stringContaining('did you mean "read"?') },
    ]);
  });
});
