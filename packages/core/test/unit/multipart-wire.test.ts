import { crc32 } from 'node:zlib';
import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { isUploadError } from '../../src/index.js';
import { type FakeS3, PREFIX, s3Error } from '../support/fake-s3.js';
import { settled, testUploader, useFakeS3 } from '../support/harness.js';

vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();

describe('the order of S3 operations on the wire', () => {
  it('sends a small file in one PutObject and checks its size with HeadObject', async () => {
    const s3 = wire.reset();
    const up = testUploader();
    const { file, bytes } = randomFile(1000, 'note.txt');
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops()).toEqual(['PutObject', 'HeadObject']);
    expect(task.key).toMatch(new RegExp(`^${PREFIX}[0-9a-z]{16}/note\\.txt$`));
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
    expect(task.bytesUploaded).toBe(1000);
  });

  it('uploads an empty file', async () => {
    const s3 = wire.reset();
    const up = testUploader();
    const task = up.add(new File([], 'empty.txt'));
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops()).toEqual(['PutObject', 'HeadObject']);
    expect(s3.objects.get(task.key!)?.length).toBe(0);
  });

  it('creates, sends every part with its size, completes with the parts in order, then checks the size', async () => {
    const s3 = wire.reset();
    const up = testUploader();
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.error).toBeUndefined();
    const ops = s3.ops();
    expect(ops[0]).toBe('CreateMultipartUpload');
    expect(ops.slice(1, 4).sort()).toEqual(['UploadPart 1', 'UploadPart 2', 'UploadPart 3']);
    expect(ops.slice(4)).toEqual(['CompleteMultipartUpload', 'HeadObject']);
    const sizes = Object.fromEntries(
      s3.calls.filter((c) => c.op === 'UploadPart').map((c) => [c.partNumber, c.size]),
    );
    expect(sizes).toEqual({ 1: 5 * MiB, 2: 5 * MiB, 3: 2 * MiB });
    expect(s3.calls.find((c) => c.op === 'CompleteMultipartUpload')?.parts).toEqual([1, 2, 3]);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('sends a CRC32 with each part when the endpoint says WHEN_SUPPORTED', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    const up = testUploader();
    const task = up.add(new File([new Uint8Array(6 * MiB)], 'zeros.bin'));
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    const parts = s3.calls.filter((c) => c.op === 'UploadPart');
    // Checked against Node's own CRC-32 (zlib), big-endian, base64, as S3 expects.
    const crc = (size: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(crc32(new Uint8Array(size)));
      return b.toString('base64');
    };
    expect(parts.map((c) => [c.partNumber, c.checksum]).sort()).toEqual([
      [1, crc(5 * MiB)],
      [2, crc(1 * MiB)],
    ]);
  });

  it('keeps at most `concurrency` requests in flight across all files', async () => {
    const s3 = wire.reset();
    s3.partDelay = 30;
    // flightTime 0 lifts the time bound (#20), so only the concurrency cap limits the flight:
    // this whole upload takes less time than the engine needs to measure the link, and with
    // the time bound on it would rightly send one part at a time (flight-controller tests).
    const up = testUploader({ concurrency: 3, flightTime: 0 });
    const tasks = [up.add(randomFile(16 * MiB, 'a.bin').file), up.add(randomFile(16 * MiB, 'b.bin').file)];
    await Promise.all(tasks.map((t) => settled(up, t)));
    expect(tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    expect(s3.maxInFlight).toBe(3);
  });
});

