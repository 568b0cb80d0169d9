// One token-server host under load, in its own process: the Fetch core under node:http
// (createTokenServer) or under Express (createTokenRouter). Reads BENCH_TOKEN_SERVER (JSON,
// with `host`), prints "READY <url>" once listening on 127.0.0.1.
import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import {
  createAuditLogger,
  createTokenRouter,
  createTokenServer,
  jwtAuthenticator,
} from '@s3up/token-server';
import express from 'express';

const settings = JSON.parse(process.env.BENCH_TOKEN_SERVER ?? 'null') as {
  host: 'node' | 'express';
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
  audit: createAuditLogger({ destination: createWriteStream('/dev/null') }),
};
if (settings.host === 'node') {
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
