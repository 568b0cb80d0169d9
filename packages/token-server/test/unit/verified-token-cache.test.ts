import { mintToken } from '@s3up/testkit/jwt';
import { describe, expect, it } from 'vitest';
import { type AuthRequest, authRequest } from '../../src/authenticator.js';
import { createTokenHandler, jwtAuthenticator, LocalPurgeSignal } from '../../src/index.js';
import { FAKE_STS } from '../support/fake-sts.js';

// The verified-token cache of jwtAuthenticator (issue 21 item 4): a repeated token is not
// verified again, but never served at or past its exp, past iat + maxTokenAge, nor after
// the token service forgot the user's sessions. Every clock here is a controlled one.

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ISSUER = 'https://id.s3up.test';
const AUDIENCE = 's3up';
const T0 = Date.UTC(2026, 11, 6, 12, 0, 0); // a whole second

function req(token: string): AuthRequest {
  return authRequest(
    new Request('http://token.test/credentials', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    }),
  );
}

/** A token issued at T0 (seconds resolution, as JWTs count) that expires `ttl` seconds later. */
function sign(sub: string, ttl: number, secret = SECRET) {
  return mintToken({ secret, issuer: ISSUER, audience: AUDIENCE }, sub, {
    issuedAt: T0 / 1000,
    expiresIn: T0 / 1000 + ttl,
  });
}

function clock(start = T0) {
  const c = { ms: start, now: () => c.ms };
  return c;
}

describe('jwtAuthenticator: the verified-token cache', () => {
  it('answers a repeated token from the cache (the very same result), verifies a new token', async () => {
    const c = clock();
    const auth = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: c.now });
    const alice = await sign('alice', 60);
    const first = await auth.authenticate(req(alice));
    expect(first).toEqual({ userId: 'alice' });
    c.ms += 30_000;
    expect(await auth.authenticate(req(alice))).toBe(first);
    const bob = await auth.authenticate(req(await sign('bob', 60)));
    expect(bob).toEqual({ userId: 'bob' });
    expect(bob).not.toBe(first);
  });

  it('is never served at or past exp: accepted at exp − 1 ms, refused at exp (no clock tolerance)', async () => {
    const c = clock();
    const auth = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 0,
      now: c.now,
    });
    const token = await sign('alice', 60);
    const first = await auth.authenticate(req(token));
    c.ms = T0 + 60_000 - 1;
    expect(await auth.authenticate(req(token))).toBe(first);
    c.ms = T0 + 60_000;
    expect(await auth.authenticate(req(token))).toBeNull();
    // And it stays refused: the refusal did not put anything back.
    c.ms = T0 + 60_001;
    expect(await auth.authenticate(req(token))).toBeNull();
  });

  it('inside the clock tolerance after exp the token is verified again, not served from the cache, and not cached', async () => {
    const c = clock();
    const auth = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 5,
      now: c.now,
    });
    const token = await sign('alice', 60);
    const first = await auth.authenticate(req(token));
    c.ms = T0 + 60_000; // exp: jose still accepts for 5 s, the cache no longer serves
    const atExp = await auth.authenticate(req(token));
    expect(atExp).toEqual({ userId: 'alice' });
    expect(atExp).not.toBe(first);
    c.ms = T0 + 62_000;
    const later = await auth.authenticate(req(token));
    expect(later).toEqual({ userId: 'alice' });
    expect(later).not.toBe(atExp);
    c.ms = T0 + 65_000; // past exp + tolerance
    expect(await auth.authenticate(req(token))).toBeNull();
  });

  it('with maxTokenAge, is never served at or past iat + max age, even when exp is later', async () => {
    const c = clock();
    const auth = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 0,
      maxTokenAge: '2 minutes',
      now: c.now,
    });
    const token = await sign('alice', 3600);
    const first = await auth.authenticate(req(token));
    c.ms = T0 + 120_000 - 1;
    expect(await auth.authenticate(req(token))).toBe(first);
    c.ms = T0 + 120_000 + 1; // jose counts age in whole seconds: 120 s old is still allowed
    expect(await auth.authenticate(req(token))).not.toBe(first);
    c.ms = T0 + 121_000;
    expect(await auth.authenticate(req(token))).toBeNull();
  });

  it('cache: false verifies every request', async () => {
    const auth = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      cache: false,
      now: clock().now,
    });
    const token = await sign('alice', 60);
    const first = await auth.authenticate(req(token));
    expect(first).toEqual({ userId: 'alice' });
    expect(await auth.authenticate(req(token))).not.toBe(first);
    expect(auth.forget).toBeUndefined();
  });

  it('keeps at most maxEntries tokens, dropping the oldest verification first', async () => {
    const auth = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      cache: { maxEntries: 2 },
      now: clock().now,
    });
    const [a, b, c] = await Promise.all([sign('a', 60), sign('b', 60), sign('c', 60)]);
    const ra = await auth.authenticate(req(a));
    const rb = await auth.authenticate(req(b));
    await auth.authenticate(req(c));
    expect(await auth.authenticate(req(b))).toBe(rb);
    expect(await auth.authenticate(req(a))).not.toBe(ra);
  });

  it('a refused token is never cached: a forged one stays refused, the real one is accepted', async () => {
    const auth = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: clock().now });
    const forged = await sign('alice', 60, 'another secret that is at least 32 bytes long');
    expect(await auth.authenticate(req(forged))).toBeNull();
    expect(await auth.authenticate(req(forged))).toBeNull();
    expect(await auth.authenticate(req(await sign('alice', 60)))).toEqual({ userId: 'alice' });
  });
});

