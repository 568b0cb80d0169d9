import { MiB, randomFile } from '@s3up/testkit/random-file';
import { describe, expect, it, vi } from 'vitest';
import { overallProgress } from '../../src/overall-progress.js';
import type { UploadTask } from '../../src/task.js';
import { s3Error } from '../support/fake-s3.js';
import { settled, testUploader, useFakeS3 } from '../support/harness.js';

vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();

describe('progress', () => {
  it('is byte-level in Node too, monotonic, never above the size, per file and overall', async () => {
    const s3 = wire.reset();
    // Part 2 fails once after its bytes were sent: they are taken back, the figure holds.
    s3.fault = (call, attempt) =>
      call.op === 'UploadPart' && call.partNumber === 2 && attempt === 1
        ? s3Error(500, 'InternalError')
        : undefined;
    const up = testUploader({ concurrency: 1 });
    const per: number[] = [];
    const overall: number[] = [];
    up.addEventListener('upload-progress', (e) => {
      per.push(e.detail.task.bytesUploaded);
      overall.push(e.detail.overall.bytesUploaded);
    });
    const a = up.add(randomFile(12 * MiB, 'a.bin').file);
    const b = up.add(randomFile(3 * MiB, 'b.bin').file);
    await Promise.all([settled(up, a), settled(up, b)]);
    expect([a.state, b.state]).toEqual(['succeeded', 'succeeded']);
    // Far more reports than requests: bytes are counted as the socket takes them.
    expect(per.length).toBeGreaterThan(20);
    for (let i = 1; i < overall.length; i++) expect(overall[i]!).toBeGreaterThanOrEqual(overall[i - 1]!);
    expect(Math.max(...per)).toBeLessThanOrEqual(12 * MiB);
    expect(overall.at(-1)).toBe(15 * MiB);
    expect(up.progress).toMatchObject({ bytesUploaded: 15 * MiB, totalBytes: 15 * MiB });
    expect(a.bytesUploaded).toBe(12 * MiB);
    expect(a.speed).toBe(0);
  });
});

describe('overallProgress', () => {
  const task = (fields: Partial<UploadTask>) =>
    ({
      state: 'uploading',
      bytesUploaded: 0,
      size: 10 * MiB,
      speed: 0,
      reconnecting: false,
      ...fields,
    }) as UploadTask;

  it('counts no speed for a reconnecting task: nothing of it moves while it waits to retry', () => {
    const moving = task({ bytesUploaded: 4 * MiB, speed: 2 * MiB });
    const waiting = task({ bytesUploaded: 5 * MiB, speed: 8 * MiB, reconnecting: true });
    expect(overallProgress([moving, waiting])).toEqual({
      bytesUploaded: 9 * MiB,
      totalBytes: 20 * MiB,
      speed: 2 * MiB,
      eta: (11 * MiB) / (2 * MiB),
    });
    expect(overallProgress([waiting])).toMatchObject({ speed: 0, eta: null });
  });
});
