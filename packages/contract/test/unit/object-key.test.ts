import { describe, expect, it } from 'vitest';
import {
  cleanFileName,
  isContractError,
  KEY_RULES,
  keyBytes,
  keyProblem,
  MAX_KEY_BYTES,
  objectKey,
} from '../../src/index.js';

describe('cleanFileName', () => {
  it('cleans file names: NFC, no control characters, no . or .. segments, backslashes as separators', () => {
    expect(cleanFileName('Cafe\u0301.txt')).toBe('Café.txt');
    expect(cleanFileName('a\u0000b\u001f\u007fc.txt')).toBe('abc.txt');
    expect(cleanFileName('../../etc/passwd')).toBe('etc/passwd');
    expect(cleanFileName('..\\..\\win.ini')).toBe('win.ini');
    expect(cleanFileName('./a//b/.')).toBe('a/b');
    expect(cleanFileName('..')).toBe('file');
    // A right-to-left override would show "photo\u202Egpj.exe" as "photoexe.jpg".
    expect(cleanFileName('photo\u202Egpj.exe')).toBe('photogpj.exe');
    expect(cleanFileName('\ufeffa\u200bb\u2066c\u2069.txt')).toBe('abc.txt');
    expect(cleanFileName(' holiday / cat.jpg ')).toBe('holiday/cat.jpg');
  });

  it('normalizes after removing invisible characters, so none can hide a decomposed letter', () => {
    expect(cleanFileName('e\u200b\u0301.txt')).toBe('é.txt');
  });
});

describe('keyProblem', () => {
  it('accepts ordinary keys, in any script', () => {
    for (const key of ['photos/cat.jpg', 'été/ü.txt', '写真/猫.jpg', 'a b/c d.txt', 'users/alice/x'])
      expect(keyProblem(key), key).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['photo\u202Egpj.exe', 'U+202E'],
    ['a\u0000b', 'U+0000'],
    ['a\nb', 'U+000A'],
    ['a\u0085b', 'U+0085'],
    ['a\\b', 'backslash'],
    ['Cafe\u0301.txt', 'NFC'],
    ['/x', 'start with "/"'],
    ['../bob/x', '".."'],
    ['a/../../b', '".."'],
    ['a//b', 'empty'],
    ['./a', '"."'],
    ['dir/', 'end with "/"'],
    [' cat.jpg', 'whitespace'],
    ['cat/ x.jpg', 'whitespace'],
    ['cat.jpg\u00a0', 'whitespace'],
    ['e'.repeat(1025), '1025 bytes'],
    ['é'.repeat(513), '1026 bytes'],
  ])('refuses %j, naming the rule (%s)', (key, phrase) => {
    expect(keyProblem(key)).toContain(phrase);
  });

  it('counts the prefix into S3s 1024 bytes when given', () => {
    expect(keyProblem('e'.repeat(1000))).toBeUndefined();
    expect(keyProblem('e'.repeat(1013), { prefix: 'users/alice/' })).toMatch(
      /1025 bytes long with its prefix/,
    );
  });

  it('names each rule once', () => {
    expect(new Set(KEY_RULES.map((r) => r.name)).size).toBe(KEY_RULES.length);
  });
});

// Strings built from the characters that break rules, so the property below is tested on
// the hard cases, not only on letters.
const alphabet = [
  'a',
  'é',
  'e\u0301',
  '猫',
  '😀',
  ' ',
  '\u00a0',
  '\t',
  '/',
  '\\',
  '.',
  '..',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\u0301',
  '\u2000',
  'x.jpeg',
];
function randomName(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('cleaning and checking agree', () => {
  it('every cleaned name is a safe key, and cleaning a safe key changes nothing', () => {
    const random = seeded(13);
    for (let i = 0; i < 3000; i += 1) {
      const name = randomName(random, 1 + Math.floor(random() * 12));
      const clean = cleanFileName(name);
      expect(keyProblem(clean), JSON.stringify(name)).toBeUndefined();
      expect(cleanFileName(clean)).toBe(clean);
    }
  });

  it('objectKey is a safe key of at most 1024 bytes for any name, even when it must shorten it', () => {
    const random = seeded(7);
    for (let i = 0; i < 600; i += 1) {
      const base = `users/alice/${'d'.repeat(Math.floor(random() * 1000))}/`;
      const name = randomName(random, Math.floor(random() * 700));
      const key = objectKey(base, name);
      expect(key.startsWith(base)).toBe(true);
      expect(keyBytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
      expect(keyProblem(key), JSON.stringify({ base, name })).toBeUndefined();
    }
  });

  it('shortens a long name to 1024 bytes, keeping its extension', () => {
    expect(objectKey('users/alice/abc/', 'photo.jpg')).toBe('users/alice/abc/photo.jpg');
    const key = objectKey('users/alice/abc/', `${'é'.repeat(800)}.jpeg`);
    expect(keyBytes(key)).toBeLessThanOrEqual(1024);
    expect(key.endsWith('é.jpeg')).toBe(true);
  });

  it('refuses a base that leaves no room', () => {
    let error: unknown;
    try {
      objectKey(`${'a'.repeat(1024)}/`, 'x');
    } catch (e) {
      error = e;
    }
    expect(isContractError(error) && error.code).toBe('invalid_key');
  });
});
