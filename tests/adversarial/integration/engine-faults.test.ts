import { randomBytes } from 'node:crypto';
import { ListPartsCommand } from '@aws-sdk/client-s3';
import { FaultProxy } from '@s3up/testkit/fault-proxy';
import { MiB, randomFile } from '@s3up/testkit/random-file';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { engineFor, settled } from '../support/engine-under-test.js';
import { bytesOf, exists, ownerClient } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Cases 17, 18 and 19: S3 faults the real backend cannot produce on demand, injected by a
// proxy in front of the real RGW; everything else (the multipart upload, the bytes, the
// abort) happens on the real backend.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');

const s3Error = (status: number, code: string) => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the adversarial suite</Message><RequestId>adv</RequestId></Error>`,
});

let s3: FaultProxy;
let server: TokenServerUnderTest;

beforeAll(async () => {
  s3 = await FaultProxy.start(local.endpoint);
  // The credentials answer points the engine at the proxy; STS goes to the real backend.
  server = await TokenServerUnderTest.start(local, {
    // `read` too: the engine checks the stored size with HeadObject (verify: true).
    server: { endpoint: s3.url, stsEndpoint: local.endpoint, scopes: ['upload', 'read'] },
  });
});
afterAll(async () => {
  await server?.close();
  await s3?.close();
});
afterEach(() => {
  s3.rule = () => undefined;
});

/** Whether the multipart upload still exists, asked by the bucket owner. */
async function listPartsStatus(key: string, uploadId: string): Promise<string> {
  try {
    await ownerClient(local).send(
      new ListPartsCommand({ Bucket: local.bucket, Key: key, UploadId: uploadId }),
    );
    return '200';
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${e.$metadata?.httpStatusCode} ${e.name}`;
  }
}

describe('case 17: a part answering 500 or SlowDown is retried; a 403 is not', () => {
  it('a 500 on part 2 and a SlowDown on part 3 (first attempts): retried, one UploadId, bytes exact', async () => {
    const from = s3.seen.length;
    s3.rule = (r, seen) => {
      if (r.operation !== 'UploadPart') return undefined;
      const earlier = seen
        .slice(from, -1)
        .filter((s) => s.operation === 'UploadPart' && s.partNumber === r.partNumber);
      if (earlier.length > 0) return undefined;
      if (r.partNumber === 2) return s3Error(500, 'InternalError');
      if (r.partNumber === 3) return s3Error(503, 'SlowDown');
      return undefined;
    };
    const { uploader } = engineFor(server, `retry${run}`);
    const { file, bytes } = randomFile(12 * MiB, 'retried.bin');
    const task = await settled(uploader, uploader.add(file));
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    const calls = s3.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'CreateMultipartUpload')).toHaveLength(1);
    expect(new Set(calls.filter((c) => c.uploadId).map((c) => c.uploadId)).size).toBe(1);
    const parts = calls
      .filter((c) => c.operation === 'UploadPart')
      .map((r) => r.partNumber)
      .sort();
    expect(parts).toEqual([1, 2, 2, 3, 3]);
    expect(calls.filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(0);
    expect((await bytesOf(local, task.key!)).equals(bytes)).toBe(true);
    await uploader.destroy();
  });

  it('a 403 on part 2: not retried, reported as access-denied, nothing stored; cancel() then aborts exactly once', async () => {
    const from = s3.seen.length;
    s3.rule = (r) =>
      r.operation === 'UploadPart' && r.partNumber === 2 ? s3Error(403, 'AccessDenied') : undefined;
    const { uploader } = engineFor(server, `deny${run}`);
    const failed: string[] = [];
    uploader.addEventListener('upload-failed', (e) => failed.push(e.detail.error.code));
    const task = await settled(uploader, uploader.add(randomFile(12 * MiB, 'denied.bin').file));
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('access-denied');
    expect(failed).toEqual(['access-denied']);
    // The engine keeps a failed upload for retry(); cancel() gives it up. (That it is not
    // aborted at once, as the issue asks, nor by remove(), is FINDINGS.md F5.)
    await uploader.cancel(task.id);
    const calls = s3.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'UploadPart' && c.partNumber === 2)).toHaveLength(1);
    expect(calls.filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(1);
    const uploadId = calls.find((c) => c.operation === 'AbortMultipartUpload')!.uploadId!;
    const key = decodeURIComponent(new URL(calls.find((c) => c.uploadId)!.url, 'http://x').pathname).slice(
      local.bucket.length + 2,
    );
    expect(await listPartsStatus(key, uploadId)).toMatch(/^404 NoSuch(Upload|Key)$/);
    expect(await exists(local, key)).toBe(false);
    await uploader.destroy();
  });
});

