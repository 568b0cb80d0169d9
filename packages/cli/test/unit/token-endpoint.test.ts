import { describe, expect, it } from 'vitest';
import { isCliError } from '../../src/errors.js';
import { credentialsUrl, TokenEndpoint } from '../../src/token-endpoint.js';

// The token server's answers are produced here by a tiny in-process responder: these
// tests cover the client's refresh policy and error mapping with a controllable clock.
function responder(now: () => number, lifetimeMs: number, skewMs = 0) {
  const requests: Request[] = [];
  let n = 0;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push(new Request(input, init));
    n += 1;
    await new Promise((r) => setTimeout(r, 5));
    const serverNow = now() - skewMs;
    return Response.json({
      accessKeyId: `AK${n}`,
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date(serverNow + lifetimeMs).toISOString(),
      serverTime: new Date(serverNow).toISOString(),
      bucket: 'uploads',
      region: 'eu-west-1',
      prefix: 'users/alice/',
      scope: 'upload',
    });
  }) as typeof fetch;
  return { fetchImpl, requests };
}

describe('credentialsUrl', () => {
  it('appends /credentials to a base URL and keeps a full one', () => {
    expect(credentialsUrl('https://app.example.com/api/s3up')).toBe(
      'https://app.example.com/api/s3up/credentials',
    );
    expect(credentialsUrl('https://app.example.com/api/s3up/')).toBe(
      'https://app.example.com/api/s3up/credentials',
    );
    expect(credentialsUrl('http://127.0.0.1:8080/credentials')).toBe('http://127.0.0.1:8080/credentials');
    expect(() => credentialsUrl('not a url')).toThrow(/--token-url/);
  });
});

describe('TokenEndpoint', () => {
  it('sends the bearer token and asks for the upload scope', async () => {
    const clock = { t: Date.parse('2026-11-28T22:00:00Z') };
    const { fetchImpl, requests } = responder(() => clock.t, 3600_000);
    const endpoint = new TokenEndpoint({
      url: 'https://app.example.com/api',
      token: 'jwt-1',
      fetch: fetchImpl,
      now: () => clock.t,
    });
    await endpoint.current();
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer jwt-1');
    expect(await requests[0]?.json()).toEqual({ scope: 'upload' });
  });

  it('caches while fresh, refreshes ahead of expiry, and shares one request among concurrent callers', async () => {
    const clock = { t: Date.parse('2026-11-28T22:00:00Z') };
    const { fetchImpl, requests } = responder(() => clock.t, 900_000);
    const endpoint = new TokenEndpoint({
      url: 'https://x.example/api',
      token: 't',
      fetch: fetchImpl,
      now: () => clock.t,
    });
    const [a, b, c] = await Promise.all([endpoint.current(), endpoint.current(), endpoint.current()]);
    expect(requests).toHaveLength(1);
    expect(new Set([a.accessKeyId, b.accessKeyId, c.accessKeyId])).toEqual(new Set(['AK1']));
    clock.t += 9 * 60_000; // 6 min left: above the 5-minute margin
    expect((await endpoint.current()).accessKeyId).toBe('AK1');
    clock.t += 2 * 60_000; // 4 min left
    expect((await endpoint.current()).accessKeyId).toBe('AK2');
    expect(endpoint.issued).toBe(2);
  });

  it('corrects the expiration for the server clock', async () => {
    const clock = { t: Date.parse('2026-11-28T22:00:00Z') };
    // The server's clock is 10 minutes behind ours.
    const { fetchImpl } = responder(() => clock.t, 900_000, 600_000);
    const endpoint = new TokenEndpoint({
      url: 'https://x.example/api',
      token: 't',
      fetch: fetchImpl,
      now: () => clock.t,
    });
    const first = await endpoint.current();
    expect(first.expiration.getTime()).toBe(clock.t + 900_000);
  });

  it('maps refusals to a message that says what to fix, without echoing the token', async () => {
    const fetchImpl = (async () =>
      Response.json(
        { error: { code: 'unauthorized', message: 'bad token' } },
        { status: 401 },
      )) as typeof fetch;
    const endpoint = new TokenEndpoint({
      url: 'https://x.example/api',
      token: 'secret-jwt',
      fetch: fetchImpl,
    });
    const error = await endpoint.current().catch((e: unknown) => e);
    expect(isCliError(error) && error.code).toBe('token_server');
    expect((error as Error).message).toContain('--token');
    expect((error as Error).message).not.toContain('secret-jwt');
  });

  it('refuses an answer that is not the token server contract', async () => {
    const fetchImpl = (async () => Response.json({ hello: 'world' })) as typeof fetch;
    const endpoint = new TokenEndpoint({ url: 'https://x.example/api', token: 't', fetch: fetchImpl });
    await expect(endpoint.current()).rejects.toThrow(/is --token-url the s3up token server/);
  });
});
