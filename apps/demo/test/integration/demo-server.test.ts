import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
// inject('localS3') is typed by the testkit's globalSetup.
import type {} from '@s3up/testkit/global-setup';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localBackend } from '../../src/server/backend-config.js';
import { type DemoServer, startDemoServer } from '../../src/server/demo-server.js';
import { demoTokenService } from '../../src/server/token-service.js';

const local = inject('localS3');
const user = `carol-${randomBytes(3).toString('hex')}`;
let demo: DemoServer;

beforeAll(async () => {
  // API only: the browser flows are in test/e2e.
  demo = await startDemoServer({
    backend: localBackend(local),
    tokenService: demoTokenService(),
    web: false,
  });
});
afterAll(() => demo?.close());

/** The fields these tests read from the demo's and the token server's answers. */
interface Answer {
  token: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  prefix: string;
  scope: string;
  bucket: string;
  error: { code: string; message: string };
}

async function post(path: string, body: unknown, token?: string) {
  const response = await fetch(`${demo.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer,
  };
}

describe('the demo server API on the real backend', () => {
  it('signs in a named user and the token server accepts that JWT: credentials for users/<id>/ only', async () => {
    const session = await post('/api/session', { user });
    expect(session.status).toBe(200);
    expect(session.headers.get('cache-control')).toBe('no-store');
    const upload = await post('/api/credentials', {}, session.body.token);
    expect(upload.status).toBe(200);
    expect(upload.body).toMatchObject({ prefix: `users/${user}/`, scope: 'upload', bucket: local.bucket });
    const { accessKeyId, secretAccessKey, sessionToken } = upload.body;
    const s3 = s3Client(local, { accessKeyId, secretAccessKey, sessionToken });
    const put = (Key: string) =>
      s3.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'x' })).then(
        () => 200,
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    expect(await put(`users/${user}/ok.txt`)).toBe(200);
    expect(await put(`users/not-${user}/nope.txt`)).toBe(403);
    s3.destroy();
    for (const scope of ['list', 'read']) {
      expect((await post('/api/credentials', { scope }, session.body.token)).body.scope).toBe(scope);
    }
  });

  it('refuses a name that is not a safe user id, and a request without a token', async () => {
    const bad = await post('/api/session', { user: 'a*' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    expect(bad.body.error.message).toMatch(/lowercase letters/);
    expect((await post('/api/credentials', {})).status).toBe(401);
  });

  it('serves the audit lines of issuances and refusals, newer than a sequence number', async () => {
    const response = await fetch(`${demo.url}/api/audit?after=0`);
    const { entries, lastSeq } = (await response.json()) as {
      entries: { seq: number; line: Record<string, unknown> }[];
      lastSeq: number;
    };
    expect(entries.some((e) => e.line.event === 'credentials.issued' && e.line.userId === user)).toBe(true);
    expect(entries.some((e) => e.line.event === 'credentials.refused' && e.line.status === 401)).toBe(true);
    // Secrets never reach the panel.
    expect(JSON.stringify(entries)).not.toMatch(/secretAccessKey|sessionToken/);
    const later = (await (await fetch(`${demo.url}/api/audit?after=${lastSeq}`)).json()) as {
      entries: unknown[];
    };
    expect(later.entries).toEqual([]);
  });

  it("tells the page the share-link limit: the local role's 12 h session", async () => {
    const config = (await (await fetch(`${demo.url}/api/config`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ backend: 'local', bucket: local.bucket, shareMaxSeconds: 43_200 });
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const response = await fetch(`${demo.url}/api/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
