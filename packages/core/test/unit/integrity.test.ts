import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { describe, expect, it, vi } from 'vitest';
import { MemoryResumeStore, type UploaderEventDetails } from '../../src/index.js';
import { checksumBase64Of, crc32Base64Of, type FakeS3, PREFIX, s3Error } from '../support/fake-s3.js';
import { settled, testUploader, useFakeS3 } from '../support/harness.js';

// Wire format per AWS's S3 API reference ("Checking object integrity", CreateMultipartUpload,
// UploadPart, CompleteMultipartUpload, PutObject, "conditional writes"). The fake (msw,
// onUnhandledRequest: 'error') checks each x-amz-checksum-crc32 against the bytes it received
// with node:zlib and plays AWS's answers (BadDigest, 412, 409) that Ceph RGW 16 never gives.
vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();

function succeeded(up: ReturnType<typeof testUploader>) {
  const details: UploaderEventDetails['upload-succeeded'][] = [];
  up.addEventListener('upload-succeeded', (e) => details.push(e.detail));
  return details;
}

describe('full-object checksums (#14 items 4 and 8)', () => {
  it('multipart: Create asks for CRC32 FULL_OBJECT, each part carries its CRC, Complete the CRC of the whole file', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    const up = testUploader();
    const events = succeeded(up);
    const { file, bytes } = randomFile(12 * MiB + 7);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    const create = s3.calls.find((c) => c.op === 'CreateMultipartUpload')!;
    expect(create.headers).toMatchObject({
      'x-amz-checksum-algorithm': 'CRC32',
      'x-amz-checksum-type': 'FULL_OBJECT',
    });
    const parts = s3.calls.filter((c) => c.op === 'UploadPart').sort((a, b) => a.partNumber! - b.partNumber!);
    expect(parts.map((c) => c.partNumber)).toEqual([1, 2, 3]);
    for (const part of parts) {
      const start = (part.partNumber! - 1) * 5 * MiB;
      expect(part.headers?.['x-amz-checksum-crc32']).toBe(
        crc32Base64Of(bytes.subarray(start, start + 5 * MiB)),
      );
      expect(part.headers?.['if-none-match']).toBeUndefined();
    }
    const complete = s3.calls.find((c) => c.op === 'CompleteMultipartUpload')!;
    const whole = crc32Base64Of(bytes);
    expect(complete.headers).toMatchObject({
      'x-amz-checksum-crc32': whole,
      'x-amz-checksum-type': 'FULL_OBJECT',
    });
    // Each <Part> lists its CRC beside its ETag and number, in part order.
    const listed = [...complete.xml!.matchAll(/<Part>(.*?)<\/Part>/g)].map((m) => m[1]);
    expect(listed).toHaveLength(3);
    listed.forEach((part, i) => {
      expect(part).toContain(`<PartNumber>${i + 1}</PartNumber>`);
      expect(part).toContain(`<ChecksumCRC32>${parts[i]!.headers!['x-amz-checksum-crc32']}</ChecksumCRC32>`);
    });
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
    expect(s3.objectChecksums.get(task.key!)).toBe(whole);
    expect(task.checksum).toEqual({ algorithm: 'CRC32', type: 'FULL_OBJECT', value: whole });
    expect(events[0]?.checksum).toEqual(task.checksum);
  });

  it('PutObject carries the CRC of the file, and the success event reports it', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    const up = testUploader();
    const events = succeeded(up);
    const { file, bytes } = randomFile(1000);
    const task = up.add(file);
    await settled(up, task);
    const put = s3.calls.find((c) => c.op === 'PutObject')!;
    expect(put.headers?.['x-amz-checksum-crc32']).toBe(crc32Base64Of(bytes));
    expect(events[0]?.checksum?.value).toBe(crc32Base64Of(bytes));
  });

  it('sends no checksum headers when checksums are off (WHEN_REQUIRED, the local backend)', async () => {
    const s3 = wire.reset();
    const up = testUploader();
    const events = succeeded(up);
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    for (const call of s3.calls) expect(Object.keys(call.headers ?? {})).toEqual([]);
    expect(task.checksum).toBeUndefined();
    expect(events[0]?.checksum).toBeUndefined();
  });

  it('a part AWS refuses as corrupted (400 BadDigest, as AWS answers when bytes change in transit) is sent again', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    s3.fault = (call, attempt) =>
      call.op === 'UploadPart' && call.partNumber === 2 && attempt === 1
        ? s3Error(400, 'BadDigest')
        : undefined;
    const up = testUploader();
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops().filter((op) => op === 'UploadPart 2')).toHaveLength(2);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });
});