describe('retries', () => {
  it('retries a part that got a 500 and completes with the right bytes', async () => {
    const s3 = wire.reset();
    s3.fault = (call, attempt) =>
      call.op === 'UploadPart' && call.partNumber === 2 && attempt === 1
        ? s3Error(500, 'InternalError')
        : undefined;
    const up = testUploader();
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops().filter((op) => op === 'UploadPart 2')).toHaveLength(2);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('gives up after the configured retries on 5xx and SlowDown, without completing', async () => {
    const s3 = wire.reset();
    s3.fault = (call) =>
      call.op === 'UploadPart' && call.partNumber === 3 ? s3Error(503, 'SlowDown') : undefined;
    const up = testUploader({ retry: { retries: 2, baseDelay: 1, maxDelay: 2 } });
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('server');
    expect(isUploadError(task.error)).toBe(true);
    expect(s3.ops().filter((op) => op === 'UploadPart 3')).toHaveLength(3);
    expect(s3.count('CompleteMultipartUpload')).toBe(0);
    // A failure for good aborts the multipart upload, once, after the in-flight parts settled.
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(s3.ops().at(-1)).toBe('AbortMultipartUpload');
    expect(s3.uploads.size).toBe(0);
  });

  it('does not retry a 403, and says what to fix', async () => {
    const s3 = wire.reset();
    s3.fault = (call) => (call.op === 'UploadPart' ? s3Error(403, 'AccessDenied') : undefined);
    const up = testUploader({ concurrency: 1 });
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.error?.code).toBe('access-denied');
    expect(task.error?.message).toMatch(/prefix/);
    expect(s3.count('UploadPart')).toBe(1);
  });

  it('aborts a failed multipart upload once, and retry() starts a new one', async () => {
    const s3 = wire.reset();
    let broken = true;
    s3.fault = (call) =>
      broken && call.op === 'UploadPart' && call.partNumber === 3
        ? s3Error(400, 'InvalidArgument')
        : undefined;
    const up = testUploader({ concurrency: 1 });
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.error?.code).toBe('request');
    // Failed means the server holds nothing for it any more: parts 1 and 2 were not left behind.
    expect(s3.ops()).toEqual([
      'CreateMultipartUpload',
      'UploadPart 1',
      'UploadPart 2',
      'UploadPart 3',
      'AbortMultipartUpload',
    ]);
    broken = false;
    up.retry(task.id);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops().slice(5)).toEqual([
      'CreateMultipartUpload',
      'UploadPart 1',
      'UploadPart 2',
      'UploadPart 3',
      'CompleteMultipartUpload',
      'HeadObject',
    ]);
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('refreshes the credentials once on ExpiredToken and resends that part', async () => {
    const s3 = wire.reset();
    s3.fault = (call, attempt) =>
      call.op === 'UploadPart' && call.partNumber === 2 && attempt === 1
        ? s3Error(400, 'ExpiredToken')
        : undefined;
    const up = testUploader({ concurrency: 1 });
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.credentialRequests).toHaveLength(2);
    expect(s3.ops().filter((op) => op === 'UploadPart 2')).toHaveLength(2);
    // The same multipart upload to the end.
    expect(new Set(s3.calls.filter((c) => c.uploadId).map((c) => c.uploadId)).size).toBe(1);
  });

  it('fails with a credentials error when ExpiredToken persists after the refresh (no refresh loop)', async () => {
    const s3 = wire.reset();
    s3.fault = (call) => (call.op === 'PutObject' ? s3Error(400, 'ExpiredToken') : undefined);
    const up = testUploader();
    const task = up.add(randomFile(100).file);
    await settled(up, task);
    expect(task.error?.code).toBe('credentials');
    expect(s3.credentialRequests).toHaveLength(2);
    expect(s3.count('PutObject')).toBe(2);
  });

  it('treats a 200 with an error body on Complete as a failure: retried, never reported as success', async () => {
    const s3 = wire.reset();
    const error200 = () =>
      s3Error(200, 'InternalError', 'We encountered an internal error. Please try again.');
    s3.fault = (call) => (call.op === 'CompleteMultipartUpload' ? error200() : undefined);
    const up = testUploader({ retry: { retries: 1, baseDelay: 1, maxDelay: 2 } });
    const succeeded = vi.fn();
    up.addEventListener('upload-succeeded', succeeded);
    const task = up.add(randomFile(6 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('server');
    // The SDK turns the error body into an error (S3's InternalError); the engine retries it like a 5xx.
    expect(task.error?.message).toMatch(/CompleteMultipartUpload .* InternalError/);
    expect(succeeded).not.toHaveBeenCalled();
    expect(s3.count('CompleteMultipartUpload')).toBe(2);
    expect(s3.objects.size).toBe(0);

    // Once the server recovers, retry() completes the same upload.
    s3.fault = (call, attempt) =>
      call.op === 'CompleteMultipartUpload' && attempt === 1 ? error200() : undefined;
    up.retry(task.id);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.objects.has(task.key!)).toBe(true);
  });

  it("Complete's answer lost, the re-sent Complete answered NoSuchUpload: the whole object is there, so succeeded", async () => {
    // AWS answers a Complete sent again for an upload it already completed with NoSuchUpload.
    const s3 = wire.reset();
    s3.loseAnswer = (call, attempt) => call.op === 'CompleteMultipartUpload' && attempt === 1;
    const up = testUploader();
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(s3.count('CompleteMultipartUpload')).toBe(2);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('a re-sent Complete answered NoSuchUpload while the key holds something else: failed (no-such-upload), never succeeded', async () => {
    const s3 = wire.reset();
    s3.loseAnswer = (call, attempt) => {
      if (call.op !== 'CompleteMultipartUpload' || attempt !== 1) return false;
      // Another writer replaces the object before the engine looks.
      s3.objects.set(call.key, new Uint8Array(10));
      return true;
    };
    const up = testUploader();
    const succeeded = vi.fn();
    up.addEventListener('upload-succeeded', succeeded);
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('no-such-upload');
    expect(succeeded).not.toHaveBeenCalled();
  });

  it('a first Complete answered NoSuchUpload (the upload is gone) fails as no-such-upload without asking HeadObject', async () => {
    const s3 = wire.reset();
    s3.fault = (call) => (call.op === 'CompleteMultipartUpload' ? s3Error(404, 'NoSuchUpload') : undefined);
    const up = testUploader();
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('no-such-upload');
    expect(s3.count('HeadObject')).toBe(0);
  });

  it('reports a part answer without ETag as the bucket CORS not exposing it', async () => {
    const s3 = wire.reset();
    s3.fault = (call) => (call.op === 'UploadPart' ? new HttpResponse(null, { status: 200 }) : undefined);
    const up = testUploader({ concurrency: 1 });
    const task = up.add(randomFile(6 * MiB).file);
    await settled(up, task);
    expect(task.error?.code).toBe('cors-etag');
    expect(task.error?.message).toMatch(/CORS must expose the ETag/);
  });

  it('fails with an integrity error when HeadObject reports another size', async () => {
    const s3 = wire.reset();
    s3.fault = (call) =>
      call.op === 'HeadObject'
        ? new HttpResponse(null, { status: 200, headers: { 'content-length': '5' } })
        : undefined;
    const up = testUploader();
    const task = up.add(randomFile(100).file);
    await settled(up, task);
    expect(task.error?.code).toBe('integrity');
    expect(task.error?.message).toMatch(/100/);
  });

  it('asks for read-scope credentials when upload credentials may not HeadObject', async () => {
    const s3 = wire.reset();
    s3.fault = (call) => {
      const scope = s3.credentialRequests.at(-1)?.scope;
      return call.op === 'HeadObject' && scope !== 'read'
        ? new HttpResponse(null, { status: 403 })
        : undefined;
    };
    const up = testUploader();
    const task = up.add(randomFile(100).file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(true);
    expect(s3.credentialRequests.map((r) => r.scope)).toEqual(['upload', 'read']);
  });

  it('sends no HeadObject doomed to a 403 (red in the console) when the answer says the upload scope may not read (#20)', async () => {
    const s3 = wire.reset();
    s3.actions = {
      upload: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      read: ['s3:GetObject'],
    };
    s3.fault = (call) => {
      const scope = s3.credentialRequests.at(-1)?.scope;
      return call.op === 'HeadObject' && scope !== 'read'
        ? new HttpResponse(null, { status: 403 })
        : undefined;
    };
    const up = testUploader();
    const task = up.add(randomFile(6 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(true);
    // One HeadObject, signed with the read session (the fault would refuse any other).
    expect(s3.count('HeadObject')).toBe(1);
    expect(s3.credentialRequests.map((r) => r.scope)).toEqual(['upload', 'read']);
  });

  it('succeeds unverified, not failed, when the token server does not offer the read scope', async () => {
    const s3 = wire.reset();
    s3.disabledScopes.add('read');
    s3.fault = (call) => (call.op === 'HeadObject' ? new HttpResponse(null, { status: 403 }) : undefined);
    const up = testUploader();
    const { file, bytes } = randomFile(6 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(false);
    expect(s3.credentialRequests.map((r) => r.scope)).toEqual(['upload', 'read']);
    expect(s3.ops().slice(-2)).toEqual(['CompleteMultipartUpload', 'HeadObject']);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('asks for no read scope the answer says the server does not offer: no 403 even on the first upload (#20)', async () => {
    const s3 = wire.reset();
    s3.disabledScopes.add('read');
    s3.tellsOfferedScopes = true;
    s3.actions = { upload: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'] };
    const up = testUploader();
    const { file, bytes } = randomFile(6 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    // The size check is skipped, and said so; nothing was asked that would be refused.
    expect(task.verified).toBe(false);
    expect(s3.credentialRequests.map((r) => r.scope)).toEqual(['upload']);
    expect(s3.count('HeadObject')).toBe(0);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('still checks the size with read credentials when the answer offers the read scope', async () => {
    const s3 = wire.reset();
    s3.tellsOfferedScopes = true;
    s3.actions = {
      upload: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      read: ['s3:GetObject'],
    };
    const up = testUploader();
    const task = up.add(randomFile(6 * MiB).file);
    await settled(up, task);
    expect(task.verified).toBe(true);
    expect(s3.credentialRequests.map((r) => r.scope)).toEqual(['upload', 'read']);
  });

  it('asks for the read scope once per uploader when the token server refuses it (403), not once per upload', async () => {
    const s3 = wire.reset();
    s3.disabledScopes.add('read');
    s3.fault = (call) => (call.op === 'HeadObject' ? new HttpResponse(null, { status: 403 }) : undefined);
    const up = testUploader();
    const first = up.add(randomFile(100, 'a.bin').file);
    await settled(up, first);
    const second = up.add(randomFile(100, 'b.bin').file);
    await settled(up, second);
    expect([first.state, second.state]).toEqual(['succeeded', 'succeeded']);
    expect([first.verified, second.verified]).toEqual([false, false]);
    expect(s3.credentialRequests.map((r) => r.scope)).toEqual(['upload', 'read']);
  });

  it('asks for the read scope again on the next upload when it failed for a passing reason (500)', async () => {
    const s3 = wire.reset();
    s3.scopeStatus.set('read', 500);
    s3.fault = (call) => (call.op === 'HeadObject' ? new HttpResponse(null, { status: 403 }) : undefined);
    const up = testUploader();
    const first = up.add(randomFile(100, 'a.bin').file);
    await settled(up, first);
    const reads = s3.credentialRequests.filter((r) => r.scope === 'read').length;
    expect(reads).toBeGreaterThanOrEqual(1);
    const second = up.add(randomFile(100, 'b.bin').file);
    await settled(up, second);
    expect(s3.credentialRequests.filter((r) => r.scope === 'read').length).toBeGreaterThan(reads);
  });

  it('succeeds with a warning, not failed, when read credentials are issued but HeadObject is refused with them (#14 item 2)', async () => {
    const s3 = wire.reset();
    s3.fault = (call) => (call.op === 'HeadObject' ? new HttpResponse(null, { status: 403 }) : undefined);
    const up = testUploader();
    const warnings: (string | undefined)[] = [];
    up.addEventListener('upload-succeeded', (e) => warnings.push(e.detail.warning?.code));
    const { file, bytes } = randomFile(100);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(false);
    expect(task.warning?.code).toBe('access-denied');
    expect(task.warning?.message).toMatch(/s3:GetObject/);
    expect(warnings).toEqual(['access-denied']);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });
});

describe('a stored file is never reported failed (#14 item 2)', () => {
  it.each([
    [
      'the read-scope credentials request is throttled (429)',
      'server',
      (s3: FakeS3) => {
        s3.scopeStatus.set('read', 429);
        s3.fault = (call) => (call.op === 'HeadObject' ? new HttpResponse(null, { status: 403 }) : undefined);
      },
    ],
    [
      'the read-scope credentials request fails (500)',
      'server',
      (s3: FakeS3) => {
        s3.scopeStatus.set('read', 500);
        s3.fault = (call) => (call.op === 'HeadObject' ? new HttpResponse(null, { status: 403 }) : undefined);
      },
    ],
    [
      'HeadObject keeps answering 500',
      'server',
      (s3: FakeS3) => {
        s3.fault = (call) => (call.op === 'HeadObject' ? s3Error(500, 'InternalError') : undefined);
      },
    ],
    [
      'HeadObject connections are cut',
      'network',
      (s3: FakeS3) => {
        s3.fault = (call) => (call.op === 'HeadObject' ? HttpResponse.error() : undefined);
      },
    ],
  ])('when %s after Complete: succeeded with a warning', async (_name, code, spoil) => {
    const s3 = wire.reset();
    spoil(s3);
    const up = testUploader();
    const failed: string[] = [];
    up.addEventListener('upload-failed', (e) => failed.push(e.detail.error.code));
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(failed).toEqual([]);
    expect(task.state).toBe('succeeded');
    expect(task.warning?.code).toBe(code);
    expect(task.verified).toBe(false);
    expect(s3.count('CompleteMultipartUpload')).toBe(1);
    // Not aborted, not uploaded again: the object is the file.
    expect(s3.count('AbortMultipartUpload')).toBe(0);
    expect(s3.count('CreateMultipartUpload')).toBe(1);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('a pause during the check after Complete: on resume only the check runs, nothing is sent again', async () => {
    const s3 = wire.reset();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let heads = 0;
    s3.fault = async (call) => {
      if (call.op !== 'HeadObject') return undefined;
      heads += 1;
      if (heads === 1) await held;
      return undefined;
    };
    const up = testUploader();
    const { file, bytes } = randomFile(6 * MiB);
    const task = up.add(file);
    await vi.waitFor(() => expect(heads).toBe(1));
    up.pause(task.id);
    release();
    up.resume(task.id);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(true);
    expect(s3.count('CompleteMultipartUpload')).toBe(1);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });
});

describe('an unexpected error', () => {
  it('is reported as internal (a bug to report), not as a network problem (#13)', async () => {
    const s3 = wire.reset();
    const up = testUploader({
      keyFor: () => {
        throw new RangeError('keyFor broke');
      },
    });
    const task = up.add(randomFile(1000).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('internal');
    expect(task.error?.message).toMatch(/report it.*RangeError: keyFor broke/);
    expect(task.error?.message).not.toMatch(/connection/);
    expect(s3.ops()).toEqual([]);
  });
});

describe('credentials', () => {
  it('stops with a credentials error when the endpoint refuses, after one request', async () => {
    const s3 = wire.reset();
    s3.credentialStatus = 401;
    const up = testUploader();
    const failed = new Promise((resolve) =>
      up.addEventListener('upload-failed', (e) => resolve(e.detail.error)),
    );
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(await failed).toBe(task.error);
    expect(task.error?.code).toBe('credentials');
    expect(task.error?.message).toMatch(/sign in again/);
    expect(s3.credentialRequests).toHaveLength(1);
    expect(s3.calls).toHaveLength(0);
  });

  it('adds the app auth header through credentials.request', async () => {
    const s3 = wire.reset();
    const up = testUploader({
      credentials: {
        url: 'http://token.test/credentials',
        request: (init) => ({
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: 'Bearer t0k' },
        }),
      },
    });
    const task = up.add(randomFile(10).file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.credentialRequests[0]?.authorization).toBe('Bearer t0k');
  });
});
