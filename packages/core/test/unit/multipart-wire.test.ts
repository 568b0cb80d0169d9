import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isUploadError,
  MemoryResumeStore,
  Uploader,
  type UploaderOptions,
  type UploadTask,
} from '../../src/index.js';
import { BUCKET, FakeS3, PREFIX, s3Error, TOKEN_URL } from '../support/fake-s3.js';
import { MiB, randomFile, sameBytes } from '../support/random-file.js';

let s3 = new FakeS3();
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function fresh(): FakeS3 {
  s3 = new FakeS3();
  server.resetHandlers(...s3.handlers());
  return s3;
}

function uploader(options: Partial<UploaderOptions> = {}): Uploader {
  return new Uploader({
    credentials: { url: TOKEN_URL },
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    retry: { retries: 3, baseDelay: 1, maxDelay: 5 },
    resumeStore: null,
    network: null,
    ...options,
  });
}

/** Resolves when the task reaches a final state. */
function settled(up: Uploader, task: UploadTask): Promise<UploadTask> {
  return new Promise((resolve) => {
    const check = () => {
      if (['succeeded', 'failed', 'cancelled'].includes(task.state)) resolve(task);
    };
    for (const type of ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const)
      up.addEventListener(type, check);
    check();
  });
}

describe('on the wire', () => {
  it('sends a small file in one PutObject and checks its size with HeadObject', async () => {
    fresh();
    const up = uploader();
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
    fresh();
    const up = uploader();
    const task = up.add(new File([], 'empty.txt'));
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops()).toEqual(['PutObject', 'HeadObject']);
    expect(s3.objects.get(task.key!)?.length).toBe(0);
  });

  it('creates, sends every part with its size, completes in order, then checks the size', async () => {
    fresh();
    const up = uploader();
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
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
});
