import { describe, expect, it } from 'vitest';
import { main } from '../../src/bin.js';

const base = {
  S3UP_BUCKET: 'uploads',
  S3UP_REGION: 'eu-west-1',
  S3UP_ROLE_ARN: 'arn:aws:iam::123456789012:role/s3up-uploader',
  S3UP_JWT_SECRET: 'bin-test-secret-0123456789abcdef-0123',
  S3UP_JWT_ISSUER: 'https://id.example.com',
  S3UP_JWT_AUDIENCE: 's3up',
  S3UP_REDIS_URL: 'redis://127.0.0.1:1',
  PORT: '0',
};

describe('s3up-token-server with S3UP_REDIS_URL', () => {
  it('refuses to start without S3UP_REDIS_CACHE_KEY, saying how to make one', async () => {
    let err = '';
    const running = await main(base, { write: (t: string) => (err += t) });
    expect(running).toBeUndefined();
    expect(err).toMatch(/S3UP_REDIS_CACHE_KEY/);
    expect(err).toMatch(/openssl rand -base64 32/);
  });

  it('refuses a key that is not 32 bytes, and an unknown fail mode', async () => {
    let err = '';
    expect(
      await main({ ...base, S3UP_REDIS_CACHE_KEY: 'short' }, { write: (t: string) => (err += t) }),
    ).toBeUndefined();
    expect(err).toMatch(/S3UP_REDIS_CACHE_KEY must be 32 random bytes/);
    err = '';
    expect(
      await main(
        {
          ...base,
          S3UP_REDIS_CACHE_KEY: Buffer.alloc(32, 7).toString('base64'),
          S3UP_REDIS_RATE_LIMIT_FAIL: 'maybe',
        },
        { write: (t: string) => (err += t) },
      ),
    ).toBeUndefined();
    expect(err).toMatch(/S3UP_REDIS_RATE_LIMIT_FAIL must be "open" or "closed"/);
  });
});