describe('the token service forgets verified tokens with the sessions', () => {
  const options = {
    bucket: 'uploads',
    region: 'fake-region',
    roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
    stsEndpoint: FAKE_STS,
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    audit: { level: 'silent' },
  } as const;

  it('clearCache(user) drops that user’s verified tokens, on this instance and on one sharing the purge signal; others stay', async () => {
    const purge = new LocalPurgeSignal();
    const c = clock();
    const authA = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: c.now });
    const authB = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: c.now });
    const a = createTokenHandler({ ...options, authenticate: authA, purge });
    const b = createTokenHandler({ ...options, authenticate: authB, purge });
    try {
      const [alice, bob] = await Promise.all([sign('alice', 600), sign('bob', 600)]);
      const seen = {
        aAlice: await authA.authenticate(req(alice)),
        aBob: await authA.authenticate(req(bob)),
        bAlice: await authB.authenticate(req(alice)),
      };
      c.ms += 1000;
      await a.clearCache('alice');
      expect(await authA.authenticate(req(alice))).not.toBe(seen.aAlice);
      expect(await authB.authenticate(req(alice))).not.toBe(seen.bAlice);
      expect(await authA.authenticate(req(bob))).toBe(seen.aBob);
      // Everyone's: bob's goes too.
      await b.clearCache();
      expect(await authA.authenticate(req(bob))).not.toBe(seen.aBob);
    } finally {
      a.close();
      b.close();
    }
  });

  it('with hashed user ids, clearCache(raw id) finds the tokens of that user', async () => {
    const auth = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: clock().now });
    const handler = createTokenHandler({
      ...options,
      authenticate: auth,
      userIdMode: 'hash',
      userIdSalt: 'pepper',
    });
    try {
      const [alice, bob] = await Promise.all([sign('José', 600), sign('bob', 600)]);
      const first = await auth.authenticate(req(alice));
      const bobs = await auth.authenticate(req(bob));
      await handler.clearCache('José');
      expect(await auth.authenticate(req(alice))).not.toBe(first);
      expect(await auth.authenticate(req(bob))).toBe(bobs);
    } finally {
      handler.close();
    }
  });

  it('after close(), the handler no longer reaches the authenticator', async () => {
    const purge = new LocalPurgeSignal();
    const auth = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, now: clock().now });
    const closed = createTokenHandler({ ...options, authenticate: auth, purge });
    closed.close();
    const other = createTokenHandler({
      ...options,
      authenticate: jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
      purge,
    });
    try {
      const token = await sign('alice', 600);
      const first = await auth.authenticate(req(token));
      await other.clearCache('alice');
      expect(await auth.authenticate(req(token))).toBe(first);
    } finally {
      other.close();
    }
  });
});
