import { randomBytes } from 'node:crypto';
import { localBackendOptions, runShared } from '@s3up/testkit';
import { currentLocalS3 } from '@s3up/testkit/global-setup';
import type { ProvidedTokenServer } from '@s3up/testkit/provided-token-server';
import type { TestProject } from 'vitest/node';
import { createTokenServer, type RunningTokenServer } from '../../src/adapters/node-http.js';
import { createAuditLogger } from '../../src/audit-log.js';
import { jwtAuthenticator } from '../../src/jwt-authenticator.js';

async function start(): Promise<{ server: RunningTokenServer; provided: ProvidedTokenServer }> {
  const local = await currentLocalS3();
  const jwt = { secret: randomBytes(32).toString('base64url'), issuer: 's3up-tests', audience: 's3up' };
  const { listen } = createTokenServer({
    ...localBackendOptions(local),
    authenticate: jwtAuthenticator(jwt),
    scopes: ['upload', 'read', 'list'],
    // Tests' pages are served by vitest on a random port.
    allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
    // The local backend accepts sessions as short as 1 s, so tests can ask for short ones.
    duration: { minSeconds: local.minSessionSeconds, maxSeconds: 3600, defaultSeconds: 900 },
    allowClientDuration: true,
    // A short cache: tests that want fresh sessions get them after 2 s.
    cache: { maxAgeSeconds: 2, refreshWindowSeconds: 60 },
    // Many test files share this server from one IP.
    rateLimit: { perIp: 100_000, perUser: 100_000 },
    audit: createAuditLogger({ level: process.env.S3UP_TOKEN_SERVER_LOG ?? 'silent' }),
  });
  const server = await listen(0, '127.0.0.1');
  return { server, provided: { url: server.url, jwt } };
}

const testServer = runShared('token-server', start, ({ server }) => server.close());

/**
 * vitest globalSetup: a real token server on the run's local cluster (listed after the
 * testkit's setup), one per run, provided as `inject('tokenServer')`.
 */
export default async function setup(project: TestProject) {
  const { value, release } = await testServer.acquire();
  project.provide('tokenServer', value.provided);
  return release;
}
