import { describe, expect, it } from 'vitest';
import { isTokenServerError } from '../../src/errors.js';
import { scopedKey } from '../../src/object-key.js';
import { originAllowlist } from '../../src/origin-allowlist.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTokenServerError(error) ? error.code : 'unexpected';
  }
  return undefined;
}

describe('originAllowlist', () => {
  const allowed = originAllowlist(['https://app.example.com', 'http://localhost:*', 'https://*.example.org']);

  it.each([
    ['https://app.example.com', true],
    ['https://APP.example.com', true],
    ['http://app.example.com', false],
    ['https://app.example.com:8443', false],
    ['https://app.example.com.evil.test', false],
    ['https://evilapp.example.com', false],
    ['http://localhost', true],
    ['http://localhost:5173', true],
    ['http://localhost.evil.test:5173', false],
    ['https://a.example.org', true],
    ['https://a.b.example.org', true],
    ['https://example.org', false],
    ['https://evilexample.org', false],
    ['null', false],
  ])('%s → %s', (origin, expected) => {
    expect(allowed(origin)).toBe(expected);
  });

  it('refuses entries that are not origins at start', () => {
    for (const entry of [
      'https://app.example.com/',
      'app.example.com',
      '*',
      'https://a.com/path',
      'ftp://x.y',
    ]) {
      expect(
        code(() => originAllowlist([entry])),
        entry,
      ).toBe('invalid_config');
    }
  });
});

describe('scopedKey', () => {
  it('joins a relative key to the prefix', () => {
    expect(scopedKey('users/alice/', 'photos/cat.jpg')).toBe('users/alice/photos/cat.jpg');
    expect(scopedKey('users/alice/', 'été/ü.txt')).toBe('users/alice/été/ü.txt');
  });

  it.each([
    [''],
    ['/x'],
    ['../bob/x'],
    ['a/../../b'],
    ['a//b'],
    ['./a'],
    ['dir/'],
    ['a\\b'],
    ['a\u0000b'],
    ['a\nb'],
    // What the engine would strip or change, refused here so a presigned key is one the
    // engine could have written (the contract's keyProblem): a bidi override that shows
    // "photo\u202Egpj.exe" as "photoexe.jpg", a C1 control, NFD, edge whitespace.
    ['photo\u202Egpj.exe'],
    ['a\u0085b'],
    ['a\u200bb'],
    ['Cafe\u0301.txt'],
    [' cat.jpg'],
    ['photos /cat.jpg'],
  ])('refuses %j', (key) => {
    expect(code(() => scopedKey('users/alice/', key))).toBe('bad_request');
  });

  it('allows the filename variable only at the end and only when asked (POST)', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the S3 POST form variable, literally.
    const variable = 'uploads/${filename}';
    expect(scopedKey('users/alice/', variable, { allowFilenameVariable: true })).toBe(
      `users/alice/${variable}`,
    );
    expect(code(() => scopedKey('users/alice/', variable))).toBe('bad_request');
  });

  it('refuses keys longer than S3 allows, counting UTF-8 bytes', () => {
    expect(code(() => scopedKey('users/alice/', 'é'.repeat(510)))).toBe('bad_request');
    expect(scopedKey('users/alice/', 'e'.repeat(1000))).toHaveLength(1012);
  });
});
