import type { AddressInfo } from 'node:net';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { Uploader } from '@s3up/core';
import { localBackendOptions, s3Client } from '@s3up/testkit';
import type {} from '@s3up/testkit/global-setup';
import { mintToken } from '@s3up/testkit/jwt';
import { createAuditLogger, jwtAuthenticator } from '@s3up/token-server';
import { afterAll, expect, inject, it } from 'vitest';
import { createApp } from '../../src/app.js';

const local = inject('localS3');
const jwt = {
  secret: 'example-hono-secret-of-at-least-32-bytes!',
  issuer: 'https://id.example.test',
  audience: 's3up',
};
const received: string[] = [];
const { app, handler } = createApp({
  ...localBackendOptions(local),
  authenticate: jwtAuthenticator(jwt),
  onUploaded: (receipt) => {
    received.push(receipt.key);
    return { id: received.length };
  },
  audit: createAuditLogger({ level: 'silent' }),
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => {
  handler.close();
  server.close();
});

it('a JWT gets credentials from the Hono app; the engine uploads through them, byte-exact, and reports the upload', async () => {
  const user = `hono-${Date.now().toString(36)}`;
  const token = await mintToken(jwt, user);
  const uploader = new Uploader({
    credentials: {
      url: `${base}/s3up/credentials`,
      request: (init) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
    },
    network: null,
    resumeStore: null,
  });
  const bytes = new Uint8Array(200_000);
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  const task = uploader.add(new File([bytes], 'hello.bin'));
  const done = new Promise((resolve) =>
    uploader.addEventListener('upload-succeeded', resolve, { once: true }),
  );
  await done;
  expect(task.key).toMatch(new RegExp(`^users/${user}/`));
  const stored = await s3Client(local, local.service).send(
    new GetObjectCommand({ Bucket: local.bucket, Key: task.key! }),
  );
  expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.from(bytes))).toBe(true);
  expect(task.receipt).toMatchObject({ key: task.key, size: bytes.byteLength, app: { id: 1 } });
  expect(received).toEqual([task.key]);
  // The host app's own route is untouched by the middleware.
  expect(await (await fetch(`${base}/`)).text()).toMatch(/Your app/);
  await uploader.destroy();
});
