import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../src/byte-size.js';
import { isS3UploadElementError } from '../../src/errors.js';
import { checkFiles, fileIdentity, matchesAccept } from '../../src/restrictions.js';

const f = (name: string, size: number, type = '') =>
  new File([new Uint8Array(size)], name, { type, lastModified: 1 });

describe('matchesAccept', () => {
  it('reads accept like <input accept>: extensions case-insensitive, MIME families, exact types', () => {
    expect(matchesAccept(f('A.JPG', 1, 'image/jpeg'), '.jpg')).toBe(true);
    expect(matchesAccept(f('a.heic', 1, 'image/heic'), 'image/*')).toBe(true);
    expect(matchesAccept(f('a.pdf', 1, 'application/pdf'), 'image/*, application/pdf')).toBe(true);
    expect(matchesAccept(f('a.txt', 1, 'text/plain'), 'image/*,.pdf')).toBe(false);
    expect(matchesAccept(f('imagefile', 1, 'imagex/png'), 'image/*')).toBe(false);
    expect(matchesAccept(f('a.txt', 1, 'text/plain'), '')).toBe(true);
    expect(matchesAccept(f('a.txt', 1, 'text/plain'), undefined)).toBe(true);
  });
});

describe('checkFiles', () => {
  it('refuses by type, then size, then duplicate, then count, keeping indexes', () => {
    const known = new Set([fileIdentity(f('old.png', 5, 'image/png'))]);
    const files = [
      f('a.txt', 5, 'text/plain'),
      f('big.png', 5000, 'image/png'),
      f('old.png', 5, 'image/png'),
      f('b.png', 5, 'image/png'),
      f('c.png', 5, 'image/png'),
      f('b.png', 5, 'image/png'),
    ];
    const { accepted, refused } = checkFiles(
      files,
      { accept: 'image/*', maxFileSize: 1000, maxFiles: 2 },
      1,
      known,
    );
    expect(accepted.map((x) => x.name)).toEqual(['b.png']);
    expect(refused.map((r) => [r.index, r.refusal.code])).toEqual([
      [0, 'type'],
      [1, 'too-large'],
      [2, 'duplicate'],
      [4, 'too-many'],
      [5, 'duplicate'],
    ]);
  });

  it('accepts everything without limits', () => {
    const { accepted, refused } = checkFiles([f('a', 0), f('b', 10 ** 6)], {}, 0, new Set());
    expect(accepted).toHaveLength(2);
    expect(refused).toEqual([]);
  });
});

describe('parseByteSize', () => {
  it('reads bytes and decimal or binary units', () => {
    expect(parseByteSize('1048576', 'max-file-size')).toBe(1048576);
    expect(parseByteSize('10 MB', 'max-file-size')).toBe(10_000_000);
    expect(parseByteSize('5MiB', 'part-size')).toBe(5 * 1024 * 1024);
    expect(parseByteSize(' 1.5 gb ', 'max-file-size')).toBe(1_500_000_000);
  });

  it('names the attribute and the expected form when it cannot', () => {
    let error: unknown;
    try {
      parseByteSize('lots', 'max-file-size');
    } catch (e) {
      error = e;
    }
    expect(isS3UploadElementError(error)).toBe(true);
    expect((error as Error).message).toContain('max-file-size="lots"');
    expect((error as Error).message).toContain('"10 MB"');
    expect(() => parseByteSize('10 XB', 'part-size')).toThrow(/part-size/);
  });
});
