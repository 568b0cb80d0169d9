// One token-server host under load, in its own process: the Fetch core under node:http
// (createTokenServer) or under Express (createTokenRouter), or the ceiling (bare node:http +
// jose). Reads BENCH_TOKEN_SERVER (JSON, with `host`), prints "READY <url>" once listening on
// 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAuditLogger,
  createTokenRouter,
  createTokenServer,
  jwtAuthenticator,
} from '@s3up/token-server';
import express from 'express';
import { jwtVerify } from 'jose';

const settings = JSON.parse(process.env.BENCH_TOKEN_SERVER ?? 'null') as {
  host: 'node' | 'express' | 'ceiling';
  endpoint: string;
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
} else if (settings.host === 'node') {
  const running = await createTokenServer(options).listen(0, '127.0.0.1');
  console.log(`READY ${running.url}`);
} else {
  const app = express();
  app.disable('x-powered-by');
  app.use(createTokenRouter(options));
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}
process.on('SIGTERM', () => process.exit(0));

/**
 * The ceiling of a cached /credentials answer on Node (issue 21): node:http, the body read,
 * the bearer JWT verified by jose on every request (HS256, the key imported once), a
 * per-user answer of the same shape and size as the token server's taken from a Map, JSON
 * out. No framework, no cache of verified tokens, no audit, no CORS, no rate limit.
 */
async function ceiling(jwt: { secret: string; issuer: string; audience: string }): Promise<void> {
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
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      try {
        if (!token) throw new Error('no token');
        const { payload } = await jwtVerify(token, key, {
          issuer: jwt.issuer,
          audience: jwt.audience,
          algorithms: ['HS256'],
        });
        res
          .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
          .end(answerFor(String(payload.sub)));
      } catch {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}
