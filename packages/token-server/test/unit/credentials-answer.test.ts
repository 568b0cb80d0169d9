import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenHandler } from '../../src/index.js';
import { FAKE_STS, fakeSts, ok } from '../support/fake-sts.js';

// The credentials answer of a cached session is serialized once around its serverTime
// (issue 21 item 4): what a client reads must be exactly what serializing the whole answer
// gives, with the serverTime of each request, and a new session must never get an old text.

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('POST /credentials answer text', () => {
  it('is the whole answer as JSON.stringify writes it, with each request its own serverTime, and a new session its own keys', async () => {
    const sts = fakeSts((n) => ok({ accessKeyId: `ASIAKEY${n}` }));
    server.use(sts.handler);
    let now = Date.UTC(2026, 11, 6, 12, 0, 0);
    const handle = createTokenHandler({
      bucket: 's3up-uploads',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
      stsEndpoint: FAKE_STS,
      endpoint: 'http://127.0.0.1:7480',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 'x' },
      authenticate: (req) => ({ userId: String(req.headers['x-user']) }),
      scopes: ['upload', 'read'],
      rateLimit: false,
      audit: { level: 'silent' },
      now: () => now,
    });
    const ask = async (user: string, body: object) => {
      const response = await handle(
        new Request('http://token.test/credentials', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user': user },
          body: JSON.stringify(body),
        }),
      );
      expect(response.status).toBe(200);
      const text = await response.text();
      // Byte for byte what serializing the parsed answer gives: same keys, same order.
      expect(text).toBe(JSON.stringify(JSON.parse(text)));
      return JSON.parse(text) as Record<string, unknown>;
    };
    const first = await ask('alice', { scope: 'upload' });
    now += 61_000;
    const second = await ask('alice', { scope: 'upload' });
    expect(sts.received).toHaveLength(1);
    expect(Object.keys(second)).toEqual([
      'accessKeyId',
      'secretAccessKey',
      'sessionToken',
      'expiration',
      'serverTime',
      'bucket',
      'region',
      'endpoint',
      'forcePathStyle',
      'requestChecksumCalculation',
      'prefix',
      'scope',
      'actions',
      'offeredScopes',
      'receipts',
    ]);
    expect(first.serverTime).toBe('2026-12-06T12:00:00.000Z');
    expect(second.serverTime).toBe('2026-12-06T12:01:01.000Z');
    expect({ ...second, serverTime: first.serverTime }).toEqual(first);
    // Another user's and another scope's sessions: their own keys, prefix and actions.
    const bob = await ask('bob', { scope: 'upload' });
    expect(bob.accessKeyId).toBe('ASIAKEY2');
    expect(bob.prefix).toBe('users/bob/');
    const read = await ask('alice', { scope: 'read' });
    expect(read).toMatchObject({ accessKeyId: 'ASIAKEY3', scope: 'read', prefix: 'users/alice/' });
    expect(read.actions).not.toEqual(first.actions);
    expect(read).not.toHaveProperty('receipts');
    // The session S3 refused is replaced, and the answer carries the new keys.
    const replaced = await ask('alice', { scope: 'upload', refusedAccessKeyId: 'ASIAKEY1' });
    expect(replaced.accessKeyId).toBe('ASIAKEY4');
    handle.close();
  });
});
