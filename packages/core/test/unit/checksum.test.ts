import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  crc32Combine,
  crc32FromBase64,
  crc32ToBase64,
  fullObjectCrc32,
  loadCrc32,
} from '../../src/checksum.js';
import { crc32Table } from '../../src/crc32.js';

describe('CRC-32', () => {
  it.each(['node:zlib', 'wasm', 'js'] as const)(
    '%s agrees with zlib on the check value and random data',
    async (which) => {
      const { crc32, implementation } = await loadCrc32(which);
      expect(implementation).toBe(which);
      expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
      expect(crc32(new Uint8Array(0))).toBe(0);
      for (const size of [1, 1000, 65_537, 1 << 20]) {
        const bytes = randomBytes(size);
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }
    },
  );

  it('picks node:zlib in Node', async () => {
    expect((await loadCrc32()).implementation).toBe('node:zlib');
    expect(crc32Table(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('encodes as S3 does (4 big-endian bytes, base64) and decodes back; refuses other lengths', () => {
    expect(crc32ToBase64(0xcbf43926)).toBe('y/Q5Jg==');
    expect(crc32FromBase64('y/Q5Jg==')).toBe(0xcbf43926);
    expect(crc32FromBase64('AAAAAAAAAAA=')).toBeUndefined();
    expect(crc32FromBase64('not base64!')).toBeUndefined();
  });

  it('combines part CRCs into the CRC of the concatenation (crc32_combine), including empty parts', () => {
    for (const [a, b] of [
      [0, 0],
      [0, 10],
      [10, 0],
      [1, 1],
      [1000, 4097],
      [5 << 20, 3 << 20],
    ] as const) {
      const x = randomBytes(a);
      const y = randomBytes(b);
      expect(crc32Combine(zlibCrc32(x), zlibCrc32(y), b)).toBe(zlibCrc32(Buffer.concat([x, y])));
    }
    const parts = [randomBytes(5 << 20), randomBytes(5 << 20), randomBytes(123)];
    expect(fullObjectCrc32(parts.map((p) => ({ crc: zlibCrc32(p), size: p.length })))).toBe(
      zlibCrc32(Buffer.concat(parts)),
    );
  });

  it('combines lengths beyond 2^32 bytes without overflow (zeros: crc of n zero bytes by doubling)', () => {
    // crc(zeros(2n)) = combine(crc(zeros(n)), crc(zeros(n)), n): check the doubling chain
    // against a direct CRC up to 4 MiB, then take it past 2^32 and back to a known identity.
    const z = (n: number) => zlibCrc32(Buffer.alloc(n));
    let crc = z(1);
    let n = 1;
    while (n < 4 << 20) {
      crc = crc32Combine(crc, crc, n);
      n *= 2;
      expect(crc).toBe(z(n));
    }
    const big = 2 ** 33 + 5;
    // combine(A, B, big) must equal combine(combine(A, 0-crc-of-big-zeros...)): check linearity
    // instead: combine(a, b, L) ^ combine(a2, b, L) = combine(a ^ a2, 0, L).
    const a = 0x12345678;
    const a2 = 0x9abcdef0;
    const b = 0x0badf00d;
    expect((crc32Combine(a, b, big) ^ crc32Combine(a2, b, big)) >>> 0).toBe(
      crc32Combine((a ^ a2) >>> 0, 0, big),
    );
    expect(crc32Combine(a, b, big)).not.toBe(crc32Combine(a, b, big - 2 ** 32));
  });
});
