import express from 'express';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLogger, createTokenRouter } from '../../src/index.js';
import { FAKE_KEYS, FAKE_STS, fakeSts, ok, stsError } from '../support/fake-sts.js';

// STS is faked here only for faults the local backend cannot produce on demand
// (throttling, outages, PackedPolicyTooLarge). Requests to the app under test pass through.
const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (req, print) => {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function appWith(lines: string[] = []) {
  const app = express();
  app.use(
    createTokenRouter({
      bucket: 's3up-uploads',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
      stsEndpoint: FAKE_STS,
      credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 'server-secret-never-logged' },
      authenticate: () => ({ userId: 'alice' }),
      retry: { attempts: 3, baseDelayMs: 1 },
      rateLimit: false,
      audit: createAuditLogger({ destination: { write: (line: string) => void lines.push(line) } }),
    }),
  );
  return app;
}

const AWS_MESSAGE =
  'User arn:aws:iam::123456789012:user/tokensvc is not authorized; policy {"Version":"2012-10-17"}';

describe('STS failures map to generic JSON errors', () => {
  it.each([
    {
      name: 'AWS throttling (400 Throttling)',
      status: 503,
      code: 'sts_unavailable',
      answer: () => stsError(400, 'Throttling', AWS_MESSAGE),
    },
    {
      name: 'a 429',
      status: 503,
      code: 'sts_unavailable',
      answer: () => stsError(429, 'TooManyRequestsException', AWS_MESSAGE),
    },
    {
      name: 'an outage (500)',
      status: 503,
      code: 'sts_unavailable',
      answer: () => stsError(500, 'InternalFailure', AWS_MESSAGE),
    },
    {
      name: 'RGW outage (503 Unknown)',
      status: 503,
      code: 'sts_unavailable',
      answer: () => stsError(503, 'Unknown', AWS_MESSAGE),
    },
    {
      name: 'a dropped connection',
      status: 503,
      code: 'sts_unavailable',
      answer: () => HttpResponse.error(),
    },
    {
      name: 'AccessDenied (trust policy)',
      status: 500,
      code: 'sts_error',
      answer: () => stsError(403, 'AccessDenied', AWS_MESSAGE),
    },
    {
      name: 'RGW refusal (403 Unknown)',
      status: 500,
      code: 'sts_error',
      answer: () => stsError(403, 'Unknown', AWS_MESSAGE),
    },
    {
      name: 'MalformedPolicyDocument',
      status: 500,
      code: 'sts_error',
      answer: () => stsError(400, 'MalformedPolicyDocument', AWS_MESSAGE),
    },
    {
      name: 'PackedPolicyTooLarge',
      status: 500,
      code: 'policy_too_large',
      answer: () => stsError(400, 'PackedPolicyTooLarge', AWS_MESSAGE),
    },
    {
      name: 'RegionDisabledException',
      status: 500,
      code: 'sts_error',
      answer: () => stsError(403, 'RegionDisabledException', AWS_MESSAGE),
    },
    {
      name: 'ExpiredToken (server keys)',
      status: 500,
      code: 'sts_error',
      answer: () => stsError(400, 'ExpiredToken', AWS_MESSAGE),
    },
  ])('$name → $status $code, without the AWS message', async ({ status, code, answer }) => {
    const sts = fakeSts(() => answer());
    server.use(sts.handler);
    const lines: string[] = [];
    const res = await request(appWith(lines)).post('/credentials');
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.stringify(res.body)).not.toMatch(/arn:aws|tokensvc|Version|not authorized/);
    if (status === 503) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Throttling and outages are retried, boundedly: three attempts reach STS.
      expect(sts.received).toHaveLength(3);
    } else {
      expect(sts.received).toHaveLength(1);
    }
    expect(lines.join('\n')).not.toContain('not authorized');
    expect(lines.join('\n')).not.toContain('server-secret-never-logged');
    expect(lines.some((l) => JSON.parse(l).event === 'credentials.refused')).toBe(true);
  });

  it('an STS that never answers ends in a 503 after the bounded attempts', async () => {
    const sts = fakeSts(() => new Promise<Response>(() => {}));
    server.use(sts.handler);
    const app = express();
    app.use(
      createTokenRouter({
        bucket: 's3up-uploads',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
        stsEndpoint: FAKE_STS,
        credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 'x' },
        authenticate: () => ({ userId: 'alice' }),
        retry: { attempts: 2, baseDelayMs: 1, attemptTimeoutMs: 300 },
        rateLimit: false,
        audit: createAuditLogger({ level: 'silent' }),
      }),
    );
    const res = await request(app).post('/credentials');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('sts_unavailable');
    expect(sts.received).toHaveLength(2);
  });

  it('succeeds when throttling clears within the retry budget', async () => {
    const sts = fakeSts((n) => (n < 3 ? stsError(400, 'Throttling', 'Rate exceeded') : ok()));
    server.use(sts.handler);
    const res = await request(appWith()).post('/credentials');
    expect(res.status).toBe(200);
    expect(res.body.accessKeyId).toBe(FAKE_KEYS.accessKeyId);
    expect(sts.received).toHaveLength(3);
  });

  it('sends a regional, per-user AssumeRole with the session policy and a clamped duration', async () => {
    const sts = fakeSts(() => ok());
    server.use(sts.handler);
    const res = await request(appWith()).post('/credentials');
    expect(res.status).toBe(200);
    const body = sts.received[0]!;
    expect(body.get('Action')).toBe('AssumeRole');
    expect(body.get('RoleSessionName')).toBe('s3up-alice');
    expect(body.get('DurationSeconds')).toBe('3600');
    expect(JSON.parse(body.get('Policy')!).Statement[0].Resource).toEqual([
      'arn:aws:s3:::s3up-uploads/users/alice/*',
    ]);
  });

  it('warns in the audit log when PackedPolicySize passes 80%', async () => {
    server.use(fakeSts(() => ok({ packedPolicySize: 85 })).handler);
    const lines: string[] = [];
    expect((await request(appWith(lines)).post('/credentials')).status).toBe(200);
    const issued = lines.map((l) => JSON.parse(l)).find((l) => l.event === 'credentials.issued');
    expect(issued).toMatchObject({
      level: 'warn',
      packedPolicySize: 85,
      userId: 'alice',
      accessKeyId: FAKE_KEYS.accessKeyId,
    });
  });
});
