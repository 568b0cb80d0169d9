import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import type {} from '@s3up/testkit/global-setup';
import type {} from '@s3up/testkit/provided-token-server';
import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Uploader, type UploaderOptions, type UploadReceipt } from '../../src/index.js';
import { settled } from '../support/harness.js';
import { testUser, tokenCredentials } from '../support/token.js';

// The shared test token server offers receipts (POST /uploads): its /credentials answer says
// so, and the engine reports each success and hands the server's answer to the app.
const local = inject('localS3');
const tokenServer = inject('tokenServer');
const admin = s3Client(local, local.service);
afterAll(() => admin.destroy());

async function uploader(user: string, options: Partial<UploaderOptions> = {}) {
  return new Uploader({
    credentials: await tokenCredentials(tokenServer, user),
    network: null,
    resumeStore: null,
    multipartThreshold: 5 * MiB,
    partSize: 5 * MiB,
    ...options,
  });
}

describe('upload receipts', () => {
  it('after each success the engine reports the key; the server’s receipt is in the success event', async () => {
    const user = testUser('receipt');
    const up = await uploader(user);
    const receipts: (UploadReceipt | undefined)[] = [];
    up.addEventListener('upload-succeeded', (e) => receipts.push(e.detail.receipt));
    const small = randomFile(40_000, 'small.txt');
    const large = randomFile(11 * MiB, 'large.bin');
    const tasks = [up.add(small.file), up.add(large.file)];
    for (const task of tasks) await settled(up, task);
    for (const [i, { bytes }] of [small, large].entries()) {
      const task = tasks[i]!;
      expect(task.state).toBe('succeeded');
      expect(task.warning).toBeUndefined();
      // What the server saw in the bucket, not what the browser claimed.
      expect(task.receipt).toMatchObject({ key: task.key, size: bytes.byteLength, etag: expect.any(String) });
      const stored = await admin.send(new GetObjectCommand({ Bucket: local.bucket, Key: task.key! }));
      expect(sameBytes(await stored.Body!.transformToByteArray(), bytes)).toBe(true);
      expect(task.receipt?.etag).toBe(stored.ETag);
    }
    expect(receipts.map((r) => r?.key).sort()).toEqual(tasks.map((t) => t.key).sort());
    await up.destroy();
  });

  it('receipts: false reports nothing', async () => {
    const up = await uploader(testUser('no-receipt'), { receipts: false });
    const task = up.add(randomFile(1000).file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.receipt).toBeUndefined();
    await up.destroy();
  });

  it('a refused receipt leaves the stored file succeeded, with a warning', async () => {
    const up = await uploader(testUser('bad-receipt'), {
      receipts: { url: `${tokenServer.url}/no-such-route` },
    });
    const { file, bytes } = randomFile(2000);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.receipt).toBeUndefined();
    expect(task.warning?.message).toMatch(/is stored, but .* refused its receipt \(404\)/);
    const stored = await admin.send(new GetObjectCommand({ Bucket: local.bucket, Key: task.key! }));
    expect(sameBytes(await stored.Body!.transformToByteArray(), bytes)).toBe(true);
    await up.destroy();
  });
});
