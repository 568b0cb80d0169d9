import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rs256Token, rsPublicKeyAsHmacSecret, unsignedToken } from '../support/jwt-tokens.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 5: every token that is not a valid, current token from the configured issuer for
// this audience gets 401 before anything reaches STS.
const local = inject('localS3');

describe('case 5: bad JWTs get 401 and no STS call (HS256 server)', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  const cases: [string, () => Promise<string | null>][] = [
    ['no token at all', async () => null],
    ['a malformed token', async () => 'raw:not-a-jwt'],
    ['three dots of garbage', async () => 'raw:a.b.c'],
    ['a token with a bad base64 header', async () => 'raw:%%%.eyJzdWIiOiJ4In0.sig'],
    ['alg: none', async () => `raw:${unsignedToken(server.jwt, 'alice')}`],
    ['a wrong signature', async () => `raw:${await server.token('alice', { secret: 'x'.repeat(48) })}`],
    [
      'an expired token',
      async () => `raw:${await server.token('alice', { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
    ],
    [
      'a token not valid for another hour',
      async () => `raw:${await server.token('alice', { notBefore: '1h' })}`,
    ],
    ['a wrong issuer', async () => `raw:${await server.token('alice', { issuer: 'https://evil.example' })}`],
    ['a wrong audience', async () => `raw:${await server.token('alice', { audience: 'another-service' })}`],
    ['no exp claim', async () => `raw:${await server.token('alice', { noExpiry: true })}`],
    ['an RS256 token from an unknown key', async () => `raw:${await rs256Token(server.jwt, 'alice')}`],
    [
      'HS256 keyed with an RSA public key',
      async () => `raw:${await rsPublicKeyAsHmacSecret(server.jwt, 'alice')}`,
    ],
    [
      'a signature stripped from a valid token',
      async () => `raw:${(await server.token('alice')).replace(/\.[^.]+$/, '.')}`,
    ],
    [
      'a valid token with its payload swapped for bob',
      async () => {
        const [header, , signature] = (await server.token('alice')).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            sub: 'bob',
            iss: server.jwt.issuer,
            aud: server.jwt.audience,
            exp: Math.floor(Date.now() / 1000) + 300,
          }),
        ).toString('base64url');
        return `raw:${header}.${payload}.${signature}`;
      },
    ],
  ];

  it.each(cases)('%s: 401 unauthorized, WWW-Authenticate, no STS call', async (_name, makeAuth) => {
    const auth = await makeAuth();
    const before = server.sts.count('AssumeRole');
    const answer = await server.post('/credentials', auth, {});
    expect(answer.status).toBe(401);
    expect(answer.json.error?.code).toBe('unauthorized');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.json.accessKeyId).toBeUndefined();
    expect(server.sts.count('AssumeRole')).toBe(before);
  });

  it('a Basic or lowercase-scheme-less Authorization header is not a token either', async () => {
    const before = server.sts.count('AssumeRole');
    for (const header of ['Basic YWxpY2U6cGFzcw==', 'alice', 'Bearer', 'Bearer  ']) {
      const answer = await server.post('/credentials', null, {}, { headers: { authorization: header } });
      expect({ header, status: answer.status }).toEqual({ header, status: 401 });
    }
    expect(server.sts.count('AssumeRole')).toBe(before);
  });

  it('control: a valid token is accepted (so the refusals above are about the token)', async () => {
    const before = server.sts.count('AssumeRole');
    const answer = await server.post('/credentials', 'alice-control', {});
    expect(answer.status).toBe(200);
    expect(server.sts.count('AssumeRole')).toBe(before + 1);
    expect(server.leaks()).toEqual([]);
  });
});

describe('case 5: HS/RS confusion against a JWKS (RS256) server', () => {
  let jwks: Server;
  let server: TokenServerUnderTest;
  let privateKey: CryptoKey;
  let publicJwk: Record<string, unknown>;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    server = await TokenServerUnderTest.start(local, {
      jwtOptions: { secret: undefined, jwksUrl: `http://127.0.0.1:${port}/jwks.json` },
    });
  });
  afterAll(async () => {
    await server?.close();
    jwks?.close();
  });

  const sign = (alg: 'RS256' | 'HS256', key: CryptoKey | Uint8Array, sub = 'alice') =>
    new SignJWT({})
      .setProtectedHeader({ alg, kid: 'k1' })
      .setSubject(sub)
      .setIssuer(server.jwt.issuer)
      .setAudience(server.jwt.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  it('HS256 signed with the public JWK (as JSON text and as its modulus) is refused with 401 and no STS call', async () => {
    const secrets = [
      new TextEncoder().encode(JSON.stringify(publicJwk)),
      new TextEncoder().encode(String(publicJwk.n)),
    ];
    for (const secret of secrets) {
      const token = await sign('HS256', secret);
      server.ledger.add('a forged JWT', token);
      const answer = await server.post('/credentials', `raw:${token}`, {});
      expect(answer.status).toBe(401);
    }
    expect(server.sts.count('AssumeRole')).toBe(0);
  });

  it('control: an RS256 token signed with the JWKS key is accepted', async () => {
    const token = await sign('RS256', privateKey, 'alice-rs');
    server.ledger.add('an RS256 JWT', token);
    const answer = await server.post('/credentials', `raw:${token}`, {});
    expect(answer.status).toBe(200);
    expect(answer.json.prefix).toBe('users/alice-rs/');
    expect(server.leaks()).toEqual([]);
  });
});
