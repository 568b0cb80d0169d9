// @s3up/react under React 18, which sets only attributes on custom elements: through
// @lit/react the props still arrive as properties, events reach their handlers, and a
// controlled value narrows the element. The real token server and local backend.
import type { S3Upload as S3UploadElement } from '@s3up/element';
import { createS3Upload } from '@s3up/react';
import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import * as React from 'react-18';
import { flushSync } from 'react-dom-18';
import { createRoot } from 'react-dom-18/client';
import { expect, inject, it } from 'vitest';

const tokenServer = inject('tokenServer');
// (The namespace import lacks the `default` of the type createS3Upload names; the module is the same.)
const S3Upload = createS3Upload(React as unknown as Parameters<typeof createS3Upload>[0]);

it('React 18 sets props as properties, hears the upload events, and drives a controlled value', async () => {
  expect(React.version).toMatch(/^18\./);
  const user = `react18-${crypto.randomUUID().slice(0, 8)}`;
  const token = await mintToken(tokenServer.jwt, user, { expiresIn: '10m' });
  const auth = (init: RequestInit): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  const seen: string[] = [];
  let el: S3UploadElement | null = null;
  const render = (value: readonly string[] | undefined) =>
    flushSync(() =>
      root.render(
        React.createElement(S3Upload, {
          ref: (node: S3UploadElement | null) => {
            el = node;
          },
          endpoint: `${tokenServer.url}/credentials`,
          credentialsRequest: auth,
          maxFileSize: '1 KB',
          multiple: true,
          value,
          onUploadStarted: (e) => seen.push(`started ${e.detail.task.name}`),
          onUploadSucceeded: (e) => seen.push(`succeeded ${e.detail.task.name}`),
          onChange: (e) => seen.push(`change ${e.detail.value.length}`),
          onAllDone: (e) => seen.push(`all-done ${e.detail.keys.length}`),
        }),
      ),
    );
  render(undefined);
  const element = el as unknown as S3UploadElement;
  await element.updateComplete;
  // Properties, not attributes: a function and a parsed size.
  expect(element.credentialsRequest).toBe(auth);
  expect(element.maxFileSize).toBe(1000);
  expect(element.hasAttribute('credentialsrequest')).toBe(false);

  const a = new File([seededBytes(600, 1)], 'a.bin');
  const b = new File([seededBytes(800, 2)], 'b.bin');
  element.addFiles([a, b]);
  await expect.poll(() => element.value.length, { timeout: 20_000 }).toBe(2);
  await expect.poll(() => seen.filter((s) => s.startsWith('all-done'))).toEqual(['all-done 2']);
  expect(seen.filter((s) => s.startsWith('succeeded')).sort()).toEqual([
    'succeeded a.bin',
    'succeeded b.bin',
  ]);
  expect(seen).toContain('change 2');

  // The object holds the file's bytes.
  const [keyA, keyB] = element.value as [string, string];
  const presigned = await fetch(`${tokenServer.url}/presign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method: 'GET', key: keyA.slice(`users/${user}/`.length), expiresIn: 60 }),
  });
  const { url } = (await presigned.json()) as { url: string };
  expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(seededBytes(600, 1));

  // A controlled value from React 18 state narrows the list.
  render([keyB]);
  expect(element.value).toEqual([keyB]);
  root.unmount();
});
