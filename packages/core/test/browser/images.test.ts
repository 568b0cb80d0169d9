// Photos in real Chromium against the local backend: resized in the Worker with EXIF
// orientation applied, stored without location (read back and parsed with exifr), the
// lossless path pixel-identical, thumbnails under the contract's keys, HEIC as it is.
import { parseRenditionKey, renditionKey } from '@s3up/contract';
import type {} from '@s3up/testkit/provided-token-server';
import { pixels, scanOffset, testPhoto } from '@s3up/testkit/test-photo';
import exifr from 'exifr';
import { describe, expect, inject, it } from 'vitest';
import { Uploader, type UploaderOptions, type UploadTask } from '../../src/index.js';
import { settled } from '../support/harness-events.js';
import { readerFor } from '../support/read-back.js';
import { testUser, tokenCredentials } from '../support/token.js';

const tokenServer = inject('tokenServer');
const PARIS = { latitude: 48.8584, longitude: 2.2945, altitude: 35 };

async function upload(user: string, file: File, options: Partial<UploaderOptions> = {}): Promise<UploadTask> {
  const up = new Uploader({ credentials: await tokenCredentials(tokenServer, user), ...options });
  const task = up.add(file);
  await settled(up, task);
  await up.destroy();
  expect(task.error).toBeUndefined();
  expect(task.state).toBe('succeeded');
  return task;
}

const jpegFile = (bytes: Uint8Array, name: string) =>
  new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'image/jpeg', lastModified: 1 });

