// Issue 20: stopping everything on sign-out, trying a cancelled file again, and the uploads a
// reload left behind (listed with what S3 holds, continued by adding the file, discarded).

import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { describe, expect, it, vi } from 'vitest';
import { fingerprintOf, MemoryResumeStore } from '../../src/index.js';
import { s3Error } from '../support/fake-s3.js';
import { nextEvent, settled, testUploader, useFakeS3 } from '../support/harness.js';

vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();

describe('cancelAll', () => {
  it('aborts every running multipart upload, and no request follows it', async () => {
    const s3 = wire.reset();
    s3.partDelay = 100;
    const up = testUploader({ concurrency: 4 });
    const tasks = [up.add(randomFile(40 * MiB, 'a.bin').file), up.add(randomFile(40 * MiB, 'b.bin').file)];
    await nextEvent(up, 'upload-progress', () => tasks.every((t) => t.bytesUploaded > 0));
    await up.cancelAll();
    expect(tasks.map((t) => t.state)).toEqual(['cancelled', 'cancelled']);
    expect(s3.count('CreateMultipartUpload')).toBe(2);
    expect(s3.count('AbortMultipartUpload')).toBe(2);
    expect(s3.uploads.size).toBe(0);
    const after = s3.calls.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(s3.calls.length).toBe(after);
  });
});

describe('retry after cancel', () => {
  it('uploads a cancelled file again, on a new multipart upload, with the exact bytes', async () => {
    const s3 = wire.reset();
    s3.partDelay = 20;
    const up = testUploader({ concurrency: 2 });
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await nextEvent(up, 'upload-progress', () => task.bytesUploaded > 0);
    await up.cancel(task.id);
    expect(task.state).toBe('cancelled');
    up.retry(task.id);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.count('CreateMultipartUpload')).toBe(2);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });
});

describe('interrupted uploads', () => {
  it('lists what a closed page left (name, size, bytes S3 holds), continues it by adding the file, or discards it', async () => {
    const s3 = wire.reset();
    s3.partDelay = 20;
    const store = new MemoryResumeStore();
    const first = testUploader({ concurrency: 1, resumeStore: store });
    const { file, bytes } = randomFile(16 * MiB, 'holiday.mov');
    const task = first.add(file);
    await nextEvent(first, 'upload-progress', () => task.bytesUploaded >= 10 * MiB);
    // The page goes away with the upload half done: its record stays.
    await first.destroy({ keepResumable: true });

    const second = testUploader({ concurrency: 1, resumeStore: store });
    const [listed, ...others] = await second.interrupted();
    expect(others).toEqual([]);
    expect(listed).toMatchObject({
      fingerprint: fingerprintOf(file),
      name: 'holiday.mov',
      size: 16 * MiB,
      key: task.key,
    });
    // Whole parts only: what S3 holds, not what was on the wire.
    expect(listed!.stored! % (5 * MiB)).toBe(0);
    expect(listed!.stored).toBeGreaterThanOrEqual(5 * MiB);

    const again = second.add(file);
    await settled(second, again);
    expect(again.state).toBe('succeeded');
    expect(again.resumed).toBe(true);
    expect(sameBytes(s3.objects.get(again.key!), bytes)).toBe(true);
    expect(await second.interrupted()).toEqual([]);
  });

  it('discard aborts the multipart upload on S3 and forgets the record; another user’s record is neither listed nor touched', async () => {
    const s3 = wire.reset();
    s3.partDelay = 20;
    const store = new MemoryResumeStore();
    const first = testUploader({ concurrency: 1, resumeStore: store });
    const { file } = randomFile(16 * MiB, 'mine.bin');
    const task = first.add(file);
    await nextEvent(first, 'upload-progress', () => task.bytesUploaded >= 5 * MiB);
    await first.destroy({ keepResumable: true });
    store.set({
      fingerprint: 'other',
      bucket: 'uploads',
      key: 'users/bob/x/other.bin',
      uploadId: 'bobs',
      partSize: 5 * MiB,
      created: Date.now(),
    });

    const second = testUploader({ resumeStore: store });
    const listed = await second.interrupted();
    expect(listed.map((u) => u.name)).toEqual(['mine.bin']);
    await second.discard(fingerprintOf(file));
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(s3.uploads.size).toBe(0);
    expect(store.get(fingerprintOf(file))).toBeUndefined();
    await second.discard('other');
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(store.get('other')).toBeDefined();
    expect(await second.interrupted()).toEqual([]);
  });
});

describe('reconnecting', () => {
  it('says a request is being retried (reconnecting), and stops saying so once bytes move again', async () => {
    const s3 = wire.reset();
    s3.fault = (call, attempt) =>
      call.op === 'UploadPart' && call.partNumber === 2 && attempt === 1
        ? s3Error(503, 'ServiceUnavailable')
        : undefined;
    const up = testUploader({ concurrency: 1 });
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    let sawReconnecting = false;
    up.addEventListener('upload-progress', () => {
      if (task.reconnecting) sawReconnecting = true;
    });
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(sawReconnecting).toBe(true);
    expect(task.reconnecting).toBe(false);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });
});
