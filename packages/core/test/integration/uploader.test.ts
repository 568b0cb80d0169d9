import { crc32 } from 'node:zlib';
import { GetObjectCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { s3Client } from '@s3up/testkit';
import { FaultProxy } from '@s3up/testkit/fault-proxy';
import type {} from '@s3up/testkit/global-setup';
import type {} from '@s3up/testkit/provided-token-server';
import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MemoryResumeStore, Uploader, type UploaderOptions, type UploadTask } from '../../src/index.js';
import { settled } from '../support/harness.js';
import { SlowFile } from '../support/slow-file.js';
import { testUser, tokenCredentials } from '../support/token.js';

const local = inject('localS3');
const tokenServer = inject('tokenServer');
// The bucket owner's keys: to read back what the engine stored, and to ask ListParts afterwards.
const admin = s3Client(local, local.service);
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await FaultProxy.start(local.endpoint);
});
afterAll(async () => {
  await proxy.close();
  admin.destroy();
});

async function readBack(key: string): Promise<Uint8Array> {
  const object = await admin.send(new GetObjectCommand({ Bucket: local.bucket, Key: key }));
  return object.Body!.transformToByteArray();
}

/** An uploader for `user` on the real token server, S3 traffic through the counting proxy. */
async function realUploader(
  user: string,
  options: Partial<UploaderOptions> & { durationSeconds?: number; scopes?: string[] } = {},
): Promise<Uploader> {
  const { durationSeconds, scopes, ...rest } = options;
  const credentials = await tokenCredentials(tokenServer, user, {
    ...(durationSeconds ? { durationSeconds } : {}),
    rewrite: (body) => ({ ...body, endpoint: proxy.url }),
    onRequest: (scope) => scopes?.push(scope),
  });
  return new Uploader({
    credentials,
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    retry: { retries: 3, baseDelay: 50, maxDelay: 500 },
    network: null,
    resumeStore: null,
    // Receipts (POST /uploads) have their own file; here the token server sees only credentials requests.
    receipts: false,
    ...rest,
  });
}

function callsFor(uploadId: string | undefined) {
  return proxy.seen.filter((c) => c.uploadId === uploadId);
}

// Independent of the engine (hash-wasm, its own combine): node:zlib, and AWS's own CRC-64/NVME.
async function checksumOf(algorithm: 'CRC32' | 'CRC64NVME', bytes: Uint8Array): Promise<string> {
  if (algorithm === 'CRC64NVME') {
    const hash = new Crc64Nvme();
    hash.update(bytes);
    return Buffer.from(await hash.digest()).toString('base64');
  }
  const c = crc32(bytes);
  return Buffer.from([c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255]).toString('base64');
}