describe('photos in Chromium', () => {
  it('resizes a 24-megapixel JPEG in the Worker, stores it with no GPS, and its 320 px WebP thumbnail under the documented key', async () => {
    const user = testUser('photo24');
    const original = await testPhoto(6000, 4000, { exif: { make: 'Canon', gps: PARIS }, xmpCity: 'Paris' });
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(PARIS.latitude, 3);
    let succeeded: unknown;
    const up = new Uploader({
      credentials: await tokenCredentials(tokenServer, user),
      images: { maxDimension: 2048, quality: 0.85, thumbnails: [{ width: 320 }] },
    });
    up.addEventListener('upload-succeeded', (e) => {
      succeeded = e.detail.image;
    });
    const task = up.add(jpegFile(original, 'IMG_24MP.jpg'));
    await settled(up, task);
    await up.destroy();
    expect(task.error).toBeUndefined();

    const reader = await readerFor(tokenServer, user);
    const stored = await reader.get(task.key!);
    expect(stored.contentType).toBe('image/jpeg');
    expect(await exifr.gps(stored.bytes)).toBeUndefined();
    expect(await exifr.parse(stored.bytes, { gps: true, xmp: true })).toBeUndefined();
    const image = await pixels(stored.bytes);
    expect([image.width, image.height]).toEqual([2048, 1365]);
    expect(stored.bytes.length).toBeLessThan(original.length);

    // The event says what was done and what was removed.
    expect(succeeded).toEqual(task.image);
    expect(task.image).toMatchObject({
      processing: 'resized',
      thread: 'worker',
      original: {
        name: 'IMG_24MP.jpg',
        size: original.length,
        type: 'image/jpeg',
        width: 6000,
        height: 4000,
      },
      width: 2048,
      height: 1365,
      locationRemoved: {
        exif: expect.arrayContaining(['GPSLatitude', 'GPSLongitude']),
        xmp: expect.arrayContaining(['photoshop:City']),
      },
    });
    expect(task.size).toBe(stored.bytes.length);

    // The thumbnail: where renditionKey says, a WebP 320 px wide, reported in the event.
    const thumbnailKey = renditionKey(task.key!, { prefix: reader.prefix, width: 320, format: 'webp' });
    expect(task.image!.renditions).toEqual([
      { key: thumbnailKey, width: 320, height: 213, format: 'webp', size: expect.any(Number) },
    ]);
    expect(parseRenditionKey(thumbnailKey, reader.prefix)?.originalKey).toBe(task.key);
    const thumbnail = await reader.get(thumbnailKey);
    expect(thumbnail.contentType).toBe('image/webp');
    expect(String.fromCharCode(...thumbnail.bytes.subarray(8, 12))).toBe('WEBP');
    expect(thumbnail.bytes.length).toBe(task.image!.renditions[0]!.size);
    const small = await pixels(thumbnail.bytes);
    expect([small.width, small.height]).toEqual([320, 213]);
    // Top-left is red in the photo, so in its thumbnail.
    expect([...small.data.subarray(0, 3)].map((v) => Math.round(v / 32))).toEqual([8, 0, 0]);
    reader.close();
  });

  it('removes location losslessly by default: the stored photo decodes to the very same pixels, the image data is byte-identical', async () => {
    const user = testUser('lossless');
    const original = await testPhoto(800, 600, {
      exif: { make: 'Pixel', orientation: 1, gps: PARIS },
      xmpCity: 'Paris',
    });
    const task = await upload(user, jpegFile(original, 'lossless.jpg'));
    const reader = await readerFor(tokenServer, user);
    const stored = (await reader.get(task.key!)).bytes;
    reader.close();
    expect(task.image!.processing).toBe('location-removed');
    expect(await exifr.gps(stored)).toBeUndefined();
    expect((await exifr.parse(stored, { tiff: true })).Make).toBe('Pixel');
    expect(stored.subarray(scanOffset(stored))).toEqual(original.subarray(scanOffset(original)));
    const [a, b] = [await pixels(original), await pixels(stored)];
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(b.data.every((v, i) => v === a.data[i])).toBe(true);
  });

  it('keeps location when the app opts out, and with images: false the file is uploaded byte for byte', async () => {
    const user = testUser('optout');
    const original = await testPhoto(400, 300, { exif: { gps: PARIS } });
    for (const images of [{ stripLocation: false }, false] as const) {
      const task = await upload(user, jpegFile(original, 'kept.jpg'), { images });
      const reader = await readerFor(tokenServer, user);
      const stored = (await reader.get(task.key!)).bytes;
      reader.close();
      expect(stored).toEqual(original);
      expect((await exifr.gps(stored))?.latitude).toBeCloseTo(PARIS.latitude, 3);
    }
  });

  it('applies EXIF orientation when resizing (a portrait stored as landscape pixels comes out upright), on the main thread too', async () => {
    const user = testUser('orientation');
    // 600×400 pixels with orientation 6: the camera was turned, the photo is 400×600.
    const original = await testPhoto(600, 400, { exif: { orientation: 6 } });
    for (const thread of ['worker', 'main'] as const) {
      const task = await upload(user, jpegFile(original, `turned-${thread}.jpg`), {
        images: { maxDimension: 300, format: 'webp', thread },
      });
      const reader = await readerFor(tokenServer, user);
      const stored = await reader.get(task.key!);
      reader.close();
      expect(stored.contentType).toBe('image/webp');
      expect(task.image!.thread).toBe(thread);
      expect(task.key!.endsWith(`turned-${thread}.webp`)).toBe(true);
      const image = await pixels(stored.bytes);
      expect([image.width, image.height]).toEqual([200, 300]);
      // Orientation 6 turns the red top-left quarter to the top-right.
      const at = (x: number, y: number) => [
        ...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3),
      ];
      expect(at(190, 10).map((v) => Math.round(v / 32))).toEqual([8, 0, 0]);
      expect(at(10, 10)[0]).toBeLessThan(200);
    }
  });

  it('uploads a HEIC this browser cannot decode as it is, with a note, and a keep-original photo gets thumbnails but keeps its bytes', async () => {
    const user = testUser('heic');
    // An ISO-BMFF header with the heic brand and no decodable image: what Chromium sees of a HEIC.
    const heic = new Uint8Array(2048);
    heic.set([
      0,
      0,
      0,
      24,
      ...new TextEncoder().encode('ftypheic'),
      0,
      0,
      0,
      0,
      ...new TextEncoder().encode('mif1heic'),
    ]);
    const task = await upload(user, new File([heic], 'IMG_0001.HEIC', { type: 'image/heic' }), {
      images: { maxDimension: 1024, thumbnails: [{ width: 320 }] },
    });
    expect(task.image!.processing).toBe('unchanged');
    expect(task.image!.renditions).toEqual([]);
    expect(task.image!.notes).toEqual([
      {
        code: 'heic-not-decoded',
        message: expect.stringMatching(
          /^HEIC photo: this browser cannot decode HEIC, so it was uploaded as it is/,
        ),
      },
    ]);
    const reader = await readerFor(tokenServer, user);
    expect((await reader.get(task.key!)).bytes).toEqual(heic);

    const original = await testPhoto(640, 480, { exif: { make: 'Keep' } });
    const kept = await upload(user, jpegFile(original, 'keep.jpg'), {
      images: {
        keepOriginal: true,
        maxDimension: 100,
        thumbnails: [{ width: 64, format: 'jpeg' }, { width: 128 }],
      },
    });
    expect((await reader.get(kept.key!)).bytes).toEqual(original);
    expect(kept.image!.renditions.map((r) => [r.width, r.height, r.format])).toEqual([
      [64, 48, 'jpeg'],
      [128, 96, 'webp'],
    ]);
    for (const r of kept.image!.renditions) expect((await reader.get(r.key)).bytes.length).toBe(r.size);
    reader.close();
  });

  it('asks for AVIF and gets it where Chromium encodes it, else WebP with a note that says so', async () => {
    const user = testUser('avif');
    const task = await upload(user, jpegFile(await testPhoto(800, 600), 'a.jpg'), {
      images: { maxDimension: 400, format: 'avif' },
    });
    const reader = await readerFor(tokenServer, user);
    const stored = await reader.get(task.key!);
    reader.close();
    if (stored.contentType === 'image/avif') {
      expect(task.image!.notes).toEqual([]);
    } else {
      expect(stored.contentType).toBe('image/webp');
      expect(task.image!.notes).toEqual([
        {
          code: 'format-fallback',
          target: 'photo',
          asked: 'avif',
          used: 'webp',
          message: 'This browser cannot encode AVIF; it was saved as WebP.',
        },
      ]);
    }
    expect(await pixels(stored.bytes)).toMatchObject({ width: 400, height: 300 });
  });
});
