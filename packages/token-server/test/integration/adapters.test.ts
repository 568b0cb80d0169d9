import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { localBackendOptions, s3Client } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { NextRequest } from 'next/server.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTokenRouter } from '../../src/adapters/express.js';
import { s3upFastify } from '../../src/adapters/fastify.js';
import { s3upHono } from '../../src/adapters/hono.js';
import { createLambdaHandler, type LambdaHttpEvent } from '../../src/adapters/lambda.js';
import { createNextRouteHandlers } from '../../src/adapters/next.js';
import { createTokenServer } from '../../src/adapters/node-http.js';
import {
  createAuditLogger,
  createTokenHandler,
  jwtAuthenticator,
  type TokenHandlerOptions,
  type UploadReceipt,
} from '../../src/index.js';

// One behaviour suite, the same cases against the Fetch core and every adapter, each on
// its real framework package, all on the local S3+STS backend.

const local = inject('localS3');
const jwt = {
  secret: randomBytes(32).toString('hex'),
  issuer: 'https://id.s3up.test',
  audience: 's3up-adapters',
};
const run = randomBytes(4).toString('hex');
const owner = s3Client(local, local.service);
const ORIGIN = 'https://app.s3up.test';
const PER_USER = 4;

/** An adapter under test: how to send it a request, and what it logged and reported. */
interface Hosted {
  call(path: string, init?: RequestInit): Promise<Response>;
  log: Record<string, unknown>[];
  receipts: UploadReceipt[];
  close(): Promise<void>;
}

function options(log: Record<string, unknown>[], receipts: UploadReceipt[]): TokenHandlerOptions {
  return {
    ...localBackendOptions(local),
    authenticate: jwtAuthenticator(jwt),
    allowedOrigins: [ORIGIN],
    duration: { minSeconds: 900, maxSeconds: 3600 },
    rateLimit: { perUser: PER_USER, perIp: 10_000 },
    onUploaded: (receipt) => {
      receipts.push(receipt);
      return { row: receipts.length };
    },
    audit: createAuditLogger({ destination: { write: (line: string) => void log.push(JSON.parse(line)) } }),
  };
}

async function listening(server: import('node:http').Server): Promise<string> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: import('node:http').Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const template = JSON.parse(
  readFileSync(new URL('../fixtures/http-api-v2-event.json', import.meta.url), 'utf8'),
) as LambdaHttpEvent & { requestContext: { http: Record<string, string> } };

/** The request as API Gateway (payload 2.0) would hand it to the function, on AWS's documented example event. */
async function lambdaEvent(url: URL, init: RequestInit): Promise<LambdaHttpEvent> {
  const request = new Request(url, init);
  const headers: Record<string, string> = { host: template.requestContext.domainName! };
  const cookies: string[] = [];
  request.headers.forEach((value, name) => {
    if (name === 'cookie') cookies.push(...value.split(/;\s*/));
    else headers[name] = value;
  });
  const text = init.body === undefined ? undefined : await request.text();
  // Function URLs and HTTP APIs base64-encode bodies they do not treat as text.
  const binary = text !== undefined && !/json|text/.test(headers['content-type'] ?? '');
  return {
    ...template,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    cookies,
    requestContext: {
      ...template.requestContext,
      http: { ...template.requestContext.http, method: request.method },
    },
    ...(text === undefined
      ? { body: undefined, isBase64Encoded: false }
      : { body: binary ? Buffer.from(text).toString('base64') : text, isBase64Encoded: binary }),
  };
}

