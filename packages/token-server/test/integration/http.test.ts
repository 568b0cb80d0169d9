import { randomBytes } from 'node:crypto';
import { localBackendOptions } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { UnsecuredJWT } from 'jose';
import request from 'supertest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createAuditLogger,
  createTokenServer,
  jwtAuthenticator,
  type TokenServerOptions,
} from '../../src/index.js';

const local = inject('localS3');
const jwt = {
  secret: randomBytes(32).toString('hex'),
  issuer: 'https://id.s3up.test',
  audience: 's3up-http-tests',
};

// Every audit line of every server in this file: checked at the end for secrets.
const logLines: string[] = [];
const issuedSecrets: string[] = [];
const tokensSent: string[] = [];

function service(overrides: Partial<TokenServerOptions> = {}) {
  return createTokenServer({
    ...localBackendOptions(local),
    authenticate: jwtAuthenticator(jwt),
    allowedOrigins: ['https://app.s3up.test', 'http://localhost:*'],
    duration: { minSeconds: 900, maxSeconds: 3600 },
    audit: createAuditLogger({ destination: { write: (line: string) => void logLines.push(line) } }),
    ...overrides,
  });
}

function app(overrides: Partial<TokenServerOptions> = {}) {
  return service(overrides).app;
}

async function token(sub: string, options?: Parameters<typeof mintToken>[2]) {
  const t = await mintToken(jwt, sub, options);
  tokensSent.push(t);
  return t;
}

function expectJsonError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
}

const server = app();

