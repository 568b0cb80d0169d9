import { describe, expect, it } from 'vitest';
import {
  isContractError,
  isRenditionKey,
  keyProblem,
  MAX_KEY_BYTES,
  objectKey,
  parseRenditionKey,
  renditionKey,
  renditionsPrefix,
} from '../../src/index.js';

const prefix = 'users/alice/';

describe('renditionKey', () => {
  it('puts a rendition under <prefix>.thumbnails/<width>/ with the whole original rest and the format extension', () => {
    expect(renditionKey('users/alice/3f9c/cat.jpg', { prefix, width: 320, format: 'webp' })).toBe(
      'users/alice/.thumbnails/320/3f9c/cat.jpg.webp',
    );
    expect(renditionKey('users/alice/a/b/IMG 1.HEIC', { prefix, width: 64, format: 'jpeg' })).toBe(
      'users/alice/.thumbnails/64/a/b/IMG 1.HEIC.jpg',
    );
    expect(renditionsPrefix(prefix)).toBe('users/alice/.thumbnails/');
  });

  it('round-trips through parseRenditionKey, and the result is a safe key', () => {
    for (const original of [
      'users/alice/x/写真.jpg',
      'users/alice/x/no-extension',
      'users/alice/x/a.b.c.png',
    ]) {
      for (const format of ['webp', 'jpeg', 'avif', 'png'] as const) {
        const key = renditionKey(original, { prefix, width: 1280, format });
        expect(keyProblem(key), key).toBeUndefined();
        expect(isRenditionKey(key, prefix)).toBe(true);
        expect(parseRenditionKey(key, prefix)).toEqual({ originalKey: original, width: 1280, format });
      }
    }
  });

  it("tells originals from renditions in a listing, and another user's folder is not this user's", () => {
    expect(isRenditionKey('users/alice/3f9c/cat.jpg', prefix)).toBe(false);
    expect(parseRenditionKey('users/alice/3f9c/cat.jpg', prefix)).toBeUndefined();
    expect(isRenditionKey('users/bob/.thumbnails/320/x.jpg.webp', prefix)).toBe(false);
    // Reserved as a whole: a stray key there is still not an original.
    expect(isRenditionKey('users/alice/.thumbnails/oops', prefix)).toBe(true);
    expect(parseRenditionKey('users/alice/.thumbnails/oops', prefix)).toBeUndefined();
    expect(parseRenditionKey('users/alice/.thumbnails/320/x.jpg.gif', prefix)).toBeUndefined();
    expect(parseRenditionKey('users/alice/.thumbnails/0320/x.jpg.webp', prefix)).toBeUndefined();
  });

  it.each([
    [{ width: 0, format: 'webp' }, /whole number of pixels/],
    [{ width: 320.5, format: 'webp' }, /whole number of pixels/],
    [{ width: 20_000, format: 'webp' }, /whole number of pixels/],
    [{ width: 320, format: 'gif' }, /one of webp, jpeg, avif, png/],
  ])('refuses a bad spec %o with a message that says what is allowed', (spec, message) => {
    expect(() =>
      renditionKey('users/alice/x.jpg', { prefix, ...(spec as { width: number; format: 'webp' }) }),
    ).toThrow(message);
  });

  it('refuses an original outside the prefix, a rendition of a rendition, and an unsafe prefix', () => {
    expect(() => renditionKey('users/bob/x.jpg', { prefix, width: 320, format: 'webp' })).toThrow(
      /not inside the prefix/,
    );
    expect(() =>
      renditionKey('users/alice/.thumbnails/320/x.jpg.webp', { prefix, width: 64, format: 'webp' }),
    ).toThrow(/itself a rendition/);
    expect(() => renditionKey('users/x.jpg', { prefix: 'users', width: 64, format: 'webp' })).toThrow(
      /safe prefix/,
    );
  });

  it("refuses with invalid_key when the longer rendition key would pass S3's 1024 bytes", () => {
    const original = objectKey('users/alice/id/', `${'a'.repeat(2000)}.jpg`);
    expect(original.length).toBe(MAX_KEY_BYTES);
    try {
      renditionKey(original, { prefix, width: 320, format: 'webp' });
      expect.unreachable();
    } catch (error) {
      expect(isContractError(error) && error.code).toBe('invalid_key');
      expect(String(error)).toMatch(/320 px rendition's key is \d+ bytes long; S3 allows 1024/);
    }
  });
});