describe('resumed parts are checked against the local file (#14 item 5)', () => {
  /** A tab closed mid-upload after parts before `stopAt` were stored. */
  async function interrupted(
    s3: FakeS3,
    store: MemoryResumeStore,
    file: File,
    stopAt: number,
    options: Parameters<typeof testUploader>[0] = {},
  ) {
    let reached!: () => void;
    const atPart = new Promise<void>((resolve) => {
      reached = resolve;
    });
    s3.fault = (call) => {
      if (call.op !== 'UploadPart' || call.partNumber! < stopAt) return undefined;
      reached();
      return new Promise<undefined>(() => {});
    };
    const first = testUploader({ concurrency: 1, resumeStore: store, ...options });
    first.add(file);
    await atPart;
    await first.destroy({ keepResumable: true });
    s3.fault = undefined;
  }

  it.each(['CRC32', 'CRC64NVME'] as const)(
    'the file changed under one stored part (%s): only that part is sent again, and the object is the new file',
    async (checksumAlgorithm) => {
      const s3 = wire.reset();
      s3.checksums = 'WHEN_SUPPORTED';
      const store = new MemoryResumeStore();
      const { bytes } = randomFile(22 * MiB);
      const original = new File([bytes], 'data.bin', { lastModified: 1_700_000_000_000 });
      await interrupted(s3, store, original, 5, { checksumAlgorithm });
      expect(s3.uploads.size).toBe(1);
      // Same name, size and date: the fingerprint matches; part 2's bytes differ.
      const changed = bytes.slice();
      changed[5 * MiB + 123] = (changed[5 * MiB + 123]! + 1) % 256;
      const file = new File([changed], 'data.bin', { lastModified: 1_700_000_000_000 });
      const before = s3.calls.length;
      const up = testUploader({ concurrency: 1, resumeStore: store, checksumAlgorithm });
      const task = up.add(file);
      await settled(up, task);
      expect(task.state).toBe('succeeded');
      expect(task.resumed).toBe(true);
      expect(
        s3
          .ops()
          .slice(before)
          .filter((op) => op.startsWith('UploadPart')),
      ).toEqual(['UploadPart 2', 'UploadPart 5']);
      expect(s3.count('CreateMultipartUpload')).toBe(1);
      expect(sameBytes(s3.objects.get(task.key!), changed)).toBe(true);
      // Kept parts' checksums (as ListParts gave them) and the re-sent ones combine into the
      // new file's, checked by the fake against its independent CRC of the bytes it holds.
      expect(task.checksum).toEqual({
        algorithm: checksumAlgorithm,
        type: 'FULL_OBJECT',
        value: await checksumBase64Of(checksumAlgorithm, changed),
      });
    },
  );

  it('another file under the same name, size and date: its stored upload is aborted, never continued', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    const store = new MemoryResumeStore();
    const first = randomFile(22 * MiB);
    await interrupted(s3, store, first.file, 4);
    const oldUpload = [...s3.uploads.keys()][0]!;
    const second = randomFile(22 * MiB);
    const before = s3.calls.length;
    const up = testUploader({ concurrency: 1, resumeStore: store });
    const task = up.add(second.file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(task.resumed).toBe(false);
    const ops = s3.ops().slice(before);
    expect(ops.slice(0, 3)).toEqual(['ListParts', 'AbortMultipartUpload', 'CreateMultipartUpload']);
    expect(s3.calls.slice(before).find((c) => c.op === 'AbortMultipartUpload')?.uploadId).toBe(oldUpload);
    expect(sameBytes(s3.objects.get(task.key!), second.bytes)).toBe(true);
  });
});

