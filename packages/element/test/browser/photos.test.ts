// Photos through <s3-upload> in Chromium, against the real token server and local S3: the
// location is removed by default (exifr on the stored object), the photo attributes resize and
// make thumbnails under the contract's keys, the row shows what was done, and the row's
// thumbnail is decoded at its display size, not at the photo's.
import { renditionKey } from '@s3up/contract';
import { exifSegment, exifTiffOffset, testPhoto, withSegments } from '@s3up/testkit/test-photo';
import exifr from 'exifr';
import { afterEach, describe, expect, it } from 'vitest';
import { mount, readBack, rowOf, rows } from './fixture.js';

afterEach(() => {
  document.body.replaceChildren();
});

const PARIS = { latitude: 48.8584, longitude: 2.2945 };
const jpeg = (bytes: Uint8Array, name: string) =>
  new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'image/jpeg', lastModified: 1_700_000_000_000 });

describe('<s3-upload> and photos', () => {
  it('removes a photo’s location by default, says so in the row and the event, and keep-location keeps it', async () => {
    const photo = await testPhoto(1200, 800, { exif: { make: 'Pixel', gps: PARIS } });
    const { el, token } = await mount({ multiple: true });
    const details: unknown[] = [];
    el.addEventListener('s3-upload-succeeded', (e) => details.push(e.detail.image));
    el.addFiles([jpeg(photo, 'beach.jpg')]);
    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded']);
    const stored = await readBack(el.value[0]!, token);
    expect(await exifr.gps(stored)).toBeUndefined();
    expect((await exifr.parse(stored, { tiff: true })).Make).toBe('Pixel');
    expect(details).toEqual([
      expect.objectContaining({
        processing: 'location-removed',
        locationRemoved: { exif: expect.arrayContaining(['GPSLatitude']), xmp: [] },
      }),
    ]);
    expect(rowOf(el, 'beach.jpg').querySelector('[part="location-removed"]')?.textContent).toBe(
      'Location removed',
    );

    const kept = await mount({ 'keep-location': true });
    kept.el.addFiles([jpeg(photo, 'home.jpg')]);
    await expect
      .poll(() => rows(kept.el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded']);
    const original = await readBack(kept.el.value[0]!, kept.token);
    expect(original).toEqual(photo);
    expect(rowOf(kept.el, 'home.jpg').querySelector('[part="location-removed"]')).toBeNull();
  });

  it('max-dimension, image-format and thumbnails resize the photo and store its thumbnails under renditionKey', async () => {
    const photo = await testPhoto(3000, 2000, { exif: { gps: PARIS } });
    const { el, token, user } = await mount({
      'max-dimension': '1000',
      'image-format': 'webp',
      thumbnails: '320 64:jpeg',
    });
    let image: { renditions: { key: string; width: number; format: string }[] } | undefined;
    el.addEventListener('s3-upload-succeeded', (e) => {
      image = e.detail.image;
    });
    el.addFiles([jpeg(photo, 'IMG_7.jpg')]);
    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 30_000 })
      .toEqual(['succeeded']);
    const key = el.value[0]!;
    expect(key).toMatch(new RegExp(`^users/${user}/[0-9a-z]+/IMG_7\\.webp$`));
    const stored = await readBack(key, token);
    const bitmap = await createImageBitmap(new Blob([stored]));
    expect([bitmap.width, bitmap.height]).toEqual([1000, 667]);
    const prefix = `users/${user}/`;
    expect(image!.renditions.map((r) => [r.key, r.width, r.format])).toEqual([
      [renditionKey(key, { prefix, width: 320, format: 'webp' }), 320, 'webp'],
      [renditionKey(key, { prefix, width: 64, format: 'jpeg' }), 64, 'jpeg'],
    ]);
    for (const r of image!.renditions) {
      const thumb = await createImageBitmap(new Blob([await readBack(r.key, token)]));
      expect(thumb.width).toBe(r.width);
    }
  });

  it('decodes a row thumbnail at its display size, not at the photo’s', async () => {
    const photo = await testPhoto(2400, 1600);
    const { el } = await mount({ auto: 'false' });
    el.addFiles([jpeg(photo, 'big.jpg')]);
    await expect.poll(() => rows(el).length).toBe(1);
    const img = () => rowOf(el, 'big.jpg').querySelector('img');
    await expect.poll(() => img()?.complete && img()!.naturalWidth, { timeout: 10_000 }).toBeGreaterThan(0);
    // 40 CSS px at this screen's density (at most 3×), 1.5× wide for a landscape photo.
    expect(img()!.naturalWidth).toBe(Math.round(40 * 1.5 * Math.min(3, devicePixelRatio)));
    expect(img()!.naturalWidth).toBeLessThan(2400 / 10);
  });

  it('shows the engine’s note for a photo it could not read, in the element’s language, and stores it unchanged', async () => {
    // EXIF whose IFD points past its segment: not a photo to guess about.
    const good = await testPhoto(400, 300);
    const bad = withSegments(good, exifSegment({ gps: PARIS }));
    const tiff = exifTiffOffset(bad);
    new DataView(bad.buffer).setUint32(tiff + 4, 0xfff0, true);
    const { el, token } = await mount();
    const details: unknown[] = [];
    el.addEventListener('s3-upload-succeeded', (e) => details.push(e.detail.image?.notes));
    el.addFiles([jpeg(bad, 'odd.jpg')]);
    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded']);
    expect(await readBack(el.value[0]!, token)).toEqual(bad);
    const note = rowOf(el, 'odd.jpg').querySelector<HTMLElement>('[part="note"]')!;
    expect(note.dataset.code).toBe('metadata-unreadable');
    expect(note.textContent).toBe(
      'Its metadata could not be read, so it was uploaded unchanged: any location in it is still there.',
    );
    // The event carries the code, its parameters and the engine's English for apps without the element's texts.
    expect(details).toEqual([
      [
        {
          code: 'metadata-unreadable',
          detail: expect.any(String),
          message: expect.stringMatching(
            /^Its metadata could not be read \(.+\), so it was uploaded unchanged/,
          ),
        },
      ],
    ]);

    const french = await mount({ locale: 'fr' });
    french.el.addFiles([jpeg(bad, 'bizarre.jpg')]);
    await expect
      .poll(() => rows(french.el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded']);
    expect(rowOf(french.el, 'bizarre.jpg').querySelector('[part="note"]')?.textContent).toBe(
      'Ses métadonnées sont illisibles, le fichier a donc été envoyé sans modification : sa position éventuelle y est toujours.',
    );
  });
});