const adapters: Record<string, () => Promise<Hosted>> = {
  async core() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const handler = createTokenHandler({ ...options(log, receipts), basePath: '/s3up' });
    return {
      log,
      receipts,
      call: (path, init) =>
        handler(new Request(`https://core.s3up.test/s3up${path}`, init), { ip: '203.0.113.9' }),
      close: async () => handler.close(),
    };
  },
  async 'node:http'() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const running = await createTokenServer({ ...options(log, receipts), basePath: '/s3up' }).listen();
    return {
      log,
      receipts,
      call: (path, init) => fetch(`${running.url}${path}`, init),
      close: running.close,
    };
  },
  async express() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const app = express();
    app.use('/s3up', createTokenRouter(options(log, receipts)));
    const server = app.listen(0, '127.0.0.1');
    const base = await listening(server);
    return {
      log,
      receipts,
      call: (path, init) => fetch(`${base}/s3up${path}`, init),
      close: () => closeServer(server),
    };
  },
  async hono() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const app = new Hono();
    app.use('/s3up/*', s3upHono({ ...options(log, receipts), basePath: '/s3up' }));
    app.get('/', (c) => c.text('the host app'));
    // serve() puts @hono/node-server's own Request and Response on globalThis (its default,
    // as a user's app gets it). The integration project's workers run other files after this
    // one in the same process: closing the host puts Node's back.
    const nodeClasses = { Request: globalThis.Request, Response: globalThis.Response };
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as import('node:http').Server;
    const base = await listening(server);
    return {
      log,
      receipts,
      call: (path, init) => fetch(`${base}/s3up${path}`, init),
      close: async () => {
        await closeServer(server);
        Object.assign(globalThis, nodeClasses);
      },
    };
  },
  async fastify() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const app = Fastify();
    await app.register(s3upFastify(options(log, receipts)), { prefix: '/s3up' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      log,
      receipts,
      call: (path, init) => fetch(`${base}/s3up${path}`, init),
      close: () => app.close(),
    };
  },
  async next() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const route = createNextRouteHandlers({ ...options(log, receipts), basePath: '/api/s3up' });
    return {
      log,
      receipts,
      // What Next.js hands a route handler: a NextRequest.
      call: (path, init) => {
        const request = new NextRequest(
          `https://next.s3up.test/api/s3up${path}`,
          init as ConstructorParameters<typeof NextRequest>[1],
        );
        const method = (init?.method ?? 'GET') as 'GET' | 'POST' | 'OPTIONS';
        return (route[method] ?? route.POST)(request);
      },
      close: async () => route.handler.close(),
    };
  },
  async lambda() {
    const log: Record<string, unknown>[] = [];
    const receipts: UploadReceipt[] = [];
    const handler = createLambdaHandler({ ...options(log, receipts), basePath: '/s3up' });
    return {
      log,
      receipts,
      call: async (path, init = {}) => {
        const result = await handler(
          await lambdaEvent(new URL(`https://lambda.s3up.test/s3up${path}`), init),
        );
        return new Response(result.statusCode === 204 ? null : result.body, {
          status: result.statusCode,
          headers: result.headers,
        });
      },
      close: async () => handler.handler.close(),
    };
  },
};

