import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Uploader } from '@s3up/core';
import { localBackendOptions, s3Client } from '@s3up/testkit';
import type {} from '@s3up/testkit/global-setup';
import { mintToken } from '@s3up/testkit/jwt';
import { createAuditLogger, jwtAuthenticator } from '@s3up/token-server';
import { afterAll, expect, inject, it } from 'vitest';
import { createApp } from '../../src/app.js';

const local = inject('localS3');
const jwt = {
  secret: 'example-fastify-secret-of-at-least-32-b',
  issuer: 'https://id.example.test',
  audience: 's3up',
};
const { app } = await createApp({
  ...localBackendOptions(local),
  authenticate: jwtAuthenticator(jwt),
  audit: createAuditLogger({ level: 'silent' }),
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
afterAll(() => app.close());

it('a JWT gets credentials from the Fastify plugin; a multipart upload through them reads back byte-exact', async () => {
  const user = `fastify-${Date.now().toString(36)}`;
  const token = await mintToken(jwt, user);
  const uploader = new Uploader({
    credentials: {
      url: `${base}/s3up/credentials`,
      request: (init) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
    },
    network: null,
    resumeStore: null,
    multipartThreshold: 5 * 1024 * 1024,
    partSize: 5 * 1024 * 1024,
  });
  const bytes = new Uint8Array(11 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  const task = uploader.add(new File([bytes], 'big.bin'));
  await new Promise((resolve) => uploader.addEventListener('upload-succeeded', resolve, { once: true }));
  const stored = await s3Client(local, local.service).send(
    new GetObjectCommand({ Bucket: local.bucket, Key: task.key! }),
  );
  expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true);
  expect(task.receipt?.size).toBe(bytes.byteLength);
  // The host's own JSON route still parses JSON: the plugin's raw-body parser is encapsulated.
  const echo = await fetch(`${base}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  expect(await echo.json()).toEqual({ youSent: { a: 1 } });
  await uploader.destroy();
});
