// One token-server host under load, in its own process: the Fetch core under node:http
// (createTokenServer) or under Express (createTokenRouter), the ceiling (bare node:http +
// jose), or Uppy Companion (its /s3/sts). Reads BENCH_TOKEN_SERVER (JSON, with `host`),
// says where it listens (on 127.0.0.1) over the IPC channel: { type: 'ready', url }.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import {
  createAuditLogger,
  createTokenRouter,
  createTokenServer,
  jwtAuthenticator,
} from '@s3up/token-server';
import express from 'express';
import { jwtVerify } from 'jose';

const settings = JSON.parse(process.env.BENCH_TOKEN_SERVER ?? 'null') as {
  host: 'node' | 'express' | 'ceiling' | 'express-ceiling' | 'companion';
  endpoint: string;
  /** The loopback STS front both s3up and Companion call (bench/src/sts-front.ts). */
  stsEndpoint: string;
  bucket: string;
  region: string;
  roleArn: string;
  service: { accessKeyId: string; secretAccessKey: string };
  jwt: { secret: string; issuer: string; audience: string };
} | null;
if (!settings) {
  console.error('BENCH_TOKEN_SERVER is not set: this process is started by the token-hosts benchmark');
  process.exit(2);
}
const options = {
  bucket: settings.bucket,
  region: settings.region,
  roleArn: settings.roleArn,
  endpoint: settings.endpoint,
  stsEndpoint: settings.stsEndpoint,
  forcePathStyle: true,
  checksums: 'WHEN_REQUIRED' as const,
  credentials: settings.service,
  authenticate: jwtAuthenticator(settings.jwt),
  rateLimit: false as const,
  // The audit log stays on, through its default destination (pino's asynchronous one),
  // pointed at /dev/null by the harness (stdout is ignored).
  audit: createAuditLogger(),
};
if (settings.host === 'ceiling') {
  await ceiling(settings.jwt);
} else if (settings.host === 'express-ceiling') {
  await expressCeiling(settings.jwt);
} else if (settings.host === 'companion') {
  await companion(settings);
} else if (settings.host === 'node') {
  const running = await createTokenServer(options).listen(0, '127.0.0.1');
  timeRequests(running.server);
  ready(running.url);
} else {
  const app = express();
  app.disable('x-powered-by');
  app.use(createTokenRouter(options));
  const server = app.listen(0, '127.0.0.1', () => {
    timeRequests(server);
    ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}
process.on('SIGTERM', () => process.exit(0));

/** Tells the harness where this host listens (stdout is /dev/null: it carries the audit log). */
function ready(url: string): void {
  process.send?.({ type: 'ready', url });
}

/**
 * The server's own view of latency, to tell it from the load generator's (issue 21: is p99
 * the server or the client?): from Node's 'request' event (headers parsed) to 'finish' (the
 * answer handed to the kernel), and the event loop's delay. Asked for over the IPC channel:
 * `reset` before the load, `report` after it.
 */
function timeRequests(server: Server): void {
  const served = createHistogram();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  server.prependListener('request', (_req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => served.record(process.hrtime.bigint() - started || 1n));
  });
  process.on('message', (message: unknown) => {
    if (message === 'reset') {
      served.reset();
      loop.reset();
      process.send?.({ type: 'reset' });
    } else if (message === 'report') {
      process.send?.({
        type: 'report',
        count: served.count,
        p50Ms: served.percentile(50) / 1e6,
        p99Ms: served.percentile(99) / 1e6,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
      });
    }
  });
}

/**
 * The ceiling of a cached /credentials answer on Node (issue 21): node:http, the body read,
 * the bearer JWT verified by jose on every request (HS256, the key imported once), a
 * per-user answer of the same shape and size as the token server's taken from a Map, JSON
 * out. No framework, no cache of verified tokens, no audit, no CORS, no rate limit.
 */
async function ceilingParts(jwt: { secret: string; issuer: string; audience: string }) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(jwt.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const answers = new Map<string, string>();
  const answerFor = (userId: string) => {
    let body = answers.get(userId);
    if (!body) {
      body = JSON.stringify({
        accessKeyId: `ASIA${'X'.repeat(16)}`,
        secretAccessKey: 'S'.repeat(40),
        sessionToken: 'T'.repeat(700),
        expiration: new Date(Date.now() + 3600_000).toISOString(),
        serverTime: new Date().toISOString(),
        bucket: 'bench',
        region: 'us-east-1',
        prefix: `users/${userId}/`,
        scope: 'upload',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      });
      answers.set(userId, body);
    }
    return body;
  };
  const verify = async (authorization: string | undefined): Promise<string> => {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new Error('no token');
    const { payload } = await jwtVerify(token, key, {
      issuer: jwt.issuer,
      audience: jwt.audience,
      algorithms: ['HS256'],
    });
    return answerFor(String(payload.sub));
  };
  return { verify };
}

async function ceiling(jwt: { secret: string; issuer: string; audience: string }): Promise<void> {
  const { verify } = await ceilingParts(jwt);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = await verify(req.headers.authorization);
        res
          .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
          .end(body);
      } catch {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
      }
    });
  });
  timeRequests(server);
  server.listen(0, '127.0.0.1', () => {
    ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}

/**
 * Uppy Companion 6 as its README mounts it (`companion.app(options)` in a node:http server),
 * with its defaults (metrics on, its CORS middleware) and S3 configured with the bucket and
 * the token service's keys. Its `/s3/sts` calls `GetFederationToken` on every request; the
 * STS client it builds takes no endpoint option, so the SDK's `AWS_ENDPOINT_URL_STS` points it
 * at the loopback STS front, which answers through RGW's AssumeRole.
 */
async function companion(s: NonNullable<typeof settings>): Promise<void> {
  process.env.AWS_ENDPOINT_URL_STS = s.stsEndpoint;
  const { app } = await import('@uppy/companion');
  // Companion wants a download directory; /s3/sts never writes to it. Removed on exit.
  const filePath = mkdtempSync(join(tmpdir(), 'bench-companion-'));
  process.once('exit', () => rmSync(filePath, { recursive: true, force: true }));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const { app: handler } = app({
    s3: {
      key: s.service.accessKeyId,
      secret: s.service.secretAccessKey,
      bucket: s.bucket,
      region: s.region,
      endpoint: s.endpoint,
      forcePathStyle: true,
      // GetFederationToken's (and AssumeRole's) shortest session.
      expires: 900,
    },
    server: { host: `127.0.0.1:${port}`, protocol: 'http' },
    filePath,
    secret: 'bench-companion-secret-not-used-by-s3-sts',
    corsOrigins: ['http://127.0.0.1:5173'],
    uploadUrls: ['^http://127\\.0\\.0\\.1/'],
  });
  timeRequests(server);
  server.on('request', handler);
  ready(`http://127.0.0.1:${port}`);
}

/**
 * The same ceiling under Express 5 (issue 21's "bare Express" reference): one route, the body
 * read, the JWT verified by jose, the per-user answer from a Map. What Express itself costs a
 * cached answer on this machine; s3up through Express cannot cost less than this.
 */
async function expressCeiling(jwt: { secret: string; issuer: string; audience: string }): Promise<void> {
  const { verify } = await ceilingParts(jwt);
  const app = express();
  app.disable('x-powered-by');
  app.post('/credentials', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      verify(req.headers.authorization).then(
        (body) => {
          res
            .writeHead(200, {
              'content-type': 'application/json; charset=utf-8',
              'cache-control': 'no-store',
            })
            .end(body);
        },
        () => {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
        },
      );
    });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    timeRequests(server);
    ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}