describe('write-once uploads: overwrite: false (#14 item 6)', () => {
  it('PutObject carries If-None-Match: *; an existing key is an exists error naming it, and is not replaced', async () => {
    const s3 = wire.reset();
    const up = testUploader({ overwrite: false, keyFor: (_f, { prefix }) => `${prefix}taken.txt` });
    const old = new Uint8Array([1, 2, 3]);
    s3.objects.set(`${PREFIX}taken.txt`, old);
    const task = up.add(randomFile(1000).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('exists');
    expect(task.error?.status).toBe(412);
    expect(task.error?.message).toContain(`${PREFIX}taken.txt`);
    expect(s3.calls.find((c) => c.op === 'PutObject')?.headers?.['if-none-match']).toBe('*');
    expect(s3.count('PutObject')).toBe(1);
    expect(s3.objects.get(`${PREFIX}taken.txt`)).toBe(old);
  });

  it('multipart: only Complete carries If-None-Match (AWS answers 412 there; played here, RGW 16 ignores it)', async () => {
    const s3 = wire.reset();
    const key = `${PREFIX}big.bin`;
    const up = testUploader({ overwrite: false, keyFor: () => key });
    const old = new Uint8Array([9]);
    s3.objects.set(key, old);
    const task = up.add(randomFile(12 * MiB).file);
    await settled(up, task);
    expect(task.error?.code).toBe('exists');
    for (const call of s3.calls) {
      expect(call.headers?.['if-none-match']).toBe(call.op === 'CompleteMultipartUpload' ? '*' : undefined);
    }
    expect(s3.count('CompleteMultipartUpload')).toBe(1);
    expect(s3.objects.get(key)).toBe(old);
    // The failed upload's parts are not left behind.
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(s3.uploads.size).toBe(0);
  });

  it('a 409 ConditionalRequestConflict on Complete (as AWS answers a racing write) restarts with a new upload', async () => {
    const s3 = wire.reset();
    s3.fault = (call, attempt) =>
      call.op === 'CompleteMultipartUpload' && attempt === 1 && s3.count('CreateMultipartUpload') === 1
        ? s3Error(409, 'ConditionalRequestConflict')
        : undefined;
    const up = testUploader({ overwrite: false });
    const { file, bytes } = randomFile(12 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    const uploads = new Set(s3.calls.filter((c) => c.op === 'UploadPart').map((c) => c.uploadId));
    expect(uploads.size).toBe(2);
    expect(s3.count('CreateMultipartUpload')).toBe(2);
    expect(s3.count('AbortMultipartUpload')).toBe(1);
    expect(s3.ops().filter((op) => op.startsWith('UploadPart'))).toHaveLength(6);
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
    expect(s3.uploads.size).toBe(0);
  });

  it("a session whose credentials say writeOnce (the token server's rule) sends If-None-Match: * without overwrite: false", async () => {
    const s3 = wire.reset();
    s3.credentialAnswer = (answer) => ({ ...answer, writeOnce: true });
    // AWS's answer under the write-once session policy to a create without the header: 403.
    s3.fault = (call) =>
      (call.op === 'PutObject' || call.op === 'CompleteMultipartUpload') &&
      call.headers?.['if-none-match'] !== '*'
        ? s3Error(403, 'AccessDenied')
        : undefined;
    const taken = `${PREFIX}taken.txt`;
    const old = new Uint8Array([7]);
    s3.objects.set(taken, old);
    const up = testUploader({ keyFor: (file, { prefix }) => `${prefix}${file.name}` });
    const small = randomFile(1000, 'fresh.txt');
    const big = randomFile(12 * MiB, 'big.bin');
    const replacing = randomFile(10, 'taken.txt');
    const tasks = [up.add(small.file), up.add(big.file), up.add(replacing.file)];
    await Promise.all(tasks.map((t) => settled(up, t)));
    expect(tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(tasks[2]!.error?.code).toBe('exists');
    expect(tasks[2]!.error?.message).toContain('write-once rule');
    expect(s3.objects.get(taken)).toBe(old);
    expect(sameBytes(s3.objects.get(tasks[0]!.key!), small.bytes)).toBe(true);
    expect(sameBytes(s3.objects.get(tasks[1]!.key!), big.bytes)).toBe(true);
    for (const call of s3.calls) {
      const creates = call.op === 'PutObject' || call.op === 'CompleteMultipartUpload';
      expect(call.headers?.['if-none-match']).toBe(creates ? '*' : undefined);
    }
  });

  it('overwrite defaults to true: no condition headers, the key is replaced', async () => {
    const s3 = wire.reset();
    const key = `${PREFIX}x.txt`;
    s3.objects.set(key, new Uint8Array([1]));
    const up = testUploader({ keyFor: () => key });
    const { file, bytes } = randomFile(100);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.calls.find((c) => c.op === 'PutObject')?.headers?.['if-none-match']).toBeUndefined();
    expect(sameBytes(s3.objects.get(key), bytes)).toBe(true);
  });
});
