import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { fingerprintOf, MemoryResumeStore, type ResumeRecord } from '../../src/index.js';
import { BUCKET, checksumBase64Of, type FakeS3, PREFIX, s3Error } from '../support/fake-s3.js';
import { nextEvent, settled, testUploader, useFakeS3 } from '../support/harness.js';

vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();

describe('pause and resume', () => {
  it('keeps the UploadId and finished parts across a pause', async () => {
    const s3 = wire.reset();
    s3.partDelay = 20;
    const up = testUploader({ concurrency: 1 });
    const { file, bytes } = randomFile(16 * MiB);
    const task = up.add(file);
    const paused = nextEvent(up, 'upload-paused');
    await nextEvent(up, 'upload-progress', () => task.bytesUploaded >= 10 * MiB);
    up.pause(task.id);
    await paused;
    expect(task.state).toBe('paused');
    // The aborted request may still reach the server; after that, nothing is sent while paused.
    await new Promise((r) => setTimeout(r, 100));
    const before = s3.calls.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(s3.calls.length).toBe(before);
    up.resume(task.id);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    const after = s3.calls
      .slice(before)
      .filter((c) => c.op === 'UploadPart')
      .map((c) => c.partNumber);
    // Part 1 had finished before the pause: it is not sent again; the rest is.
    expect(after).not.toContain(1);
    expect(after).toEqual(expect.arrayContaining([3, 4]));
    expect(s3.ops().filter((op) => op === 'UploadPart 1')).toHaveLength(1);
    expect(s3.count('CreateMultipartUpload')).toBe(1);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('pauses on offline and continues on online', async () => {
    const s3 = wire.reset();
    s3.partDelay = 20;
    const network = new EventTarget();
    let online = true;
    const up = testUploader({ concurrency: 1, network: { target: network, isOnline: () => online } });
    const task = up.add(randomFile(16 * MiB).file);
    const reasons: string[] = [];
    up.addEventListener('upload-paused', (e) => reasons.push(e.detail.reason));
    await nextEvent(up, 'upload-progress', () => task.bytesUploaded >= 5 * MiB);
    online = false;
    network.dispatchEvent(new Event('offline'));
    expect(task.state).toBe('paused');
    expect(reasons).toEqual(['offline']);
    online = true;
    network.dispatchEvent(new Event('online'));
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.count('CreateMultipartUpload')).toBe(1);
  });
});

describe('pause during a backoff', () => {
  it('settles at once while the credentials request waits out a long backoff (#13: it slept up to maxDelay)', async () => {
    const s3 = wire.reset();
    s3.credentialStatus = 503;
    // Every backoff is the full minute: a run that slept through the pause would hold the
    // resumed run behind it far beyond this test's timeout.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    try {
      const up = testUploader({ retry: { retries: 5, baseDelay: 60_000, maxDelay: 60_000 } });
      const task = up.add(randomFile(1024).file);
      await vi.waitFor(() => expect(s3.credentialRequests).toHaveLength(1));
      const paused = nextEvent(up, 'upload-paused');
      up.pause(task.id);
      await paused;
      s3.credentialStatus = 200;
      up.resume(task.id);
      await settled(up, task);
      expect(task.state).toBe('succeeded');
      // The paused run asked nothing more: one refused request, then the resumed run's one.
      expect(s3.credentialRequests).toHaveLength(2);
      expect(s3.count('PutObject')).toBe(1);
    } finally {
      random.mockRestore();
    }
  }, 10_000);
});

