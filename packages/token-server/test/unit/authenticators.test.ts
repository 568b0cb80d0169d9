import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintToken } from '@s3up/testkit/jwt';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthRequest, authRequest } from '../../src/authenticator.js';
import { devAuthenticator, isTokenServerError, jwtAuthenticator } from '../../src/index.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ISSUER = 'https://id.s3up.test';
const AUDIENCE = 's3up';
const JWT = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE };

// The framework-neutral request every adapter builds, from a plain Fetch Request.
function req(headers: Record<string, string>): AuthRequest {
  return authRequest(new Request('http://token.test/credentials', { method: 'POST', headers }));
}

function configError(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTokenServerError(error) ? error.message : `unexpected: ${String(error)}`;
  }
  return undefined;
}

describe('jwtAuthenticator with an HS256 secret', () => {
  const auth = jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
  const sign = (claims: Record<string, unknown> = {}, alg: 'HS256' | 'HS384' | 'HS512' = 'HS256') =>
    mintToken(JWT, 'alice', { claims, alg });

  it('accepts a valid bearer token and returns its sub', async () => {
    expect(await auth.authenticate(req({ authorization: `Bearer ${await sign()}` }))).toEqual({
      userId: 'alice',
    });
  });

  it('imports the secret once per algorithm: repeated and mixed HS256/HS512 tokens verify, a forged one does not', async () => {
    const both = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256', 'HS512'],
    });
    for (const alg of ['HS256', 'HS512', 'HS256', 'HS512'] as const)
      expect(await both.authenticate(req({ authorization: `Bearer ${await sign({}, alg)}` }))).toEqual({
        userId: 'alice',
      });
    // HS384 is not allowed here; a token signed with another secret fails even with the key cached.
    expect(await both.authenticate(req({ authorization: `Bearer ${await sign({}, 'HS384')}` }))).toBeNull();
    const forged = await mintToken(JWT, 'alice', { secret: 'another secret that is at least 32 bytes long' });
    expect(await both.authenticate(req({ authorization: `Bearer ${forged}` }))).toBeNull();
  });

  it('refuses alg none, even with the right claims', async () => {
    const none = new UnsecuredJWT({ sub: 'alice' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .encode();
    expect(await auth.authenticate(req({ authorization: `Bearer ${none}` }))).toBeNull();
  });

  it('refuses expired, wrong-audience and wrong-issuer tokens', async () => {
    const expired = await mintToken(JWT, 'alice', { expiresIn: Math.floor(Date.now() / 1000) - 30 });
    const wrongAud = await mintToken(JWT, 'alice', { audience: 'other' });
    const wrongIss = await mintToken(JWT, 'alice', { issuer: 'https://other' });
    for (const token of [expired, wrongAud, wrongIss]) {
      expect(await auth.authenticate(req({ authorization: `Bearer ${token}` }))).toBeNull();
    }
  });

  it('refuses a token issued in the future (beyond the clock tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await mintToken(JWT, 'alice', { issuedAt: now + 3600, expiresIn: now + 7200 });
    expect(await auth.authenticate(req({ authorization: `Bearer ${future}` }))).toBeNull();
    const slightlyAhead = await mintToken(JWT, 'alice', { issuedAt: now + 2, expiresIn: now + 600 });
    expect(await auth.authenticate(req({ authorization: `Bearer ${slightlyAhead}` }))).toEqual({
      userId: 'alice',
    });
  });

  it('refuses a token without a sub, and reads another claim when configured', async () => {
    const noSub = await mintToken(JWT, undefined, { claims: { uid: 'bob' } });
    expect(await auth.authenticate(req({ authorization: `Bearer ${noSub}` }))).toBeNull();
    const byUid = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      userIdClaim: 'uid',
    });
    expect(await byUid.authenticate(req({ authorization: `Bearer ${noSub}` }))).toEqual({ userId: 'bob' });
  });

  it('reads a cookie only when configured, and then says it uses cookies', async () => {
    const token = await sign();
    expect(await auth.authenticate(req({ cookie: `session=${token}` }))).toBeNull();
    const cookie = jwtAuthenticator({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      cookieName: 'session',
    });
    expect(cookie.usesCookies).toBe(true);
    expect(auth.usesCookies).toBe(false);
    expect(await cookie.authenticate(req({ cookie: `theme=dark; session=${token}` }))).toEqual({
      userId: 'alice',
    });
  });

  it('validates its options at creation, with a message that says what to do', () => {
    expect(
      configError(() => jwtAuthenticator({ secret: 'short', issuer: ISSUER, audience: AUDIENCE })),
    ).toMatch(/32 bytes.*openssl/);
    expect(configError(() => jwtAuthenticator({ secret: SECRET, issuer: '', audience: AUDIENCE }))).toMatch(
      /issuer/,
    );
    expect(configError(() => jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: [] }))).toMatch(
      /audience/,
    );
    expect(configError(() => jwtAuthenticator({ issuer: ISSUER, audience: AUDIENCE }))).toMatch(
      /exactly one/,
    );
    expect(
      configError(() =>
        jwtAuthenticator({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['none'] }),
      ),
    ).toMatch(/none/);
  });
});

describe('jwtAuthenticator with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (key: CryptoKey) =>
    new SignJWT({ sub: 'carol' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(key);

  it('accepts a token signed by a key of the set and refuses another key', async () => {
    const auth = jwtAuthenticator({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    expect(await auth.authenticate(req({ authorization: `Bearer ${await sign(privateKey)}` }))).toEqual({
      userId: 'carol',
    });
    expect(await auth.authenticate(req({ authorization: `Bearer ${await sign(otherKey)}` }))).toBeNull();
  });

  it('refuses an HS256 token made with the public key as secret (algorithm confusion)', async () => {
    const auth = jwtAuthenticator({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const forged = await new SignJWT({ sub: 'mallory' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify({ kty: 'EC' }).padEnd(32, 'x')));
    expect(await auth.authenticate(req({ authorization: `Bearer ${forged}` }))).toBeNull();
  });
});

describe('devAuthenticator', () => {
  it('refuses to start with NODE_ENV=production', () => {
    expect(configError(() => devAuthenticator({ nodeEnv: 'production' }))).toMatch(/NODE_ENV=production/);
  });

  it('reads the user from its header in development', async () => {
    const auth = devAuthenticator({ nodeEnv: 'development' });
    expect(await auth.authenticate(req({ 'x-s3up-user': 'dave' }))).toEqual({ userId: 'dave' });
    expect(await auth.authenticate(req({}))).toBeNull();
  });
});
