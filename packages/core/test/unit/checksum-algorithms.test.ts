import { randomBytes } from 'node:crypto';
import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { describe, expect, it, vi } from 'vitest';
import { type ChecksumAlgorithm, combineChecksums, digestToBase64 } from '../../src/checksum-algorithm.js';
import { checksumAlgorithmFor } from '../../src/checksum-policy.js';
import { checksumOfBlob } from '../../src/crc32-offload.js';
import type { Credentials } from '../../src/credentials-source.js';
import { resolveOptions } from '../../src/options.js';
import { checksumBase64Of, PREFIX } from '../support/fake-s3.js';
import { settled, testUploader, useFakeS3 } from '../support/harness.js';

// CRC64NVME and CRC32C beside CRC32 (#14 item 4): the wire format per AWS's S3 API reference
// ("Checking object integrity", CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// PutObject): Create names the algorithm and FULL_OBJECT, every part and the PutObject carry
// x-amz-checksum-<algorithm>, Complete carries the whole object's and lists each part's
// <Checksum<ALGORITHM>>. The fake (msw, onUnhandledRequest: 'error') checks every value
// against its own CRC of the bytes it received (AWS's @aws-sdk/crc64-nvme for CRC-64, not the
// engine's hash-wasm) and refuses what AWS refuses (BadDigest, a part without the
// algorithm's checksum, another type or algorithm at Complete).
vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();
const HEADERS: Record<ChecksumAlgorithm, string> = {
  CRC32: 'x-amz-checksum-crc32',
  CRC32C: 'x-amz-checksum-crc32c',
  CRC64NVME: 'x-amz-checksum-crc64nvme',
};

describe.each(['CRC64NVME', 'CRC32C'] as const)('checksumAlgorithm %s', (algorithm) => {
  const header = HEADERS[algorithm];
  const others = Object.values(HEADERS).filter((h) => h !== header);

  it('multipart: Create names it with FULL_OBJECT, each part and Complete carry it; the object reads back equal', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    const up = testUploader({ checksumAlgorithm: algorithm });
    const { file, bytes } = randomFile(12 * MiB + 7);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.calls.find((c) => c.op === 'CreateMultipartUpload')?.headers).toMatchObject({
      'x-amz-checksum-algorithm': algorithm,
      'x-amz-checksum-type': 'FULL_OBJECT',
    });
    const parts = s3.calls.filter((c) => c.op === 'UploadPart').sort((a, b) => a.partNumber! - b.partNumber!);
    expect(parts).toHaveLength(3);
    for (const part of parts) {
      const start = (part.partNumber! - 1) * 5 * MiB;
      expect(part.headers?.[header]).toBe(
        await checksumBase64Of(algorithm, bytes.subarray(start, start + 5 * MiB)),
      );
      for (const other of others) expect(part.headers?.[other]).toBeUndefined();
    }
    const complete = s3.calls.find((c) => c.op === 'CompleteMultipartUpload')!;
    const stored = s3.objects.get(task.key!)!;
    expect(sameBytes(stored, bytes)).toBe(true);
    // Independent of the engine: the CRC of the bytes the bucket holds.
    const whole = await checksumBase64Of(algorithm, stored);
    expect(complete.headers).toMatchObject({ [header]: whole, 'x-amz-checksum-type': 'FULL_OBJECT' });
    for (const other of others) expect(complete.headers?.[other]).toBeUndefined();
    const listed = [...complete.xml!.matchAll(/<Part>(.*?)<\/Part>/g)].map((m) => m[1]);
    listed.forEach((part, i) => {
      expect(part).toContain(`<PartNumber>${i + 1}</PartNumber>`);
      expect(part).toContain(`<Checksum${algorithm}>${parts[i]!.headers![header]}</Checksum${algorithm}>`);
    });
    expect(task.checksum).toEqual({ algorithm, type: 'FULL_OBJECT', value: whole });
  });

  it('PutObject carries the same algorithm, and the task reports it', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    const up = testUploader({ checksumAlgorithm: algorithm });
    const { file, bytes } = randomFile(1000);
    const task = up.add(file);
    await settled(up, task);
    const put = s3.calls.find((c) => c.op === 'PutObject')!;
    const value = await checksumBase64Of(algorithm, bytes);
    expect(put.headers?.[header]).toBe(value);
    for (const other of others) expect(put.headers?.[other]).toBeUndefined();
    expect(task.checksum).toEqual({ algorithm, type: 'FULL_OBJECT', value });
  });

  it('a part AWS refuses as corrupted (BadDigest) is sent again, and the upload completes', async () => {
    const s3 = wire.reset();
    s3.checksums = 'WHEN_SUPPORTED';
    // AWS's documented answer when a part's bytes do not match its checksum.
    s3.fault = (call, attempt) =>
      call.op === 'UploadPart' && call.partNumber === 2 && attempt === 1
        ? new Response('<Error><Code>BadDigest</Code></Error>', { status: 400 })
        : undefined;
    const up = testUploader({ checksumAlgorithm: algorithm });
    const { file, bytes } = randomFile(11 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(s3.ops().filter((op) => op === 'UploadPart 2')).toHaveLength(2);
    expect(task.checksum?.value).toBe(await checksumBase64Of(algorithm, bytes));
  });
});