describe('case 18: a part failing for good', () => {
  it('remove() of a failed multipart task aborts it exactly once (fixed by core d8fc843; FINDINGS.md F5)', async () => {
    const from = s3.seen.length;
    s3.rule = (r) =>
      r.operation === 'UploadPart' && r.partNumber === 2 ? s3Error(403, 'AccessDenied') : undefined;
    const { uploader } = engineFor(server, `remove${run}`);
    const task = await settled(uploader, uploader.add(randomFile(12 * MiB).file));
    expect(task.state).toBe('failed');
    await uploader.remove(task.id);
    expect(s3.seen.slice(from).filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(1);
    await uploader.destroy();
  });

  it('500 on every attempt of part 2: failed (server) after 4 attempts; cancel() aborts exactly once, then ListParts answers NoSuchUpload', async () => {
    const from = s3.seen.length;
    s3.rule = (r) =>
      r.operation === 'UploadPart' && r.partNumber === 2 ? s3Error(500, 'InternalError') : undefined;
    const { uploader } = engineFor(server, `broken${run}`);
    const task = await settled(uploader, uploader.add(randomFile(12 * MiB, 'broken.bin').file));
    expect(task.state).toBe('failed');
    // Contract: `server` (5xx after every retry). Under CPU load the engine has once been
    // seen to report `network` here (README, "weak spots"); both stop the upload.
    expect(['server', 'network']).toContain(task.error?.code);
    await uploader.cancel(task.id);
    const calls = s3.seen.slice(from);
    // The configured 3 retries: 4 attempts, then no more.
    expect(calls.filter((c) => c.operation === 'UploadPart' && c.partNumber === 2)).toHaveLength(4);
    expect(calls.filter((c) => c.operation === 'CompleteMultipartUpload')).toHaveLength(0);
    const aborts = calls.filter((c) => c.operation === 'AbortMultipartUpload');
    expect(aborts).toHaveLength(1);
    const key = decodeURIComponent(new URL(aborts[0]!.url, 'http://x').pathname).slice(
      local.bucket.length + 2,
    );
    expect(await listPartsStatus(key, aborts[0]!.uploadId!)).toMatch(/^404 NoSuch(Upload|Key)$/);
    expect(await exists(local, key)).toBe(false);
    await uploader.destroy();
  });
});

describe('case 19: Complete answering 200 with an error body', () => {
  it('is reported as a failure, never as uploaded, and nothing is in the bucket', async () => {
    const from = s3.seen.length;
    s3.rule = (r) =>
      r.operation === 'CompleteMultipartUpload'
        ? { ...s3Error(200, 'InternalError'), status: 200 }
        : undefined;
    const { uploader } = engineFor(server, `complete${run}`);
    const succeeded: string[] = [];
    uploader.addEventListener('upload-succeeded', (e) => succeeded.push(e.detail.key));
    const task = await settled(uploader, uploader.add(randomFile(11 * MiB, 'complete.bin').file));
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('server');
    expect(succeeded).toEqual([]);
    const calls = s3.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'CompleteMultipartUpload').length).toBeGreaterThanOrEqual(1);
    const key = decodeURIComponent(new URL(calls.find((c) => c.uploadId)!.url, 'http://x').pathname).slice(
      local.bucket.length + 2,
    );
    expect(await exists(local, key)).toBe(false);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  });
});

describe('cases 17 and 18: a failed upload is aborted without the app asking', () => {
  it.each([
    ['a 403 on part 2', 403, 'AccessDenied'],
    ['a 500 on every attempt of part 2', 500, 'InternalError'],
  ])(
    '%s: exactly one AbortMultipartUpload, done before the failure is reported',
    async (_name, status, code) => {
      const from = s3.seen.length;
      s3.rule = (r) =>
        r.operation === 'UploadPart' && r.partNumber === 2 ? s3Error(status, code) : undefined;
      const { uploader } = engineFor(server, `abort${status}${run}`);
      const task = await settled(uploader, uploader.add(randomFile(12 * MiB).file));
      expect(task.state).toBe('failed');
      expect(s3.seen.slice(from).filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(1);
      await uploader.destroy();
      expect(s3.seen.slice(from).filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(1);
    },
  );
});

describe('case 21, as AWS answers it: a Complete sent again after its answer was lost', () => {
  it('RGW stored the object, the re-sent Complete is answered NoSuchUpload: succeeded once HeadObject finds it whole, bytes exact', async () => {
    // RGW answers a re-sent Complete with 200; AWS answers NoSuchUpload. The proxy plays AWS.
    const from = s3.seen.length;
    let completes = 0;
    s3.rule = (r) => {
      if (r.operation !== 'CompleteMultipartUpload') return undefined;
      completes += 1;
      return completes === 1 ? { dropAnswer: true } : s3Error(404, 'NoSuchUpload');
    };
    const { uploader } = engineFor(server, `lostcomplete${run}`);
    const { file, bytes } = randomFile(11 * MiB, 'lost-complete.bin');
    const task = await settled(uploader, uploader.add(file));
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(true);
    const calls = s3.seen.slice(from);
    // The first Complete was answered to nobody (the proxy cut it); the second got AWS's 404.
    expect(calls.filter((c) => c.operation === 'CompleteMultipartUpload').map((c) => c.status)).toEqual([
      undefined,
      404,
    ]);
    expect(calls.filter((c) => c.operation === 'HeadObject').length).toBeGreaterThanOrEqual(1);
    expect((await bytesOf(local, task.key!)).equals(bytes)).toBe(true);
    await uploader.destroy();
  });
});

describe('case 10: what the engine reported', () => {
  it('no failure, cause or task the engine reported carries a secret, a JWT or policy text', () => {
    // Every test above ran engines on this server: their failures (with causes) are here.
    expect(server.engineOutput.filter((r) => r.includes('UploadError')).length).toBeGreaterThan(3);
    expect(server.leaks()).toEqual([]);
  });
});
