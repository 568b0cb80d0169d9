// Location removal on JPEG bytes, in Node: the EXIF GPS IFD and XMP location go, everything
// else stays, and the image data after the metadata is byte-identical. exifr, a real EXIF
// parser, reads the results.

import {
  exifSegment,
  exifTiffOffset,
  scanOffset,
  skeletonJpeg,
  withSegments,
  xmpSegment,
} from '@s3up/testkit/test-photo';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { resolveImageOptions } from '../../src/image/image-options.js';
import { prepareImage, removeLocation } from '../../src/image/image-preparation.js';
import { MalformedJpeg, stripJpegLocation } from '../../src/image/jpeg-location.js';

const PARIS = { latitude: 48.8584, longitude: 2.2945, altitude: 35 };
const settings = resolveImageOptions(undefined)!;
const noCodec = () => Promise.reject(new Error('the codec must not load for location removal alone'));

async function strip(bytes: Uint8Array) {
  const result = await removeLocation(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
  return {
    removed: result.removed,
    bytes: result.blob ? new Uint8Array(await result.blob.arrayBuffer()) : undefined,
  };
}

const tail = (jpeg: Uint8Array) => jpeg.subarray(scanOffset(jpeg));

describe('removing a JPEG’s location', () => {
  it.each([true, false])(
    'removes the EXIF GPS IFD (little-endian: %s), keeps the other tags, and leaves the image data byte-identical',
    async (littleEndian) => {
      const photo = withSegments(
        skeletonJpeg(),
        exifSegment({ littleEndian, make: 'Canon', orientation: 6, gps: PARIS }),
      );
      expect((await exifr.gps(photo))?.latitude).toBeCloseTo(PARIS.latitude, 3);

      const { bytes, removed } = await strip(photo);
      expect(removed.exif).toEqual([
        'GPSVersionID',
        'GPSLatitudeRef',
        'GPSLatitude',
        'GPSLongitudeRef',
        'GPSLongitude',
        'GPSAltitudeRef',
        'GPSAltitude',
      ]);
      expect(removed.xmp).toEqual([]);
      expect(await exifr.gps(bytes!)).toBeUndefined();
      const tags = await exifr.parse(bytes!, { gps: true, tiff: true, translateValues: false });
      expect(tags).toMatchObject({ Make: 'Canon', Orientation: 6, Software: 's3up.' });
      expect(Object.keys(tags).filter((k) => k.startsWith('GPS'))).toEqual([]);
      expect(tags.latitude).toBeUndefined();
      // The segment kept its length: the image data is at the same offset, every byte equal.
      expect(bytes!.length).toBe(photo.length);
      expect(tail(bytes!)).toEqual(tail(photo));
      // And no byte of the coordinates is left anywhere in the file.
      const seconds = new DataView(new ArrayBuffer(4));
      seconds.setUint32(0, Math.round(((PARIS.latitude * 60) % 1) * 60 * 1000), littleEndian);
      expect(Buffer.from(bytes!).includes(Buffer.from(seconds.buffer))).toBe(false);
    },
  );

  it('removes XMP location (attributes and elements) and keeps the rest of the XMP', async () => {
    const photo = withSegments(
      skeletonJpeg(),
      exifSegment({ make: 'Pixel' }),
      xmpSegment({ latitude: '48,51.5N', longitude: '2,17.7E', city: 'Paris' }),
    );
    const { bytes, removed } = await strip(photo);
    expect(removed).toEqual({ exif: [], xmp: ['exif:GPSLatitude', 'exif:GPSLongitude', 'photoshop:City'] });
    const text = Buffer.from(bytes!).toString('latin1');
    expect(text).not.toMatch(/GPSLatitude|GPSLongitude|Paris|City/);
    expect(text).toContain('xmp:Rating="4"');
    expect(text).toContain('<xmp:Label>Holiday</xmp:Label>');
    const xmp = await exifr.parse(bytes!, { xmp: true, tiff: true });
    expect(xmp).toMatchObject({ Rating: 4, Label: 'Holiday', Make: 'Pixel' });
    expect(xmp.City).toBeUndefined();
    expect(tail(bytes!)).toEqual(tail(photo));
  });

  it('leaves a photo without location alone (no rewrite at all)', async () => {
    const photo = withSegments(skeletonJpeg(), exifSegment({ make: 'Nikon' }), xmpSegment());
    const { bytes, removed } = await strip(photo);
    expect(bytes).toBeUndefined();
    expect(removed).toEqual({ exif: [], xmp: [] });
  });

  it('reads past 256 KiB of other metadata (ICC profiles, maker segments) to reach the EXIF', async () => {
    const filler = Array.from({ length: 6 }, () => {
      // An APP2 segment of 60,000 bytes, marker included (its length field counts 59,998).
      const s = new Uint8Array(60_000);
      s.set([0xff, 0xe2, (59_998 >> 8) & 0xff, 59_998 & 0xff]);
      return s;
    });
    const photo = withSegments(skeletonJpeg(), ...filler, exifSegment({ gps: PARIS }));
    expect(scanOffset(photo)).toBeGreaterThan(256 * 1024);
    const { bytes, removed } = await strip(photo);
    expect(removed.exif).toContain('GPSLatitude');
    expect(await exifr.gps(bytes!)).toBeUndefined();
    expect(tail(bytes!)).toEqual(tail(photo));
  });

  it('refuses malformed EXIF rather than guess: a GPS IFD pointing past the segment, a cut-off file', () => {
    const photo = withSegments(skeletonJpeg(), exifSegment({ gps: PARIS }));
    const broken = photo.slice();
    // The GPS pointer is IFD0's last entry; aim it far past the segment.
    const tiff = exifTiffOffset(photo);
    const count = broken[tiff + 8]!;
    new DataView(broken.buffer).setUint32(tiff + 10 + (count - 1) * 12 + 8, 0xfff0, true);
    expect(() => stripJpegLocation(broken)).toThrow(MalformedJpeg);
    expect(() => stripJpegLocation(photo.subarray(0, 40))).toThrow(/need at least/);
  });

  it('never loses the photo: malformed or truncated metadata is uploaded unchanged, with a note that says so', async () => {
    const photo = withSegments(skeletonJpeg(), exifSegment({ gps: PARIS }));
    const broken = photo.slice();
    broken[exifTiffOffset(photo) + 1] = 0x00; // "I\0": no byte order
    for (const bytes of [broken, photo.subarray(0, 60)]) {
      const file = new File([bytes as Uint8Array<ArrayBuffer>], 'IMG_0001.JPG', {
        type: 'image/jpeg',
        lastModified: 5,
      });
      const prepared = await prepareImage(file, file.name, settings, noCodec);
      expect(prepared!.file).toBe(file);
      expect(prepared!.report.processing).toBe('unchanged');
      expect(prepared!.report.notes).toEqual([
        {
          code: 'metadata-unreadable',
          detail: expect.any(String),
          message: expect.stringMatching(
            /could not be read .*uploaded unchanged: any location in it is still there/,
          ),
        },
      ]);
    }
  });

  it('prepares a photo with location for upload: a new file of the same name, type and date, and a report', async () => {
    const photo = withSegments(
      skeletonJpeg(),
      exifSegment({ gps: PARIS }),
      xmpSegment({ latitude: '1', longitude: '2', city: 'Paris' }),
    );
    const file = new File([photo as Uint8Array<ArrayBuffer>], 'IMG_0002.jpg', {
      type: 'image/jpeg',
      lastModified: 7,
    });
    const prepared = (await prepareImage(file, file.name, settings, noCodec))!;
    expect(prepared.file).not.toBe(file);
    expect([prepared.file.name, prepared.file.type, prepared.file.lastModified]).toEqual([
      'IMG_0002.jpg',
      'image/jpeg',
      7,
    ]);
    expect(prepared.report).toMatchObject({
      processing: 'location-removed',
      original: { name: 'IMG_0002.jpg', size: photo.length, type: 'image/jpeg' },
      locationRemoved: {
        exif: expect.arrayContaining(['GPSLatitude', 'GPSLongitude']),
        xmp: expect.arrayContaining(['exif:GPSLatitude', 'photoshop:City']),
      },
      notes: [],
    });
    expect(await exifr.gps(new Uint8Array(await prepared.file.arrayBuffer()))).toBeUndefined();
  });

  it('with stripLocation: false keeps every byte, and files that are not JPEGs are not touched', async () => {
    const photo = withSegments(skeletonJpeg(), exifSegment({ gps: PARIS }));
    const file = new File([photo as Uint8Array<ArrayBuffer>], 'a.jpg', { type: 'image/jpeg' });
    const kept = await prepareImage(file, 'a.jpg', resolveImageOptions({ stripLocation: false })!, noCodec);
    expect(kept!.file).toBe(file);
    expect(kept!.report.locationRemoved).toEqual({ exif: [], xmp: [] });
    const text = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    expect(await prepareImage(text, 'notes.txt', settings, noCodec)).toBeUndefined();
  });
});

describe('image options', () => {
  it.each([
    [{ maxDimension: 0 }, /images.maxDimension must be a whole number of pixels from 1 to 32767/],
    [{ quality: 85 }, /images.quality must be a number above 0 and at most 1/],
    [{ format: 'heic' }, /images.format must be one of same, jpeg, webp, avif/],
    [
      { thumbnails: [{ width: 320, format: 'gif' }] },
      /images.thumbnails\[0\].format must be one of webp, jpeg, avif, png/,
    ],
    [{ thumbnails: [{ width: 320 }, { width: 320 }] }, /lists 320 px webp twice/],
    [{ maxDimensions: 100 }, /images.maxDimensions is not an option/],
    [{ thread: 'gpu' }, /images.thread must be "worker" or "main"/],
  ])('refuses %o with a message naming the option', (options, message) => {
    expect(() => resolveImageOptions(options as never)).toThrow(message);
  });

  it('defaults to lossless location removal only; false turns the image step off', () => {
    expect(resolveImageOptions(undefined)).toEqual({
      stripLocation: true,
      maxDimension: undefined,
      format: 'same',
      quality: 0.85,
      keepOriginal: false,
      thumbnails: [],
      thread: 'worker',
    });
    expect(resolveImageOptions(false)).toBeNull();
    expect(resolveImageOptions({ thumbnails: [{ width: 320 }] })!.thumbnails).toEqual([
      { width: 320, format: 'webp', quality: 0.8 },
    ]);
  });
});
