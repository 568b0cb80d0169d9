// CRCs of parts in a Worker, in real Chromium (issue 14 item 7, issue 21 item 5): the page's
// main thread only posts each part's Blob; every answer is checked against the JS table,
// an implementation independent of the Worker's WebAssembly.
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import type {} from '@s3up/testkit/provided-token-server';
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import { describe, expect, inject, it } from 'vitest';
import { crc32ToBase64 } from '../../src/checksum.js';
import { digestToBase64 } from '../../src/checksum-algorithm.js';
import { crc32Table } from '../../src/crc32.js';
import { Crc32Offload, WORKER_MIN_BYTES } from '../../src/crc32-offload.js';
import { Uploader } from '../../src/index.js';
import { settled } from '../support/harness-events.js';
import { readerFor } from '../support/read-back.js';
import { testUser, tokenCredentials } from '../support/token.js';

const MiB = 1024 * 1024;
const tokenServer = inject('tokenServer');

/** CRC-64/NVME by AWS's own implementation: independent of the Worker's hash-wasm. */
async function crc64nvme(bytes: Uint8Array): Promise<string> {
  const hash = new Crc64Nvme();
  hash.update(bytes);
  return digestToBase64(await hash.digest());
}

describe('Crc32Offload in Chromium', () => {
  it('CRCs parts in its Worker, each job its own answer, six at once', async () => {
    const offload = new Crc32Offload();
    const parts = Array.from({ length: 6 }, (_, i) => seededBytes(5 * MiB + i * 4099, 100 + i));
    const answers = await Promise.all(parts.map((p) => offload.crc(new Blob([p]))));
    expect(answers).toEqual(parts.map((p) => ({ crc: crc32Table(p), place: 'worker' })));
    // A slice of a larger Blob, as the engine sends a part of a File.
    const whole = new Blob(parts);
    expect(await offload.crc(whole.slice(5 * MiB, 10 * MiB + 4099))).toEqual({
      crc: crc32Table(parts[1]!),
      place: 'worker',
    });
  });

  it('keeps Blobs below WORKER_MIN_BYTES on the main thread', async () => {
    const small = seededBytes(WORKER_MIN_BYTES - 1, 3);
    expect(await new Crc32Offload().crc(new Blob([small]))).toEqual({
      crc: crc32Table(small),
      place: 'main-thread',
    });
  });

  it('a Worker whose script does not load (as under a CSP): its jobs and all later ones run on the main thread', async () => {
    // A real Chromium Worker on a URL that is not there: the error event a refused script gives.
    const NotLoading = function (this: unknown) {
      return new Worker('/no-such-s3up-crc-worker.js');
    } as unknown as typeof Worker;
    const offload = new Crc32Offload({ Worker: NotLoading });
    const a = seededBytes(2 * MiB, 5);
    const b = seededBytes(3 * MiB, 6);
    expect(await Promise.all([offload.crc(new Blob([a])), offload.crc(new Blob([b]))])).toEqual([
      { crc: crc32Table(a), place: 'main-thread' },
      { crc: crc32Table(b), place: 'main-thread' },
    ]);
    expect(await offload.crc(new Blob([a]))).toEqual({ crc: crc32Table(a), place: 'main-thread' });
  });

  it('a Worker constructor that throws (a SecurityError): main thread, same CRC', async () => {
    const Refused = (() => {
      throw new DOMException('refused by the page’s Content Security Policy', 'SecurityError');
    }) as unknown as typeof Worker;
    const bytes = seededBytes(2 * MiB, 8);
    expect(await new Crc32Offload({ Worker: Refused }).crc(new Blob([bytes]))).toEqual({
      crc: crc32Table(bytes),
      place: 'main-thread',
    });
    expect(await new Crc32Offload({ Worker: undefined }).crc(new Blob([bytes]))).toEqual({
      crc: crc32Table(bytes),
      place: 'main-thread',
    });
  });

  it('an upload with WHEN_SUPPORTED sends part CRCs made in the Worker: the full-object CRC is the CRC of the bytes read back', async () => {
    const user = testUser('crc-worker');
    const credentials = await tokenCredentials(tokenServer, user);
    const up = new Uploader({
      credentials,
      partSize: 5 * MiB,
      multipartThreshold: 5 * MiB,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
    });
    // Which Workers the engine starts: a subclass that only counts, installed for this upload.
    const started: string[] = [];
    const RealWorker = globalThis.Worker;
    globalThis.Worker = class extends RealWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        started.push(options?.name ?? '');
      }
    };
    const data = seededBytes(12 * MiB + 123, 21);
    const task = up.add(new File([data], 'crc-worker.bin', { lastModified: 1 }));
    try {
      await settled(up, task);
    } finally {
      globalThis.Worker = RealWorker;
    }
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(started).toEqual(['s3up-crc32']);
    expect(task.checksum).toEqual({
      algorithm: 'CRC32',
      type: 'FULL_OBJECT',
      value: crc32ToBase64(crc32Table(data)),
    });
    const reader = await readerFor(tokenServer, user);
    const { bytes: stored } = await reader.get(task.key!);
    reader.close();
    expect(crc32ToBase64(crc32Table(stored))).toBe(task.checksum!.value);
    expect(stored.length).toBe(data.length);
    await up.destroy();
  });

  it('CRC64NVME: parts hashed in the Worker, and an upload whose full-object checksum is the CRC-64 of the bytes read back', async () => {
    const offload = new Crc32Offload();
    const parts = Array.from({ length: 3 }, (_, i) => seededBytes(5 * MiB + i * 977, 300 + i));
    const answers = await Promise.all(parts.map((p) => offload.digest(new Blob([p]), 'CRC64NVME')));
    expect(answers.map((a) => a.place)).toEqual(['worker', 'worker', 'worker']);
    expect(answers.map((a) => digestToBase64(a.digest))).toEqual(await Promise.all(parts.map(crc64nvme)));

    const user = testUser('crc64-worker');
    const up = new Uploader({
      credentials: await tokenCredentials(tokenServer, user),
      partSize: 5 * MiB,
      multipartThreshold: 5 * MiB,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      checksumAlgorithm: 'CRC64NVME',
    });
    const data = seededBytes(11 * MiB + 5, 31);
    const task = up.add(new File([data], 'crc64.bin', { lastModified: 1 }));
    await settled(up, task);
    expect(task.error).toBeUndefined();
    const reader = await readerFor(tokenServer, user);
    const { bytes: stored } = await reader.get(task.key!);
    reader.close();
    expect(stored.length).toBe(data.length);
    expect(task.checksum).toEqual({
      algorithm: 'CRC64NVME',
      type: 'FULL_OBJECT',
      value: await crc64nvme(stored),
    });
    await up.destroy();
  });
});
