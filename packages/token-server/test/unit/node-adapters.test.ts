import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { s3upFastify } from '../../src/adapters/fastify.js';
import type { AuthRequest } from '../../src/authenticator.js';
import {
  createAuditLogger,
  createTokenRouter,
  createTokenServer,
  type TokenHandlerOptions,
} from '../../src/index.js';

// s3up's Node adapters read Node's request directly (no Fetch Request unless asked) and write
// the core's answer directly. What an authenticator is handed, the client address and the
// headers a host set must be what the Fetch path gives. The authenticator here refuses, so
// nothing reaches STS: every case is a 401 with its audit line.

interface Seen {
  req: AuthRequest;
  requestHeader: string | null;
}

function options(seen: Seen[], log: Record<string, unknown>[]): TokenHandlerOptions {
  return {
    bucket: 's3up-uploads',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
    allowedOrigins: ['https://app.s3up.test'],
    rateLimit: false,
    authenticate: {
      usesCookies: false,
      authenticate: (req) => {
        // The Request is built on first use: read it as an authenticator would.
        seen.push({ req, requestHeader: req.request.headers.get('x-app') });
        return null;
      },
    },
    audit: createAuditLogger({ destination: { write: (line: string) => void log.push(JSON.parse(line)) } }),
  };
}

const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

async function host(kind: 'node:http' | 'express' | 'express behind a proxy' | 'fastify') {
  const seen: Seen[] = [];
  const log: Record<string, unknown>[] = [];
  if (kind === 'node:http') {
    const running = await createTokenServer({ ...options(seen, log), basePath: '/s3up' }).listen();
    closers.push(running.close);
    return { seen, log, url: running.url };
  }
  if (kind === 'fastify') {
    const app = Fastify();
    await app.register(s3upFastify(options(seen, log)), { prefix: '/s3up' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    return { seen, log, url: `${base}/s3up` };
  }
  const app = express();
  if (kind === 'express behind a proxy') app.set('trust proxy', 1);
  // A host's own middleware: its headers stay, its Vary is added to.
  app.use((_req, res, next) => {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  });
  app.use('/s3up', createTokenRouter(options(seen, log)));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { seen, log, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/s3up` };
}

function post(url: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/credentials?from=test`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer not-a-token',
      'content-type': 'application/json',
      cookie: 'session=a%20b; theme=dark',
      'x-app': 'photos',
      'x-forwarded-for': '198.51.100.7',
      origin: 'https://app.s3up.test',
      ...headers,
    },
    body: '{"scope":"upload"}',
  });
}

describe.each(['node:http', 'express', 'fastify'] as const)('%s', (kind) => {
  it('hands the authenticator the same request as the Fetch path, built lazily', async () => {
    const { seen, log, url } = await host(kind);
    const response = await post(url);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.s3up.test');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const [{ req, requestHeader }] = seen as [Seen];
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`${url}/credentials?from=test`);
    expect(req.headers).toMatchObject({
      authorization: 'Bearer not-a-token',
      'x-app': 'photos',
      'content-type': 'application/json',
    });
    expect(req.cookies).toEqual({ session: 'a b', theme: 'dark' });
    expect(requestHeader).toBe('photos');
    expect(req.request.method).toBe('POST');
    expect(req.native).toBeDefined();
    // Trust proxy is off by default: the socket address, never the forwarded one.
    expect(log).toEqual([
      expect.objectContaining({
        event: 'credentials.refused',
        status: 401,
        code: 'unauthorized',
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        requestId: response.headers.get('x-request-id'),
      }),
    ]);
  });
});

describe('express', () => {
  it("keeps the host's headers and adds Origin to its Vary", async () => {
    const { url } = await host('express');
    const response = await post(url);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('matches its paths as Express routes did (any case, one trailing slash) and leaves other paths to the app', async () => {
    const { seen, url } = await host('express');
    const odd = await fetch(`${url}/Credentials/`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(odd.status).toBe(401);
    expect(odd.headers.get('www-authenticate')).toBe('Bearer');
    expect(seen).toHaveLength(1);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
    // Not the service's: Express's own 404 page, not the core's JSON, and no authenticator call.
    for (const path of ['/credentials/more', '/other', '/']) {
      const other = await fetch(`${url}${path}`, { method: 'POST' });
      expect(other.status).toBe(404);
      expect(other.headers.get('content-type')).toMatch(/^text\/html/);
      await other.arrayBuffer();
    }
    expect(seen).toHaveLength(1);
  });

  it("takes the client address from X-Forwarded-For only when the app trusts the proxy (Express's req.ip)", async () => {
    const { log, url } = await host('express behind a proxy');
    await post(url);
    expect(log[0]).toMatchObject({ event: 'credentials.refused', ip: '198.51.100.7' });
  });
});
