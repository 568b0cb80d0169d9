import type { ImageNote } from '@s3up/core';
import { describe, expect, it } from 'vitest';
import { type Catalog, Messages, type PluralText } from '../../src/messages/catalog.js';
import { en } from '../../src/messages/en.js';
import { hintText } from '../../src/messages/hint-text.js';
import { allLocales, loadCatalog, matchLocale } from '../../src/messages/locales.js';
import {
  announcementText,
  errorText,
  imageNoteText,
  refusalText,
  statusText,
  summaryText,
} from '../../src/messages/texts.js';

const limits = { accept: 'image/*', maxFileSize: 20_000_000, maxFiles: 1, multiple: true };

describe('matchLocale', () => {
  it('ships eleven languages', () => {
    expect([...allLocales].sort()).toEqual([
      'ar',
      'de',
      'en',
      'es',
      'fr',
      'it',
      'ja',
      'nl',
      'pl',
      'pt-BR',
      'zh-CN',
    ]);
  });

  it('takes the first wanted locale it has, by exact tag then by language', () => {
    expect(matchLocale(['fr-CA', 'de'])).toBe('fr');
    expect(matchLocale([undefined, null, 'DE-at'])).toBe('de');
    expect(matchLocale(['xx', 'tlh'])).toBe('en');
    expect(matchLocale(['pt-PT'])).toBe('pt-BR');
    expect(matchLocale(['zh'])).toBe('zh-CN');
    expect(matchLocale(['zh-TW', 'ja-JP'])).toBe('ja');
    expect(matchLocale(['zh-Hant-HK'])).toBe('en');
    expect(matchLocale([])).toBe('en');
  });
});

describe('catalogues', () => {
  for (const locale of allLocales) {
    it(`${locale}: every plural text has the forms its language uses for 0 to 1000`, async () => {
      const catalog: Catalog = await loadCatalog(locale);
      const rules = new Intl.PluralRules(locale);
      const used = new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)));
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const [id, entry] of Object.entries(catalog) as [string, string | PluralText][]) {
        if (typeof entry === 'string') continue;
        for (const category of used)
          expect(entry[category], `${locale} ${id} ${category}`).toBeTypeOf('string');
      }
    });
  }
});

describe('Messages', () => {
  it('chooses the plural form with Intl.PluralRules and formats numbers in the locale', async () => {
    const m = new Messages('en', en);
    expect(m.text('atMostFiles', { count: 1 })).toBe('At most 1 file');
    expect(m.text('atMostFiles', { count: 3000 })).toBe('At most 3,000 files');
    const pl = new Messages('pl', await loadCatalog('pl'));
    expect([1, 2, 5, 22].map((count) => pl.text('filesAdded', { count }))).toEqual([
      'Dodano 1 plik.',
      'Dodano 2 pliki.',
      'Dodano 5 plików.',
      'Dodano 22 pliki.',
    ]);
    const ar = new Messages('ar', await loadCatalog('ar'));
    expect(ar.text('filesAdded', { count: 2 })).toBe('أُضيف ملفان.');
    // Digits as the runtime's ICU writes Arabic numbers (Latin or Arabic-Indic).
    expect(ar.text('filesAdded', { count: 3 })).toMatch(/^أُضيفت (3|٣) ملفات\.$/);
  });

  it("sizes in each language's own units", async () => {
    const size = (locale: string) => refusalText(new Messages(locale, en), { code: 'too-large' }, limits);
    expect(size('fr')).toContain('20\u202fMo');
    expect(size('en')).toContain('20 MB');
  });

  it('takes an app override for any text, placeholders included', () => {
    const m = new Messages('en', en, { browseFiles: 'Add photos', fileAdded: 'Got {name}!' });
    expect(m.text('browseFiles')).toBe('Add photos');
    expect(m.text('fileAdded', { name: 'cat.jpg' })).toBe('Got cat.jpg!');
    expect(m.text('browseFile')).toBe('Browse for a file');
  });
});

describe('texts are pure functions of (messages, event)', async () => {
  const fr = new Messages('fr', await loadCatalog('fr'));
  const en1 = new Messages('en', en);

  it('refusals name the limit in the locale', () => {
    expect(refusalText(fr, { code: 'too-large' }, limits)).toBe('Dépasse la limite de 20\u202fMo.');
    expect(refusalText(en1, { code: 'too-many' }, limits)).toBe('No more than 1 file.');
    expect(refusalText(en1, { code: 'too-many' }, { ...limits, multiple: false })).toBe(
      'Only one file can be added.',
    );
  });

  it('errors are worded from the code only', () => {
    expect(errorText(en1, 'network')).toBe('Network problem: check your connection and retry.');
    expect(errorText(en1, 'invalid-key')).toBe('Uploads are misconfigured on this site.');
    expect(errorText(en1, undefined)).toBe('The upload failed: retry.');
  });

  it('a credentials error says sign in again only for a refusal (401/403), else the service answered wrong (#14 item 1)', () => {
    expect(errorText(en1, { code: 'credentials', status: 401 })).toBe(
      'Not allowed to upload: sign in again.',
    );
    expect(errorText(en1, { code: 'credentials', status: 403 })).toBe(
      'Not allowed to upload: sign in again.',
    );
    expect(errorText(en1, { code: 'credentials', status: 200 })).toBe(
      'The upload service answered something unexpected: retry later.',
    );
    expect(errorText(en1, { code: 'exists', status: 412 })).toBe('A file of this name is already stored.');
  });

  it('a batch of news reads as one message, by name or by count', () => {
    expect(
      announcementText(en1, [
        { kind: 'added', name: 'a.txt' },
        { kind: 'finished', name: 'b.txt' },
        { kind: 'finished', name: 'c.txt' },
        { kind: 'all-done' },
      ]),
    ).toBe('a.txt added. 2 files uploaded. All uploads finished.');
    expect(
      announcementText(fr, [{ kind: 'failed', name: 'x.bin', reason: 'Trop volumineux pour le stockage.' }]),
    ).toBe('Échec de x.bin : Trop volumineux pour le stockage.');
  });

  it('the hint and the summary', () => {
    expect(hintText(en1, limits)).toBe('Accepted: image/* · Up to 20 MB each · At most 1 file');
    expect(
      summaryText(
        en1,
        { done: 1, counted: 2 },
        { bytesUploaded: 1_000_000, totalBytes: 3_000_000, speed: 0 },
      ),
    ).toBe('1 of 2 uploaded · 1 MB of 3 MB');
  });
});