describe('cancel', () => {
  it('lets in-flight parts settle, then aborts the multipart upload exactly once', async () => {
    const s3 = wire.reset();
    s3.partDelay = 50;
    const up = testUploader({ concurrency: 3 });
    const task = up.add(randomFile(24 * MiB).file);
    await nextEvent(up, 'upload-progress', () => task.bytesUploaded >= 5 * MiB);
    const cancelled = vi.fn();
    up.addEventListener('upload-cancelled', cancelled);
    await Promise.all([up.cancel(task.id), up.cancel(task.id)]);
    await up.cancel(task.id);
    expect(task.state).toBe('cancelled');
    expect(cancelled).toHaveBeenCalledTimes(1);
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    // The abort is the last request: no part lands after it.
    expect(s3.ops().at(-1)).toBe('AbortMultipartUpload');
    await new Promise((r) => setTimeout(r, 150));
    expect(s3.ops().at(-1)).toBe('AbortMultipartUpload');
    expect(s3.uploads.size).toBe(0);
    expect(s3.count('CompleteMultipartUpload')).toBe(0);
  });

  it('cancels a paused upload with one abort, and a queued one without any request', async () => {
    const s3 = wire.reset();
    const up = testUploader({ autoStart: false });
    const queued = up.add(randomFile(6 * MiB).file);
    await up.cancel(queued.id);
    expect(queued.state).toBe('cancelled');
    expect(s3.calls).toHaveLength(0);

    s3.partDelay = 30;
    const task = up.add(randomFile(12 * MiB).file);
    up.start();
    await nextEvent(up, 'upload-progress', () => task.bytesUploaded > 0);
    up.pause(task.id);
    await up.cancel(task.id);
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(s3.uploads.size).toBe(0);
  });

  it('a failed task has already aborted its multipart upload; remove() sends no second abort', async () => {
    const s3 = wire.reset();
    s3.fault = (call) =>
      call.op === 'UploadPart' && call.partNumber === 2 ? s3Error(400, 'InvalidArgument') : undefined;
    const store = new MemoryResumeStore();
    const up = testUploader({ concurrency: 1, resumeStore: store });
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(store.list()).toEqual([]);
    await up.remove(task.id);
    expect(up.tasks).toEqual([]);
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(s3.uploads.size).toBe(0);
    expect(store.list()).toEqual([]);
  });

  it.each([
    ['retry()', 'retry'],
    ['remove()', 'remove'],
  ] as const)(
    'an abort that could not reach a server that went down is sent again by %s once it is back (case 21, finding F6)',
    async (_name, how) => {
      const s3 = wire.reset();
      let down = false;
      let crashed = false;
      // The server dies while part 2 is sent and stays unreachable (a network error, no answer).
      s3.fault = (call) => {
        if (!crashed && call.op === 'UploadPart' && call.partNumber === 2) down = crashed = true;
        return down ? HttpResponse.error() : undefined;
      };
      const up = testUploader({ concurrency: 1 });
      const { file, bytes } = randomFile(12 * MiB);
      const task = up.add(file);
      await settled(up, task);
      expect(task.state).toBe('failed');
      expect(task.error?.code).toBe('network');
      const failedId = [...s3.uploads.keys()][0]!;
      // Every attempt of the abort failed: the upload is still open on the server.
      expect(s3.calls.filter((c) => c.op === 'AbortMultipartUpload')).toHaveLength(4);
      expect([...s3.uploads.keys()]).toEqual([failedId]);

      down = false;
      const from = s3.calls.length;
      if (how === 'retry') {
        up.retry(task.id);
        await settled(up, task);
        expect(task.state).toBe('succeeded');
        expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
      } else {
        await up.remove(task.id);
      }
      const after = s3.calls.slice(from);
      // The old upload is aborted first (before a new one is created), once.
      expect(after[0]).toMatchObject({ op: 'AbortMultipartUpload', uploadId: failedId });
      expect(after.filter((c) => c.op === 'AbortMultipartUpload')).toHaveLength(1);
      expect(s3.uploads.size).toBe(0);
      await up.remove(task.id);
      expect(s3.calls.slice(from).filter((c) => c.op === 'AbortMultipartUpload')).toHaveLength(1);
    },
  );

  it('retry() after S3 refused a session that looked valid (backend restarted, roles lost) asks for new credentials instead of reusing it (case 21, finding F8)', async () => {
    const s3 = wire.reset();
    // Every request signed with the first session (900 s, far from expiry) is refused, as by a
    // backend that lost it.
    s3.fault = (call) => (call.accessKeyId === 'AKIATEST1' ? s3Error(403, 'AccessDenied') : undefined);
    const up = testUploader({ concurrency: 1 });
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('access-denied');
    expect(s3.credentialRequests).toHaveLength(1);

    up.retry(task.id);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.credentialRequests).toHaveLength(2);
    // The endpoint is told which session S3 refused, so a cached copy is not handed out again.
    expect(s3.credentialRequests.map((r) => r.refusedAccessKeyId)).toEqual([undefined, 'AKIATEST1']);
    // Every request of the retry was signed with the new session.
    expect(new Set(s3.calls.filter((c) => c.accessKeyId !== 'AKIATEST1').map((c) => c.accessKeyId))).toEqual(
      new Set(['AKIATEST2']),
    );
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('destroy({ keepResumable: true }) pauses instead of aborting, so the record survives', async () => {
    const s3 = wire.reset();
    s3.partDelay = 30;
    const store = new MemoryResumeStore();
    const up = testUploader({ concurrency: 1, resumeStore: store });
    const task = up.add(randomFile(12 * MiB).file);
    await nextEvent(up, 'upload-progress', () => task.bytesUploaded >= 5 * MiB);
    await up.destroy({ keepResumable: true });
    expect(task.state).toBe('paused');
    expect(s3.count('AbortMultipartUpload')).toBe(0);
    expect(store.list()).toHaveLength(1);
    expect(s3.uploads.size).toBe(1);
  });

  it('announces all-done once every task is final', async () => {
    wire.reset();
    const up = testUploader();
    const done = new Promise<{ succeeded: number; cancelled: number }>((resolve) =>
      up.addEventListener('all-done', (e) =>
        resolve({ succeeded: e.detail.succeeded.length, cancelled: e.detail.cancelled.length }),
      ),
    );
    const a = up.add(randomFile(10, 'a.txt').file);
    const b = up.add(randomFile(7 * MiB, 'b.bin').file);
    await up.cancel(b.id);
    await settled(up, a);
    expect(await done).toEqual({ succeeded: 1, cancelled: 1 });
  });
});

describe('resume from a persisted record', () => {
  /** A tab closed mid-upload: parts before `stopAt` are stored, the record is kept. */
  async function interrupted(
    store: MemoryResumeStore,
    file: File,
    stopAt: number,
    setUp: (s3: FakeS3) => void = () => {},
  ) {
    const s3 = wire.reset();
    setUp(s3);
    let reached!: () => void;
    const atPart = new Promise<void>((resolve) => {
      reached = resolve;
    });
    s3.fault = (call) => {
      if (call.op !== 'UploadPart' || call.partNumber! < stopAt) return undefined;
      reached();
      return new Promise<undefined>(() => {}); // never answers: the page goes away first
    };
    const first = testUploader({ concurrency: 1, resumeStore: store });
    const task = first.add(file);
    await atPart;
    await first.destroy({ keepResumable: true });
    s3.fault = undefined;
    return { s3, key: task.key! };
  }

  it('continues the same UploadId, lists parts page by page and sends only the missing ones', async () => {
    const store = new MemoryResumeStore();
    const { file, bytes } = randomFile(26 * MiB);
    const { s3, key } = await interrupted(store, file, 5);
    const record = store.list()[0]!;
    expect(record).toMatchObject({
      fingerprint: fingerprintOf(file),
      bucket: BUCKET,
      key,
      partSize: 5 * MiB,
    });
    s3.listPageSize = 2;
    const before = s3.calls.length;
    const second = testUploader({ concurrency: 1, resumeStore: store });
    const task = second.add(file);
    await settled(second, task);
    expect(task.state).toBe('succeeded');
    expect(task.resumed).toBe(true);
    expect(task.key).toBe(key);
    // Four stored parts, two a page.
    expect(s3.ops().slice(before)).toEqual([
      'ListParts',
      'ListParts',
      'UploadPart 5',
      'UploadPart 6',
      'CompleteMultipartUpload',
      'HeadObject',
    ]);
    expect(new Set(s3.calls.filter((c) => c.uploadId).map((c) => c.uploadId))).toEqual(
      new Set([record.uploadId]),
    );
    expect(sameBytes(s3.objects.get(key), bytes)).toBe(true);
    // A finished upload leaves no record behind.
    expect(store.list()).toEqual([]);
  });

  it('uploads a listed part again when its size does not match the plan', async () => {
    const store = new MemoryResumeStore();
    const { file, bytes } = randomFile(12 * MiB);
    const { s3, key } = await interrupted(store, file, 3);
    const upload = s3.uploads.get(store.list()[0]!.uploadId)!;
    upload.parts.get(2)!.bytes = new Uint8Array(10);
    const before = s3.calls.length;
    const second = testUploader({ concurrency: 1, resumeStore: store });
    const task = second.add(file);
    await settled(second, task);
    expect(s3.ops().slice(before)).toEqual([
      'ListParts',
      'UploadPart 2',
      'UploadPart 3',
      'CompleteMultipartUpload',
      'HeadObject',
    ]);
    expect(sameBytes(s3.objects.get(key), bytes)).toBe(true);
  });

  it.each([
    ['stale', (r: ResumeRecord) => ({ ...r, created: Date.now() - 8 * 24 * 3600 * 1000 }), 1],
    ['corrupt', (r: ResumeRecord) => ({ ...r, partSize: 'x' }), 1],
    ['of another size', (r: ResumeRecord) => ({ ...r, size: 1 }), 1],
    ['foreign (another user)', (r: ResumeRecord) => ({ ...r, key: r.key.replace(PREFIX, 'users/bob/') }), 0],
  ])(
    'starts afresh from a %s record (aborting the old upload when it is ours)',
    async (_name, spoil, aborts) => {
      const store = new MemoryResumeStore();
      const { file, bytes } = randomFile(12 * MiB);
      const { s3 } = await interrupted(store, file, 3);
      const record = store.list()[0]!;
      store.set(spoil(record) as ResumeRecord);
      const before = s3.calls.length;
      const second = testUploader({ resumeStore: store });
      const task = second.add(file);
      await settled(second, task);
      expect(task.state).toBe('succeeded');
      expect(task.resumed).toBe(false);
      const ops = s3.ops().slice(before);
      expect(ops.filter((op) => op === 'AbortMultipartUpload')).toHaveLength(aborts);
      expect(ops).not.toContain('ListParts');
      expect(ops).toContain('CreateMultipartUpload');
      expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
    },
  );

  it("aborts a stale record's upload through the request runner: a 503 is retried, with the same UploadId", async () => {
    const store = new MemoryResumeStore();
    const { file, bytes } = randomFile(12 * MiB);
    const { s3 } = await interrupted(store, file, 3);
    const record = store.list()[0]!;
    store.set({ ...record, created: Date.now() - 8 * 24 * 3600 * 1000 });
    s3.fault = (call, attempt) =>
      call.op === 'AbortMultipartUpload' && attempt === 1 ? s3Error(503, 'SlowDown') : undefined;
    const before = s3.calls.length;
    const second = testUploader({ resumeStore: store });
    const task = second.add(file);
    await settled(second, task);
    expect(task.state).toBe('succeeded');
    const aborts = s3.calls.slice(before).filter((c) => c.op === 'AbortMultipartUpload');
    expect(aborts.map((c) => c.uploadId)).toEqual([record.uploadId, record.uploadId]);
    expect(s3.uploads.has(record.uploadId)).toBe(false);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('starts afresh when the recorded upload no longer exists (NoSuchUpload)', async () => {
    const store = new MemoryResumeStore();
    const { file } = randomFile(12 * MiB);
    const { s3 } = await interrupted(store, file, 3);
    s3.uploads.clear();
    const before = s3.calls.length;
    const second = testUploader({ resumeStore: store });
    const task = second.add(file);
    await settled(second, task);
    expect(task.state).toBe('succeeded');
    expect(task.completedElsewhere).toBe(false);
    // The key is asked first (another tab may have completed it): not there, so a new upload.
    expect(s3.ops().slice(before, before + 3)).toEqual(['ListParts', 'HeadObject', 'CreateMultipartUpload']);
  });

  it('NoSuchUpload with the object in place (another tab completed it): succeeded, nothing sent again (#14 item 3)', async () => {
    const store = new MemoryResumeStore();
    const { file, bytes } = randomFile(12 * MiB);
    const { s3, key } = await interrupted(store, file, 3);
    // What the other tab's Complete left: the object, and no upload.
    s3.uploads.clear();
    s3.objects.set(key, bytes);
    const before = s3.calls.length;
    const second = testUploader({ resumeStore: store });
    const succeeded: string[] = [];
    second.addEventListener('upload-succeeded', (e) => succeeded.push(e.detail.key));
    const task = second.add(file);
    await settled(second, task);
    expect(task.state).toBe('succeeded');
    expect(task.completedElsewhere).toBe(true);
    expect(task.key).toBe(key);
    expect(succeeded).toEqual([key]);
    const after = s3.ops().slice(before);
    expect(after).not.toContain('CreateMultipartUpload');
    expect(after).not.toContain('UploadPart');
    expect(after).not.toContain('CompleteMultipartUpload');
    expect(store.list()).toEqual([]);
  });

  describe('"stored elsewhere" proves the checksum where S3 reports one (#14 item 3)', () => {
    const withChecksums = (s3: FakeS3) => {
      s3.checksums = 'WHEN_SUPPORTED';
    };

    it('the object S3 reports with this file’s full-object CRC32: succeeded with that checksum, nothing sent again', async () => {
      const store = new MemoryResumeStore();
      const { file, bytes } = randomFile(12 * MiB);
      const { s3, key } = await interrupted(store, file, 3, withChecksums);
      expect(store.list()[0]?.checksum).toBe('CRC32');
      // What the other tab's Complete left: the object with its checksum, and no upload.
      s3.uploads.clear();
      s3.objects.set(key, bytes);
      s3.objectChecksums.set(key, await checksumBase64Of('CRC32', bytes));
      s3.objectChecksumAlgorithms.set(key, 'CRC32');
      const before = s3.calls.length;
      const second = testUploader({ resumeStore: store });
      const task = second.add(file);
      await settled(second, task);
      expect(task.state).toBe('succeeded');
      expect(task.completedElsewhere).toBe(true);
      expect(task.checksum).toEqual({
        algorithm: 'CRC32',
        type: 'FULL_OBJECT',
        value: await checksumBase64Of('CRC32', bytes),
      });
      const head = s3.calls.slice(before).find((c) => c.op === 'HeadObject');
      expect(head?.headers?.['x-amz-checksum-mode']).toBe('ENABLED');
      expect(s3.ops().slice(before)).not.toContain('UploadPart');
    });

    it('same size and part count but another checksum: another file, so not taken; a new upload of this one', async () => {
      const store = new MemoryResumeStore();
      const { file, bytes } = randomFile(12 * MiB);
      const { s3, key } = await interrupted(store, file, 3, withChecksums);
      s3.uploads.clear();
      const other = randomFile(12 * MiB).bytes;
      s3.objects.set(key, other);
      s3.objectChecksums.set(key, await checksumBase64Of('CRC32', other));
      s3.objectChecksumAlgorithms.set(key, 'CRC32');
      const second = testUploader({ resumeStore: store });
      const task = second.add(file);
      await settled(second, task);
      expect(task.state).toBe('succeeded');
      expect(task.completedElsewhere).toBe(false);
      expect(s3.count('CreateMultipartUpload')).toBe(2);
      expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
    });

    it('S3 reports no checksum (Ceph RGW 16 keeps none): size and part count decide, and the task carries no checksum', async () => {
      const store = new MemoryResumeStore();
      const { file, bytes } = randomFile(12 * MiB);
      const { s3, key } = await interrupted(store, file, 3, withChecksums);
      s3.uploads.clear();
      s3.objects.set(key, bytes);
      const second = testUploader({ resumeStore: store });
      const task = second.add(file);
      await settled(second, task);
      expect(task.completedElsewhere).toBe(true);
      expect(task.checksum).toBeUndefined();
    });
  });

  it('NoSuchUpload with another size under the key: not taken for this file, a new upload', async () => {
    const store = new MemoryResumeStore();
    const { file, bytes } = randomFile(12 * MiB);
    const { s3, key } = await interrupted(store, file, 3);
    s3.uploads.clear();
    s3.objects.set(key, bytes.subarray(0, 100));
    const second = testUploader({ resumeStore: store });
    const task = second.add(file);
    await settled(second, task);
    expect(task.state).toBe('succeeded');
    expect(task.completedElsewhere).toBe(false);
    expect(s3.count('CreateMultipartUpload')).toBe(2);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });
});
