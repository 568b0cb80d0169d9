import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32WorkerModule, WORKER_SOURCE_FILE } from '../../build/build-crc32-worker.mjs';
import { Crc32Offload, crc32OfBlob, WORKER_MIN_BYTES } from '../../src/crc32-offload.js';

describe('CRC off the main thread (Node side)', () => {
  it('the committed Worker source is the build of src/crc32-worker.ts (run build/build-crc32-worker.mjs after changing it)', async () => {
    expect(await readFile(WORKER_SOURCE_FILE, 'utf8')).toBe(await crc32WorkerModule());
  });

  it('without a Worker (Node), large and small Blobs are CRC’d here, with node:zlib’s answer', async () => {
    const offload = new Crc32Offload();
    for (const size of [0, 1000, WORKER_MIN_BYTES, 3 * WORKER_MIN_BYTES + 7]) {
      const bytes = randomBytes(size);
      expect(await offload.crc(new Blob([bytes]))).toEqual({ crc: zlibCrc32(bytes), place: 'main-thread' });
      expect(await crc32OfBlob(new Blob([bytes]))).toBe(zlibCrc32(bytes));
    }
  });
});