describe('honest states (#20)', () => {
  const m = new Messages('en', en);

  it('says pausing, offline and reconnecting apart from a plain pause or upload', () => {
    expect(statusText(m, 'pausing', true)).toBe('Pausing…');
    expect(statusText(m, 'paused', true)).toBe('Paused');
    expect(statusText(m, 'paused', true, { offline: true })).toBe('Offline — will continue when back');
    expect(statusText(m, 'uploading', true)).toBe('Uploading');
    expect(statusText(m, 'uploading', true, { reconnecting: true })).toBe('Reconnecting…');
  });

  it('says when another tab drives the file, and when another tab stored it (#14 item 3)', () => {
    expect(statusText(m, 'uploading', true, { otherTab: true })).toBe('Uploading in another tab…');
    expect(statusText(m, 'succeeded', true, { elsewhere: true })).toBe('Uploaded in another tab');
    expect(statusText(m, 'succeeded', true)).toBe('Uploaded');
  });

  it('names both files when the file picked to continue is another one', () => {
    expect(m.text('wrongFile', { picked: 'b.jpg', name: 'a.jpg' })).toBe(
      '“b.jpg” is not “a.jpg”: pick the same file to continue it, or discard the upload.',
    );
  });
});

describe('image notes are said from their code, in every language', () => {
  const notes: ImageNote[] = [
    {
      code: 'metadata-unreadable',
      detail: 'bad IFD offset',
      message: 'Its metadata could not be read (bad IFD offset), …',
    },
    { code: 'heic-location-kept', message: 'HEIC photos …' },
    { code: 'gif-kept', message: 'GIF …' },
    { code: 'svg-kept', message: 'SVG …' },
    { code: 'heic-not-decoded', message: 'HEIC photo …' },
    {
      code: 'not-decoded',
      detail: 'EncodingError',
      message: 'The image could not be decoded (EncodingError) …',
    },
    { code: 'format-fallback', target: 'photo', asked: 'avif', used: 'webp', message: '…' },
    { code: 'format-fallback', target: 'thumbnails', asked: 'avif', used: 'jpeg', message: '…' },
    {
      code: 'thumbnail-not-stored',
      width: 1024,
      error: 'access-denied',
      detail: 'Access denied',
      message: '…',
    },
  ];

  it('English, with the formats and width filled in, never the engine’s English detail', () => {
    const m = new Messages('en', en);
    expect(notes.map((n) => imageNoteText(m, n))).toEqual([
      'Its metadata could not be read, so it was uploaded unchanged: any location in it is still there.',
      'HEIC photos are uploaded as they are: any location in them was not removed.',
      'GIF uploaded as it is (resizing would lose the animation); no thumbnail made.',
      'SVG uploaded as it is (it scales without resizing); no thumbnail made.',
      'This browser cannot open HEIC photos, so it was uploaded as it is: not resized, no thumbnails, any location still in it.',
      'The image could not be opened, so it was uploaded as it is, without thumbnails.',
      'This browser cannot save AVIF; the photo was saved as WebP.',
      'This browser cannot save AVIF; thumbnails were saved as JPEG.',
      'The 1,024 px thumbnail was not stored.',
    ]);
  });

  for (const locale of allLocales) {
    it(`${locale}: a distinct text for each code, placeholders filled`, async () => {
      const m = new Messages(locale, await loadCatalog(locale));
      const texts = notes.map((n) => imageNoteText(m, n));
      expect(new Set(texts).size).toBe(notes.length);
      for (const text of texts) {
        expect(text).not.toMatch(/[{}]|…|bad IFD|EncodingError|Access denied/);
        expect(text.length).toBeGreaterThan(5);
      }
      expect(texts[6]).toContain('AVIF');
      expect(texts[6]).toContain('WebP');
      expect(texts[7]).toContain('JPEG');
      if (locale !== 'en')
        expect(texts).not.toEqual(notes.map((n) => imageNoteText(new Messages('en', en), n)));
    });
  }

  it('a code this element does not know shows the engine’s English message', () => {
    const m = new Messages('fr', en);
    const future = { code: 'from-the-future', message: 'Something new happened.' } as unknown as ImageNote;
    expect(imageNoteText(m, future)).toBe('Something new happened.');
  });
});
