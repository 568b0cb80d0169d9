// Per-file metadata on the real local backend: x-amz-meta-* and Content-Disposition as
// HeadObject reads them back, for PutObject and for multipart; metadata over S3's 2 KB is
// refused by add() before any request; setMetadata and rename before a queued upload starts.

import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import { FaultProxy } from '@s3up/testkit/fault-proxy';
import type {} from '@s3up/testkit/global-setup';
import type {} from '@s3up/testkit/provided-token-server';
import { MiB, randomBytes } from '@s3up/testkit/random-file';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  contentDisposition,
  decodeMetadataValue,
  isUploadError,
  Uploader,
  type UploaderOptions,
  type UploadTask,
} from '../../src/index.js';
import { settled } from '../support/harness.js';
import { testUser, tokenCredentials } from '../support/token.js';

const local = inject('localS3');
const tokenServer = inject('tokenServer');
const admin = s3Client(local, local.service);
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await FaultProxy.start(local.endpoint);
});
afterAll(async () => {
  await proxy.close();
  admin.destroy();
});

async function uploader(user: string, options: Partial<UploaderOptions> = {}) {
  const credentials = await tokenCredentials(tokenServer, user, {
    rewrite: (body) => ({ ...body, endpoint: proxy.url }),
  });
  return new Uploader({
    credentials,
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    network: null,
    resumeStore: null,
    receipts: false,
    ...options,
  });
}

async function head(key: string) {
  const object = await admin.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }));
  return { metadata: object.Metadata ?? {}, disposition: object.ContentDisposition };
}

const file = (size: number, name: string) => new File([randomBytes(size)], name, { type: 'application/pdf' });
const DESCRIPTION = 'Coucher de soleil à Nice 🌅, "quoted"; and a long tail. '.repeat(4);

describe('per-file metadata on the wire', () => {
  it.each([
    ['PutObject', 64 * 1024, 'PutObject'],
    ['multipart', 11 * MiB, 'CreateMultipartUpload'],
  ])('%s: x-amz-meta-* and Content-Disposition read back with HeadObject', async (_label, size, creating) => {
    const up = await uploader(testUser('meta'));
    const name = 'Été "2026"; plage.pdf';
    const task = up.add(file(size, name), {
      metadata: { title: 'Sunset', description: DESCRIPTION, empty: ' ' },
    });
    expect(task.metadata).toEqual({ title: 'Sunset', description: DESCRIPTION });
    await settled(up, task);
    await up.destroy();
    expect(task.state).toBe('succeeded');
    // On the wire: the request that creates the object carries them, in ASCII.
    const create = proxy.seen.find(
      (r) => r.operation === creating && r.url.includes(encodeURIComponent(task.key!.split('/').at(-1)!)),
    )!;
    expect(create.headers['x-amz-meta-title']).toBe('Sunset');
    expect(create.headers['x-amz-meta-description']).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+$/);
    expect(create.headers['content-disposition']).toBe(contentDisposition(name));
    const stored = await head(task.key!);
    expect(stored.metadata.title).toBe('Sunset');
    expect(decodeMetadataValue(stored.metadata.description!)).toBe(DESCRIPTION);
    // A blank field sends no header.
    expect(stored.metadata).not.toHaveProperty('empty');
    expect(stored.disposition).toBe(contentDisposition(name));
    expect(stored.disposition).toContain("filename*=UTF-8''%C3%89t%C3%A9%20%222026%22%3B%20plage.pdf");
  });

  it('refuses metadata over 2 KB in add(), naming the field and what to cut, and sends nothing', async () => {
    const up = await uploader(testUser('meta-big'));
    const before = proxy.seen.length;
    let error: unknown;
    try {
      up.add(file(1024, 'big.pdf'), { metadata: { title: 'ok', description: 'é'.repeat(1200) } });
    } catch (e) {
      error = e;
    }
    expect(isUploadError(error) && error.code).toBe('invalid-metadata');
    expect((error as Error).message).toMatch(/big\.pdf is \d+ bytes, over S3's limit of 2048/);
    expect((error as Error).message).toMatch(/shorten "description" by \d+ characters/);
    expect(up.tasks).toEqual([]);
    await up.destroy();
    expect(proxy.seen.length).toBe(before);
  });

  it('setMetadata and rename a queued file before it starts; both refused once it has started', async () => {
    const up = await uploader(testUser('meta-late'), { autoStart: false });
    const task: UploadTask = up.add(file(2048, 'image.png'));
    up.rename(task.id, 'Pasted image 2026-12-06 17.42.10\u202e.png');
    up.setMetadata(task.id, { title: 'Whiteboard' });
    expect(() => up.setMetadata(task.id, { Title: 'x' })).toThrow(/use "title"/);
    expect(task.name).toBe('Pasted image 2026-12-06 17.42.10.png');
    up.start();
    await settled(up, task);
    expect(() => up.rename(task.id, 'late.png')).toThrow(/has started/);
    await up.destroy();
    expect(task.state).toBe('succeeded');
    expect(task.key).toContain('Pasted');
    const stored = await head(task.key!);
    expect(stored.metadata.title).toBe('Whiteboard');
    expect(stored.disposition).toBe(
      'inline; filename="Pasted image 2026-12-06 17.42.10.png"; filename*=UTF-8\'\'Pasted%20image%202026-12-06%2017.42.10.png',
    );
  });

  it('contentDisposition: attachment, and false for none', async () => {
    for (const [option, expected] of [
      ['attachment', 'attachment; filename="a.pdf"; filename*=UTF-8\'\'a.pdf'],
      [false, undefined],
    ] as const) {
      const up = await uploader(testUser('meta-disp'), { contentDisposition: option });
      const task = up.add(file(100, 'a.pdf'));
      await settled(up, task);
      await up.destroy();
      expect((await head(task.key!)).disposition).toBe(expected);
    }
  });
});