describe('authentication', () => {
  it('401 without a token', async () => {
    const res = await request(server).post('/credentials');
    expectJsonError(res, 401, 'unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['garbage', async () => 'not.a.jwt'],
    ['a wrong signature', () => token('alice', { secret: randomBytes(32).toString('hex') })],
    ['an expired token', () => token('alice', { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['a wrong audience', () => token('alice', { audience: 'someone-else' })],
    ['a wrong issuer', () => token('alice', { issuer: 'https://evil.test' })],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ sub: 'alice' })
          .setIssuer(jwt.issuer)
          .setAudience(jwt.audience)
          .setExpirationTime('5m')
          .encode(),
    ],
    ['no exp', () => token('alice', { noExpiry: true })],
    ['HS512 when only HS256 is allowed', () => token('alice', { alg: 'HS512' })],
  ])('401 with %s', async (_name, make) => {
    const res = await request(server)
      .post('/credentials')
      .set('Authorization', `Bearer ${await make()}`);
    expectJsonError(res, 401, 'unauthorized');
  });

  it('403 for a user id that cannot be a prefix, before any policy is built', async () => {
    for (const sub of ['*', 'a?', 'alice/../bob', 'José']) {
      const res = await request(server)
        .post('/credentials')
        .set('Authorization', `Bearer ${await token(sub)}`);
      expectJsonError(res, 403, 'invalid_user_id');
    }
  });

  it('hash mode serves such ids under a stable hashed prefix', async () => {
    const hashed = app({ userIdMode: 'hash', userIdSalt: 'pepper' });
    const auth = `Bearer ${await token('José')}`;
    const first = await request(hashed).post('/credentials').set('Authorization', auth);
    expect(first.status).toBe(200);
    expect(first.body.prefix).toMatch(/^users\/h-[0-9a-f]{40}\/$/);
    issuedSecrets.push(first.body.secretAccessKey, first.body.sessionToken);
    const second = await request(app({ userIdMode: 'hash', userIdSalt: 'pepper' }))
      .post('/credentials')
      .set('Authorization', auth);
    expect(second.body.prefix).toBe(first.body.prefix);
    issuedSecrets.push(second.body.secretAccessKey, second.body.sessionToken);
  });

  it('the user id comes from the token only: a userId in the body is refused', async () => {
    const res = await request(server)
      .post('/credentials')
      .set('Authorization', `Bearer ${await token('alice')}`)
      .send({ userId: 'bob' });
    expectJsonError(res, 400, 'bad_request');
    expect(res.body.error.message).toContain('userId');
  });
});

describe('requests', () => {
  it('200 with the contract body, no-store, and an audit line without secrets', async () => {
    const res = await request(server)
      .post('/credentials')
      .set('Authorization', `Bearer ${await token('auditee')}`)
      .set('User-Agent', 'http-test/1.0')
      .set('X-Request-Id', 'req-123');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    // The server's own id answers and is logged; the client's is recorded beside it, never as it.
    const serverId = res.headers['x-request-id'];
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
    issuedSecrets.push(res.body.secretAccessKey, res.body.sessionToken);
    expect(res.body.prefix).toBe('users/auditee/');
    expect(logLines.some((l) => JSON.parse(l).requestId === 'req-123')).toBe(false);
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === serverId);
    expect(line).toMatchObject({
      event: 'credentials.issued',
      clientRequestId: 'req-123',
      userId: 'auditee',
      scope: 'upload',
      bucket: local.bucket,
      prefix: 'users/auditee/',
      durationSeconds: 3600,
      expiration: res.body.expiration,
      accessKeyId: res.body.accessKeyId,
      policySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      cache: 'miss',
      ip: expect.any(String),
      userAgent: 'http-test/1.0',
      time: expect.any(String),
    });
  });

  it('serves the second request from the cache', async () => {
    const auth = `Bearer ${await token('cached')}`;
    const first = await request(server).post('/credentials').set('Authorization', auth);
    const second = await request(server).post('/credentials').set('Authorization', auth);
    expect(second.body.accessKeyId).toBe(first.body.accessKeyId);
    issuedSecrets.push(first.body.secretAccessKey, first.body.sessionToken);
    const outcomes = logLines
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === 'credentials.issued' && l.userId === 'cached')
      .map((l) => l.cache);
    expect(outcomes).toEqual(['miss', 'hit']);
  });

  it('clearCache() (after a revocation) makes the next request fetch a new session', async () => {
    const revoking = service();
    const auth = `Bearer ${await token('revoked')}`;
    const first = await request(revoking.app).post('/credentials').set('Authorization', auth);
    const cached = await request(revoking.app).post('/credentials').set('Authorization', auth);
    expect(cached.body.accessKeyId).toBe(first.body.accessKeyId);
    revoking.clearCache('revoked');
    const fresh = await request(revoking.app).post('/credentials').set('Authorization', auth);
    expect(fresh.status).toBe(200);
    expect(fresh.body.accessKeyId).not.toBe(first.body.accessKeyId);
  });

  it('refusedAccessKeyId naming the cached session replaces it (and is audited); any other key changes nothing', async () => {
    const mending = service().app;
    const auth = `Bearer ${await token('refused')}`;
    const ask = (body?: object) =>
      request(mending)
        .post('/credentials')
        .set('Authorization', auth)
        .send(body ?? {});
    const first = await ask();
    // S3 refused some other session (an older one, another tab's): the cached one still serves.
    const other = await ask({ refusedAccessKeyId: 'AKIDNOTCACHED0000' });
    expect(other.body.accessKeyId).toBe(first.body.accessKeyId);
    // S3 refused the cached one: it is replaced, not handed out again.
    const fresh = await ask({ refusedAccessKeyId: first.body.accessKeyId });
    expect(fresh.status).toBe(200);
    expect(fresh.body.sessionToken).not.toBe(first.body.sessionToken);
    expect(fresh.body.prefix).toBe('users/refused/');
    const issued = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.event === 'credentials.issued' && l.userId === 'refused');
    expect(issued.map((l) => [l.cache, l.replacedAccessKeyId])).toEqual([
      ['miss', undefined],
      ['hit', undefined],
      ['miss', first.body.accessKeyId],
    ]);
    for (const value of ['', 'has spaces', 'x'.repeat(200), 42]) {
      expectJsonError(await ask({ refusedAccessKeyId: value }), 400, 'bad_request');
    }
  });

  it('413 above 16 KiB', async () => {
    const res = await request(server)
      .post('/credentials')
      .set('Authorization', `Bearer ${await token('alice')}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ scope: 'upload', pad: 'x'.repeat(17 * 1024) }));
    expectJsonError(res, 413, 'payload_too_large');
  });

  it('400 for unknown fields, bad JSON and a bad scope; 415 for a non-JSON body', async () => {
    const auth = `Bearer ${await token('alice')}`;
    expectJsonError(
      await request(server)
        .post('/credentials')
        .set('Authorization', auth)
        .send({ scope: 'upload', extra: 1 }),
      400,
      'bad_request',
    );
    expectJsonError(
      await request(server)
        .post('/credentials')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send('{"scope":'),
      400,
      'bad_request',
    );
    expectJsonError(
      await request(server).post('/credentials').set('Authorization', auth).send({ scope: 'admin' }),
      400,
      'bad_request',
    );
    expectJsonError(
      await request(server)
        .post('/credentials')
        .set('Authorization', auth)
        .set('Content-Type', 'text/plain')
        .send('scope=upload'),
      415,
      'unsupported_media_type',
    );
  });

  it('refuses durationSeconds unless the operator allows it, and then only shortens', async () => {
    const auth = `Bearer ${await token('duration')}`;
    const refused = await request(server)
      .post('/credentials')
      .set('Authorization', auth)
      .send({ durationSeconds: 1000 });
    expectJsonError(refused, 400, 'bad_request');
    expect(refused.body.error.message).toContain('durationSeconds');
    const allowing = app({
      allowClientDuration: true,
      duration: { minSeconds: 900, maxSeconds: 3600, defaultSeconds: 1800 },
    });
    const longer = await request(allowing)
      .post('/credentials')
      .set('Authorization', auth)
      .send({ durationSeconds: 3600 });
    const shorter = await request(allowing)
      .post('/credentials')
      .set('Authorization', auth)
      .send({ durationSeconds: 1000 });
    issuedSecrets.push(
      longer.body.secretAccessKey,
      longer.body.sessionToken,
      shorter.body.secretAccessKey,
      shorter.body.sessionToken,
    );
    const lifetime = (r: request.Response) =>
      (Date.parse(r.body.expiration) - Date.parse(r.body.serverTime)) / 1000;
    expect(lifetime(longer)).toBeGreaterThan(1700);
    expect(lifetime(longer)).toBeLessThanOrEqual(1801);
    expect(lifetime(shorter)).toBeGreaterThan(900);
    expect(lifetime(shorter)).toBeLessThanOrEqual(1001);
  });

  it('403 for a scope the operator has not enabled', async () => {
    const res = await request(server)
      .post('/credentials')
      .set('Authorization', `Bearer ${await token('alice')}`)
      .send({ scope: 'read' });
    expectJsonError(res, 403, 'scope_disabled');
  });

  it('tells clients the scopes it offers, so they need not ask for one and be refused', async () => {
    const offered = async (overrides: Partial<TokenServerOptions>) =>
      (
        await request(app(overrides))
          .post('/credentials')
          .set('Authorization', `Bearer ${await token('alice')}`)
          .send({})
      ).body.offeredScopes;
    // The default server is upload-only; an operator's list comes back in policy order.
    expect(await offered({})).toEqual(['upload']);
    expect(await offered({ scopes: ['list', 'upload', 'read'] })).toEqual(['upload', 'read', 'list']);
  });

  it('healthz needs no token and calls nothing', async () => {
    const broken = app({ stsEndpoint: 'http://127.0.0.1:9', endpoint: 'http://127.0.0.1:9' });
    const res = await request(broken).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('an STS outage is a 503 with a generic message', async () => {
    const broken = app({ stsEndpoint: 'http://127.0.0.1:9', retry: { attempts: 2, baseDelayMs: 1 } });
    const res = await request(broken)
      .post('/credentials')
      .set('Authorization', `Bearer ${await token('alice')}`);
    expectJsonError(res, 503, 'sts_unavailable');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('JSON 404 and 405, both no-store', async () => {
    expectJsonError(await request(server).get('/nope'), 404, 'not_found');
    expectJsonError(await request(server).get('/credentials'), 405, 'method_not_allowed');
  });
});

describe('rate limiting', () => {
  it('429 with Retry-After for a burst from one user', async () => {
    const limited = app({ rateLimit: { perUser: 3, perIp: 1000, windowMs: 60_000 } });
    const auth = `Bearer ${await token('bursty')}`;
    const statuses = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(limited).post('/credentials').set('Authorization', auth);
      statuses.push(last.status);
      if (last.status === 200) issuedSecrets.push(last.body.secretAccessKey, last.body.sessionToken);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expectJsonError(last!, 429, 'rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Another user on the same IP is not limited by bursty's count.
    const other = await request(limited)
      .post('/credentials')
      .set('Authorization', `Bearer ${await token('calm')}`);
    expect(other.status).toBe(200);
    issuedSecrets.push(other.body.secretAccessKey, other.body.sessionToken);
  });

  it('429 for a burst from one IP, even with bad tokens (no brute force)', async () => {
    const limited = app({ rateLimit: { perUser: 1000, perIp: 4, windowMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await request(limited).post('/credentials').set('Authorization', 'Bearer nope')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});

describe('CORS', () => {
  it('allows a preflight from an allowed origin', async () => {
    const res = await request(server)
      .options('/credentials')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a preflight and a request from another origin', async () => {
    const preflight = await request(server)
      .options('/credentials')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expectJsonError(preflight, 403, 'forbidden');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const post = await request(server)
      .post('/credentials')
      .set('Origin', 'https://app.s3up.test.evil.example')
      .set('Authorization', `Bearer ${await token('alice')}`);
    expectJsonError(post, 403, 'forbidden');
  });

  it('answers an allowed origin with its exact value', async () => {
    const res = await request(server)
      .post('/credentials')
      .set('Origin', 'https://app.s3up.test')
      .set('Authorization', `Bearer ${await token('alice')}`);
    expect(res.status).toBe(200);
    issuedSecrets.push(res.body.secretAccessKey, res.body.sessionToken);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.s3up.test');
  });
});

describe('cookie authentication', () => {
  const cookieApp = app({ authenticate: jwtAuthenticator({ ...jwt, cookieName: 'session' }) });

  it('accepts a JSON POST from an allowed origin with the cookie', async () => {
    const res = await request(cookieApp)
      .post('/credentials')
      .set('Origin', 'https://app.s3up.test')
      .set('Cookie', `session=${await token('cookie-user')}`)
      .send({});
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    issuedSecrets.push(res.body.secretAccessKey, res.body.sessionToken);
  });

  it('refuses a cross-site form post and a request without Origin', async () => {
    const cookie = `session=${await token('cookie-user')}`;
    expectJsonError(
      await request(cookieApp)
        .post('/credentials')
        .set('Origin', 'https://app.s3up.test')
        .set('Cookie', cookie)
        .type('form')
        .send('scope=upload'),
      403,
      'forbidden',
    );
    expectJsonError(
      await request(cookieApp).post('/credentials').set('Cookie', cookie).send({}),
      403,
      'forbidden',
    );
    expectJsonError(
      await request(cookieApp)
        .post('/credentials')
        .set('Origin', 'https://evil.example')
        .set('Cookie', cookie)
        .send({}),
      403,
      'forbidden',
    );
  });
});

afterAll(() => {
  // No secret key, session token or bearer token ever reaches the log.
  const log = logLines.join('\n');
  expect(logLines.length).toBeGreaterThan(20);
  expect(issuedSecrets.length).toBeGreaterThan(10);
  for (const secret of [...issuedSecrets, ...tokensSent, local.service.secretAccessKey, jwt.secret]) {
    expect(typeof secret === 'string' && secret.length > 8).toBe(true);
    expect(log).not.toContain(secret);
  }
});