describe('combining part checksums (crc_combine)', () => {
  it.each(['CRC32', 'CRC32C', 'CRC64NVME'] as const)(
    '%s: the parts’ checksums combine into the whole’s, cut anywhere',
    async (algorithm) => {
      const bytes = new Uint8Array(randomBytes(3 * MiB + 5));
      const cuts = [0, 1, MiB, MiB + 1, 3 * MiB, bytes.length];
      const parts = [];
      for (let i = 1; i < cuts.length; i++) {
        const slice = bytes.subarray(cuts[i - 1], cuts[i]);
        parts.push({ value: await checksumBase64Of(algorithm, slice), size: slice.length });
      }
      expect(combineChecksums(algorithm, parts)).toBe(await checksumBase64Of(algorithm, bytes));
      // The engine's own hashing (hash-wasm, or node:zlib for CRC32) agrees with the independent one.
      expect(digestToBase64(await checksumOfBlob(new Blob([bytes]), algorithm))).toBe(
        await checksumBase64Of(algorithm, bytes),
      );
    },
  );

  it('refuses a part checksum of the wrong width, naming the part', () => {
    expect(() => combineChecksums('CRC64NVME', [{ value: 'AAAAAA==', size: 4 }])).toThrow(
      /part 1's CRC64NVME/,
    );
  });
});

describe('the default algorithm, per backend', () => {
  const options = resolveOptions({ credentials: { url: 'http://token.test/credentials', fetch } });
  const answer = (fields: Partial<Credentials['response']>) =>
    ({
      response: {
        accessKeyId: 'a',
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: '2030-01-01T00:00:00Z',
        bucket: 'b',
        region: 'eu-west-1',
        prefix: PREFIX,
        ...fields,
      },
    }) as Credentials;

  it('is CRC64NVME on AWS (no endpoint, or one of AWS’s own) and CRC32 on another backend', () => {
    expect(checksumAlgorithmFor(options, answer({}))).toBe('CRC64NVME');
    expect(
      checksumAlgorithmFor(options, answer({ endpoint: 'https://s3.fips.us-east-1.amazonaws.com' })),
    ).toBe('CRC64NVME');
    expect(checksumAlgorithmFor(options, answer({ endpoint: 'https://minio.example.com' }))).toBe('CRC32');
  });

  it('is none where checksums are off (the local Ceph backend’s WHEN_REQUIRED), and the option wins elsewhere', () => {
    expect(
      checksumAlgorithmFor(
        options,
        answer({ endpoint: 'http://127.0.0.1:7480', requestChecksumCalculation: 'WHEN_REQUIRED' }),
      ),
    ).toBeUndefined();
    const chosen = resolveOptions({
      credentials: { url: 'http://token.test/credentials', fetch },
      checksumAlgorithm: 'CRC32C',
    });
    expect(checksumAlgorithmFor(chosen, answer({}))).toBe('CRC32C');
  });

  it('refuses an unknown algorithm, listing the ones there are', () => {
    expect(() =>
      resolveOptions({ credentials: { url: '/c', fetch }, checksumAlgorithm: 'SHA256' as ChecksumAlgorithm }),
    ).toThrow('checksumAlgorithm must be "CRC32", "CRC32C", "CRC64NVME"; got "SHA256".');
  });
});
