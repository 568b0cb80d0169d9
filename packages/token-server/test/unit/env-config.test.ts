import { describe, expect, it } from 'vitest';
import { main } from '../../src/bin.js';
import { configFromEnv, isTokenServerError } from '../../src/index.js';

const base = {
  S3UP_BUCKET: 's3up-uploads',
  S3UP_REGION: 'eu-west-1',
  S3UP_ROLE_ARN: 'arn:aws:iam::123456789012:role/s3up-uploader',
  S3UP_JWT_SECRET: 'x'.repeat(40),
  S3UP_JWT_ISSUER: 'https://id.example.com',
  S3UP_JWT_AUDIENCE: 's3up',
};

function problems(env: Record<string, string | undefined>): string {
  try {
    configFromEnv(env);
  } catch (error) {
    return isTokenServerError(error) ? error.message : `unexpected: ${String(error)}`;
  }
  return '';
}

describe('configFromEnv', () => {
  it('builds options from a complete environment, with the documented defaults', () => {
    const { options, port, host } = configFromEnv({
      ...base,
      S3UP_ENDPOINT: 'http://127.0.0.1:7480',
      S3UP_FORCE_PATH_STYLE: 'true',
      S3UP_CHECKSUMS: 'WHEN_REQUIRED',
      S3UP_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:*',
      S3UP_SCOPES: 'upload,read',
      S3UP_DURATION_MAX: '7200',
      S3UP_RATE_LIMIT_PER_USER: '10',
      S3UP_LOG_LEVEL: 'silent',
    });
    expect(port).toBe(8787);
    expect(host).toBe('0.0.0.0');
    expect(options).toMatchObject({
      bucket: 's3up-uploads',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:7480',
      forcePathStyle: true,
      checksums: 'WHEN_REQUIRED',
      allowedOrigins: ['https://app.example.com', 'http://localhost:*'],
      scopes: ['upload', 'read'],
      duration: { maxSeconds: 7200 },
      rateLimit: { perUser: 10 },
    });
  });

  it('reports every problem at once, one line per variable, never echoing a secret', () => {
    const message = problems({
      S3UP_BUCKET: '',
      S3UP_ROLE_ARN: 'my-role',
      S3UP_JWT_SECRET: 'tooShortSecretValue',
      S3UP_CHECKSUMS: 'CRC32',
      S3UP_ALLOWED_ORIGINS: 'https://app.example.com/',
      PORT: '99999',
    });
    expect(message).toMatch(/^Invalid configuration:/);
    for (const name of [
      'S3UP_BUCKET',
      'S3UP_REGION',
      'S3UP_ROLE_ARN',
      'S3UP_JWT_SECRET',
      'S3UP_CHECKSUMS',
      'S3UP_ALLOWED_ORIGINS',
      'PORT',
    ]) {
      expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
    }
    expect(message).not.toContain('tooShortSecretValue');
  });

  it('needs exactly one of S3UP_JWT_SECRET and S3UP_JWKS_URL, and the issuer and audience', () => {
    const { S3UP_JWT_SECRET: _s, S3UP_JWT_ISSUER: _i, S3UP_JWT_AUDIENCE: _a, ...aws } = base;
    const message = problems(aws);
    expect(message).toMatch(/S3UP_JWT_SECRET: set exactly one of S3UP_JWT_SECRET \(HS256\) or S3UP_JWKS_URL/);
    expect(message).toMatch(/S3UP_JWT_ISSUER: is required/);
    expect(message).toMatch(/S3UP_JWT_AUDIENCE: is required/);
    expect(problems({ ...base, S3UP_JWKS_URL: 'https://id.example.com/jwks.json' })).toMatch(/exactly one/);
  });

  it('refuses S3UP_DEV_AUTH with NODE_ENV=production', () => {
    expect(problems({ ...base, S3UP_DEV_AUTH: 'true', NODE_ENV: 'production' })).toMatch(
      /S3UP_DEV_AUTH: must not be set with NODE_ENV=production/,
    );
    expect(
      problems({
        S3UP_BUCKET: 'b-1',
        S3UP_REGION: 'r',
        S3UP_ROLE_ARN: base.S3UP_ROLE_ARN,
        S3UP_DEV_AUTH: '1',
      }),
    ).toBe('');
  });

  it('treats empty variables as unset', () => {
    expect(problems({ ...base, S3UP_ENDPOINT: '', S3UP_JWKS_URL: '' })).toBe('');
  });
});

describe('the bin', () => {
  it('prints every problem and starts nothing on a bad environment', async () => {
    let stderr = '';
    const running = await main(
      { S3UP_REGION: 'us-east-1', S3UP_JWT_SECRET: 'short' },
      { write: (t: string) => (stderr += t) },
    );
    expect(running).toBeUndefined();
    expect(stderr).toMatch(/^s3up-token-server: Invalid configuration:/);
    expect(stderr).toMatch(/S3UP_BUCKET: /);
    expect(stderr).toMatch(/S3UP_ROLE_ARN: /);
    expect(stderr).toMatch(/S3UP_JWT_SECRET: must be at least 32/);
  });
});