describe('checksums on the local backend (#14 item 8: RGW 16 ignores them, so each is checked against the bytes read back)', () => {
  it.each(['CRC32', 'CRC64NVME'] as const)(
    '%s: every part checksum and the full-object one the engine sends equal independent ones of the bytes RGW stored',
    async (algorithm) => {
      const user = testUser('crc');
      const header = `x-amz-checksum-${algorithm.toLowerCase()}`;
      const up = await realUploader(user, {
        requestChecksumCalculation: 'WHEN_SUPPORTED',
        checksumAlgorithm: algorithm,
      });
      const { file, bytes } = randomFile(12 * MiB + 321, 'crc.bin');
      const task = up.add(file);
      await settled(up, task);
      expect(task.error).toBeUndefined();
      const stored = await readBack(task.key!);
      expect(sameBytes(stored, bytes)).toBe(true);
      // This task's requests only (the proxy saw the other tests' too): its key is in the path.
      const path = `/${local.bucket}/${task.key!.split('/').map(encodeURIComponent).join('/')}`;
      const ofTask = proxy.seen.filter((c) => c.url.split('?')[0] === path);
      const uploadId = ofTask.find(
        (c) => c.operation === 'CompleteMultipartUpload' && c.status === 200,
      )?.uploadId;
      const mine = callsFor(uploadId!);
      const parts = mine.filter((c) => c.operation === 'UploadPart' && c.status === 200);
      expect(parts.map((c) => c.partNumber).sort()).toEqual([1, 2, 3]);
      for (const part of parts) {
        const start = (part.partNumber! - 1) * 5 * MiB;
        expect(part.headers[header]).toBe(
          await checksumOf(algorithm, stored.subarray(start, start + 5 * MiB)),
        );
      }
      const complete = mine.find((c) => c.operation === 'CompleteMultipartUpload')!;
      expect(complete.headers[header]).toBe(await checksumOf(algorithm, stored));
      expect(complete.headers['x-amz-checksum-type']).toBe('FULL_OBJECT');
      expect(
        ofTask.find((c) => c.operation === 'CreateMultipartUpload')?.headers['x-amz-checksum-algorithm'],
      ).toBe(algorithm);
      expect(task.checksum).toEqual({
        algorithm,
        type: 'FULL_OBJECT',
        value: await checksumOf(algorithm, stored),
      });
    },
  );

  it('overwrite: false on PutObject: RGW 16 honours If-None-Match (412), so an existing key is an exists error and keeps its bytes', async () => {
    const user = testUser('once');
    const key = `users/${user}/once.txt`;
    const first = await realUploader(user, { keyFor: () => key });
    const a = randomFile(1000, 'once.txt');
    await settled(first, first.add(a.file));
    const second = await realUploader(user, { keyFor: () => key, overwrite: false });
    const task = second.add(randomFile(1000, 'once.txt').file);
    await settled(second, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('exists');
    expect(task.error?.message).toContain(key);
    expect(sameBytes(await readBack(key), a.bytes)).toBe(true);
  });
});

describe('uploads to the real backend with credentials from the real token server', () => {
  it('stores a small file under the user prefix, byte for byte', async () => {
    const user = testUser('small');
    const up = await realUploader(user);
    const { file, bytes } = randomFile(70_000, 'Résumé café.txt');
    const task = up.add(file);
    await settled(up, task);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(task.key).toMatch(new RegExp(`^users/${user}/[0-9a-z]{16}/Résumé café\\.txt$`));
    expect(sameBytes(await readBack(task.key!), bytes)).toBe(true);
    await up.destroy();
  });

  it('stores a multipart file byte for byte, checking its size with read-scope credentials', async () => {
    const user = testUser('multi');
    const scopes: string[] = [];
    const up = await realUploader(user, { scopes });
    const { file, bytes } = randomFile(13 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.error).toBeUndefined();
    expect(sameBytes(await readBack(task.key!), bytes)).toBe(true);
    // Upload credentials may not HeadObject (no s3:GetObject): the check asked for read ones.
    expect(scopes).toEqual(['upload', 'read']);
    await up.destroy();
  });

  it('keeps one UploadId to the end while credentials expire every 3 s of a longer upload', async () => {
    const user = testUser('expiry');
    const scopes: string[] = [];
    const up = await realUploader(user, { durationSeconds: 3, concurrency: 2, scopes });
    const bytes = randomFile(20 * MiB).bytes;
    // About 2.5 MiB/s per part, two parts at once: 4 s or more, past the sessions' life.
    const file = new SlowFile(bytes, 'long.bin', 2.5 * MiB);
    const started = Date.now();
    const from = proxy.seen.length;
    const task = up.add(file);
    await settled(up, task);
    expect(task.error).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThan(3000);
    const calls = proxy.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'CreateMultipartUpload')).toHaveLength(1);
    // Every part request and the completion carry the same UploadId.
    const uploadIds = new Set(calls.filter((c) => c.uploadId).map((c) => c.uploadId));
    expect(uploadIds.size).toBe(1);
    expect(
      calls
        .filter((c) => c.operation === 'UploadPart' && c.status === 200)
        .map((c) => c.partNumber)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(calls.filter((c) => c.operation === 'CompleteMultipartUpload').map((c) => c.status)).toEqual([
      200,
    ]);
    // The sessions did expire along the way: the engine fetched new ones.
    expect(scopes.filter((s) => s === 'upload').length).toBeGreaterThanOrEqual(2);
    expect(sameBytes(await readBack(task.key!), bytes)).toBe(true);
    await up.destroy();
  });

  it('resumes from a persisted record with fresh credentials, sending only the missing parts', async () => {
    const user = testUser('resume');
    const store = new MemoryResumeStore();
    const bytes = randomFile(20 * MiB).bytes;
    const first = await realUploader(user, { concurrency: 1, resumeStore: store });
    const slow = new SlowFile(bytes, 'resume.bin', 8 * MiB);
    const interrupted = first.add(slow);
    // With one connection, part 3 starts only after part 2 is stored: pause inside part 3.
    await new Promise<void>((resolve) =>
      first.addEventListener('upload-progress', () => {
        if (interrupted.bytesUploaded > 10 * MiB + 512 * 1024 && interrupted.state === 'uploading') {
          // At once: the "reload" below keeps no part in flight.
          first.pause(interrupted.id, { now: true });
          resolve();
        }
      }),
    );
    // The page "reloads": the first uploader is gone without cancelling; only the store remains.
    const record = store.list()[0]!;
    expect(record.key).toBe(interrupted.key);
    await new Promise((r) => setTimeout(r, 300));

    const second = await realUploader(user, { concurrency: 1, resumeStore: store });
    const file = new File([bytes], 'resume.bin', {
      type: 'application/octet-stream',
      lastModified: 1_700_000_000_000,
    });
    const before = callsFor(record.uploadId).length;
    const task: UploadTask = second.add(file);
    await settled(second, task);
    expect(task.error).toBeUndefined();
    expect(task.resumed).toBe(true);
    expect(task.key).toBe(record.key);
    const after = callsFor(record.uploadId).slice(before);
    expect(after[0]?.operation).toBe('ListParts');
    expect(after.filter((c) => c.operation === 'UploadPart').map((c) => c.partNumber)).toEqual([3, 4]);
    expect(
      proxy.seen.filter((c) => c.operation === 'CreateMultipartUpload' && c.uploadId === null).length,
    ).toBeGreaterThan(0);
    expect(sameBytes(await readBack(task.key!), bytes)).toBe(true);
    expect(store.list()).toEqual([]);
    await second.destroy();
  });

  it('cancel leaves ListParts answering NoSuchUpload (NoSuchKey on Ceph)', async () => {
    const user = testUser('cancel');
    const store = new MemoryResumeStore();
    const up = await realUploader(user, { resumeStore: store, concurrency: 2 });
    const file = new SlowFile(randomFile(20 * MiB).bytes, 'cancel.bin', 4 * MiB);
    const task = up.add(file);
    await new Promise<void>((resolve) =>
      up.addEventListener('upload-progress', () => {
        if (task.bytesUploaded > 2 * MiB) resolve();
      }),
    );
    const record = store.list()[0]!;
    await up.cancel(task.id);
    expect(task.state).toBe('cancelled');
    expect(callsFor(record.uploadId).filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(1);
    const status = await admin
      .send(new ListPartsCommand({ Bucket: local.bucket, Key: record.key, UploadId: record.uploadId }))
      .then(
        () => 'exists',
        (error: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
          `${error.$metadata?.httpStatusCode} ${error.name}`,
      );
    // AWS answers NoSuchUpload; Ceph RGW 16 answers NoSuchKey for an aborted upload id.
    expect(status).toMatch(/^404 NoSuch(Upload|Key)$/);
    expect(store.list()).toEqual([]);
    await up.destroy();
  });

  it('fails with a credentials error, after one request, when the token server refuses the user', async () => {
    const up = new Uploader({
      credentials: {
        url: `${tokenServer.url}/credentials`,
        request: (init) => ({
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: 'Bearer nope' },
        }),
      },
      network: null,
      resumeStore: null,
    });
    const task = up.add(randomFile(100).file);
    await settled(up, task);
    expect(task.error?.code).toBe('credentials');
    expect(task.error?.status).toBe(401);
    await up.destroy();
  });
});
