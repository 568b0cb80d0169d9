// The token server under load runs in its own process, as in production: autocannon in the
// harness's process must not share the server's event loop. Reads its settings from
// BENCH_TOKEN_SERVER (JSON), prints "READY <url>" once listening on 127.0.0.1.
import { createWriteStream } from 'node:fs';
import { createAuditLogger, createTokenServer, jwtAuthenticator } from '@s3up/token-server';

interface Settings {
  endpoint: string;
  bucket: string;
  region: string;
  roleArn: string;
  service: { accessKeyId: string; secretAccessKey: string };
  jwt: { secret: string; issuer: string; audience: string };
}

const raw = process.env.BENCH_TOKEN_SERVER;
if (!raw) {
  console.error('BENCH_TOKEN_SERVER is not set: this process is started by the token-server benchmark');
  process.exit(2);
}
const settings = JSON.parse(raw) as Settings;
const { listen } = createTokenServer({
  bucket: settings.bucket,
  region: settings.region,
  roleArn: settings.roleArn,
  endpoint: settings.endpoint,
  forcePathStyle: true,
  checksums: 'WHEN_REQUIRED',
  credentials: settings.service,
  authenticate: jwtAuthenticator(settings.jwt),
  // Rate limits would answer 429 to a load test from one IP: measure the credentials path.
  rateLimit: false,
  // The audit log stays on (production does log every issuance), written to /dev/null.
  audit: createAuditLogger({ destination: createWriteStream('/dev/null') }),
});
const running = await listen(0, '127.0.0.1');
console.log(`READY ${running.url}`);
process.on('SIGTERM', () => {
  void running.close().finally(() => process.exit(0));
});