describe.each(Object.keys(adapters))('%s', (name) => {
  let host: Hosted;
  beforeAll(async () => {
    host = await adapters[name]!();
  });
  afterAll(() => host.close());

  const user = (what: string) => `${name.replace(/\W/g, '')}-${what}-${run}`;
  const bearer = async (who: string) => ({ authorization: `Bearer ${await mintToken(jwt, who)}` });
  async function post(path: string, who: string, body: unknown, headers: Record<string, string> = {}) {
    return host.call(path, {
      method: 'POST',
      headers: { ...(await bearer(who)), 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }
  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
  }

  it('healthz: 200, no token, no-store', async () => {
    const response = await host.call('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('401 without a token, with WWW-Authenticate', async () => {
    const response = await host.call('/credentials', { method: 'POST' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expectError(response, 401, 'unauthorized');
  });

  it('credentials: the contract body; the audit line carries the server request id, the client one beside it', async () => {
    const who = user('creds');
    const response = await post(
      '/credentials',
      who,
      {},
      { 'x-request-id': `client-${run}`, 'user-agent': 'suite/1' },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      bucket: local.bucket,
      prefix: `users/${who}/`,
      scope: 'upload',
      receipts: true,
      accessKeyId: expect.any(String),
      secretAccessKey: expect.any(String),
      sessionToken: expect.any(String),
    });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = host.log.find((l) => l.event === 'credentials.issued' && l.userId === who);
    expect(line).toMatchObject({
      requestId,
      clientRequestId: `client-${run}`,
      accessKeyId: body.accessKeyId,
    });
    expect(JSON.stringify(host.log)).not.toContain(String(body.secretAccessKey));
    // The credentials work in S3, inside the prefix only.
    const s3 = s3Client(local, {
      accessKeyId: String(body.accessKeyId),
      secretAccessKey: String(body.secretAccessKey),
      sessionToken: String(body.sessionToken),
    });
    await s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: `users/${who}/ok.txt`, Body: 'ok' }));
    await expect(
      s3.send(
        new PutObjectCommand({ Bucket: local.bucket, Key: `users/someone-else-${run}/x.txt`, Body: 'no' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it('403 scope_disabled for read credentials and a presigned GET on an upload-only server', async () => {
    await expectError(await post('/credentials', user('scope'), { scope: 'read' }), 403, 'scope_disabled');
    await expectError(
      await post('/presign', user('scope'), { method: 'GET', key: 'a.txt' }),
      403,
      'scope_disabled',
    );
  });

  it('400 for an unknown field, 413 above 16 KiB, 415 for a non-JSON body', async () => {
    await expectError(await post('/credentials', user('bad'), { userId: 'bob' }), 400, 'bad_request');
    await expectError(
      await post('/credentials', user('bad'), { pad: 'x'.repeat(17 * 1024) }),
      413,
      'payload_too_large',
    );
    await expectError(
      await host.call('/credentials', {
        method: 'POST',
        headers: { ...(await bearer(user('bad'))), 'content-type': 'text/plain' },
        body: 'scope=upload',
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('429 past the per-user limit, with Retry-After; the flood is one audit line, not one per refusal', async () => {
    const who = user('burst');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < PER_USER + 3; i++) {
      last = await post('/credentials', who, {});
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(PER_USER).fill(200), 429, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectError(last!, 429, 'rate_limited');
    const refused = host.log.filter((l) => l.event === 'credentials.refused' && l.userId === who);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 429, rateLimitKey: `user:${who}` });
  });

  it('CORS: a preflight from an allowed origin is answered; another origin is refused', async () => {
    const allowed = await host.call('/credentials', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const refused = await post('/credentials', user('cors'), {}, { origin: 'https://evil.example' });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    await expectError(refused, 403, 'forbidden');
  });

  it('presign: a PUT URL stores the bytes under the user prefix, byte-exact', async () => {
    const who = user('presign');
    const response = await post('/presign', who, { method: 'PUT', key: 'doc.bin' });
    expect(response.status).toBe(200);
    const signed = (await response.json()) as { url: string; key: string; headers: Record<string, string> };
    expect(signed.key).toBe(`users/${who}/doc.bin`);
    const bytes = randomBytes(3000);
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: bytes })).status).toBe(
      200,
    );
    const stored = await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key: signed.key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  it('receipts: a stored object is confirmed from the bucket, audited and handed to onUploaded', async () => {
    const who = user('receipt');
    const key = `users/${who}/photo.jpg`;
    const bytes = randomBytes(1234);
    await owner.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: bytes, ContentType: 'image/jpeg' }),
    );
    const response = await post('/uploads', who, { key });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({
      key,
      size: 1234,
      contentType: 'image/jpeg',
      etag: expect.stringMatching(/^"/),
    });
    expect(answer.app).toEqual({ row: host.receipts.length });
    expect(host.receipts.at(-1)).toMatchObject({
      userId: who,
      key,
      size: 1234,
      contentType: 'image/jpeg',
      etag: answer.etag,
    });
    expect(host.log.find((l) => l.event === 'upload.received' && l.key === key)).toMatchObject({
      userId: who,
      size: 1234,
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('receipts: a key outside the user prefix is 403 and a missing object 404; the hook is not called', async () => {
    const who = user('receipt-no');
    const other = `users/${user('victim')}/exists.txt`;
    await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key: other, Body: 'theirs' }));
    const before = host.receipts.length;
    await expectError(await post('/uploads', who, { key: other }), 403, 'forbidden');
    await expectError(
      await post('/uploads', who, { key: `users/${who}/never-uploaded.txt` }),
      404,
      'not_found',
    );
    await expectError(
      await post('/uploads', who, { key: `users/${who}/../${user('victim')}/exists.txt` }),
      400,
      'bad_request',
    );
    expect(host.receipts.length).toBe(before);
    expect(host.log.some((l) => l.event === 'upload.received' && l.userId === who)).toBe(false);
  });
});
