import { describe, expect, it } from 'vitest';
import {
  contentDisposition,
  decodeMetadataValue,
  displayName,
  encodeMetadataValue,
  MAX_USER_METADATA_BYTES,
  metadataSize,
  pastedFileName,
} from '../../src/index.js';

describe('x-amz-meta-* values', () => {
  it('sends printable ASCII as it is, anything else as RFC 2047 encoded-words that read back exactly', () => {
    expect(encodeMetadataValue('Sunset over the bay')).toBe('Sunset over the bay');
    for (const text of [
      'Coucher de soleil à Nice',
      '東京の夜景',
      'שלום',
      '🌅 ok',
      '50%20off',
      'a =?b?= c',
      '',
    ]) {
      const sent = encodeMetadataValue(text);
      expect(sent).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeMetadataValue(sent), text).toBe(text);
    }
    expect(encodeMetadataValue('Été')).toBe('=?UTF-8?B?w4l0w6k=?=');
  });

  it('splits long text into words of at most 75 characters, each whole UTF-8 (emoji and CJK not cut)', () => {
    const text = '夕焼けの海と🌅の写真、'.repeat(20);
    const sent = encodeMetadataValue(text);
    const words = sent.split(' ');
    expect(words.length).toBeGreaterThan(5);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      const [, b64] = /^=\?UTF-8\?B\?([^?]*)\?=$/.exec(word) ?? [];
      // Each word decodes alone to valid UTF-8.
      expect(() =>
        new TextDecoder('utf-8', { fatal: true }).decode(
          Uint8Array.from(atob(b64 ?? 'x'), (c) => c.charCodeAt(0)),
        ),
      ).not.toThrow();
    }
    expect(decodeMetadataValue(sent)).toBe(text);
  });

  it('turns control characters (a CR LF would end the header) into spaces', () => {
    expect(encodeMetadataValue('line one\r\nline two\tend')).toBe('line one  line two end');
  });

  it('reads what S3 and other writers return: Q encoding, percent-encoding, plain text', () => {
    expect(decodeMetadataValue('=?utf-8?q?caf=C3=A9_au_lait?=')).toBe('café au lait');
    expect(decodeMetadataValue('caf%C3%A9')).toBe('café');
    expect(decodeMetadataValue('100% sure')).toBe('100% sure');
  });
});

describe("S3's 2 KB of user metadata", () => {
  it('counts each name and each value as sent, and passes exactly 2,048 bytes', () => {
    expect(metadataSize({ title: 'abc' })).toMatchObject({ bytes: 8, limit: 2048, fields: { title: 8 } });
    expect(metadataSize({ title: 'x'.repeat(MAX_USER_METADATA_BYTES - 5) }).over).toBeUndefined();
    const over = metadataSize({ title: 'x'.repeat(MAX_USER_METADATA_BYTES - 4) });
    expect(over.over).toEqual({ field: 'title', bytes: 1, characters: 1 });
  });

  it('names the largest field and how many of its characters to cut: cutting that many fits, one fewer does not', () => {
    const metadata = { title: 'Vacances', description: 'Coucher de soleil à Nice, '.repeat(80) };
    const size = metadataSize(metadata);
    expect(size.bytes).toBeGreaterThan(MAX_USER_METADATA_BYTES);
    expect(size.over!.field).toBe('description');
    expect(size.over!.bytes).toBe(size.bytes - MAX_USER_METADATA_BYTES);
    const chars = [...metadata.description];
    const cut = (n: number) => ({ ...metadata, description: chars.slice(0, chars.length - n).join('') });
    expect(metadataSize(cut(size.over!.characters)).over).toBeUndefined();
    expect(metadataSize(cut(size.over!.characters - 1)).over).toBeDefined();
  });
});

describe('Content-Disposition (RFC 6266 / RFC 8187)', () => {
  const exact = (header: string) => decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(header)![1]!);
  const fallback = (header: string) => /filename="([^"]*)"/.exec(header)![1]!;

  it('quotes, semicolons and non-ASCII: an ASCII fallback that cannot break the header, the exact name in filename*', () => {
    const header = contentDisposition('Été "2026"; plage.jpg');
    expect(header).toBe(
      `inline; filename="Ete '2026'; plage.jpg"; filename*=UTF-8''%C3%89t%C3%A9%20%222026%22%3B%20plage.jpg`,
    );
    expect(exact(header)).toBe('Été "2026"; plage.jpg');
    expect(header).toMatch(/^[\x20-\x7e]*$/);
    expect(contentDisposition('a.pdf', 'attachment')).toMatch(
      /^attachment; filename="a\.pdf"; filename\*=UTF-8''a\.pdf$/,
    );
  });

  it("an RTL override cannot disguise an extension: the name shows as it really is ('photo\\u202Egpj.exe')", () => {
    const header = contentDisposition('photo\u202Egpj.exe');
    expect(exact(header)).toBe('photogpj.exe');
    expect(fallback(header)).toBe('photogpj.exe');
    expect(displayName('\u2067evil\u2069 \u200bname/..\\x.png\r\n')).toBe('evil name_.._x.png');
    expect(displayName('\u202e')).toBe('file');
    // Non-Latin names stay honest: only the fallback loses them.
    const hebrew = contentDisposition('תמונה.png');
    expect(exact(hebrew)).toBe('תמונה.png');
    expect(fallback(hebrew)).toBe('_____.png');
  });
});

describe('pasted files', () => {
  it('get a dated name, made unique against the names already taken', () => {
    const at = new Date(2026, 11, 6, 17, 42, 10);
    expect(pastedFileName('image/png', at)).toBe('Pasted image 2026-12-06 17.42.10.png');
    const taken = new Set([
      'Pasted image 2026-12-06 17.42.10.png',
      'Pasted image 2026-12-06 17.42.10 (2).png',
    ]);
    expect(pastedFileName('image/png', at, taken)).toBe('Pasted image 2026-12-06 17.42.10 (3).png');
    expect(pastedFileName('image/jpeg', at)).toBe('Pasted image 2026-12-06 17.42.10.jpg');
    expect(pastedFileName('text/plain', at)).toBe('Pasted text 2026-12-06 17.42.10.txt');
    expect(pastedFileName('', at)).toBe('Pasted file 2026-12-06 17.42.10.bin');
  });
});
