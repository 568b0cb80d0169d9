// Location removal on PNG and WebP bytes, in Node: the EXIF GPS IFD (PNG eXIf, WebP EXIF) and
// XMP location (PNG iTXt, plain or deflated; WebP "XMP ") go, everything else stays, and each
// image chunk (IDAT, VP8L) is byte-identical. exifr, a real parser, reads the results.

import { deflateSync } from 'node:zlib';
import {
  pngChunk,
  pngChunks,
  pngCrc,
  pngXmpChunk,
  skeletonPng,
  skeletonWebp,
  tiffBlock,
  webpChunks,
  withPngChunks,
  withWebpMetadata,
  xmpPacket,
} from '@s3up/testkit/test-photo';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { MalformedImage, stripPngLocation, stripWebpLocation } from '../../src/image/chunk-location.js';
import { resolveImageOptions } from '../../src/image/image-options.js';
import { prepareImage } from '../../src/image/image-preparation.js';

const PARIS = { latitude: 48.8584, longitude: 2.2945, altitude: 35 };
const WHERE = { latitude: '48,51.5N', longitude: '2,17.7E', city: 'Paris' };
const GPS_TAGS = [
  'GPSVersionID',
  'GPSLatitudeRef',
  'GPSLatitude',
  'GPSLongitudeRef',
  'GPSLongitude',
  'GPSAltitudeRef',
  'GPSAltitude',
];
const settings = resolveImageOptions(undefined)!;
const noCodec = () => Promise.reject(new Error('the codec must not load for location removal alone'));
const blob = (bytes: Uint8Array, type: string) => new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
const bytesOf = async (b: Blob | undefined) => new Uint8Array(await b!.arrayBuffer());
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('removing a PNG’s location', () => {
  const exif = () => pngChunk('eXIf', tiffBlock({ make: 'Canon', orientation: 6, gps: PARIS }));

  it('zeroes the eXIf GPS IFD and XMP location, recomputes the CRCs, and keeps every IDAT byte', async () => {
    const photo = withPngChunks(skeletonPng(), exif(), pngXmpChunk(xmpPacket(WHERE)));
    expect((await exifr.gps(photo))?.latitude).toBeCloseTo(PARIS.latitude, 3);

    const { blob: stripped, removed } = await stripPngLocation(blob(photo, 'image/png'));
    expect(removed).toEqual({
      exif: GPS_TAGS,
      xmp: ['exif:GPSLatitude', 'exif:GPSLongitude', 'photoshop:City'],
    });
    const out = await bytesOf(stripped);
    expect(await exifr.gps(out)).toBeUndefined();
    const tags = await exifr.parse(out, { tiff: true, xmp: true, gps: true, translateValues: false });
    expect(tags).toMatchObject({ Make: 'Canon', Orientation: 6, Rating: 4, Label: 'Holiday' });
    expect(Object.keys(tags).filter((k) => /^GPS|City/.test(k))).toEqual([]);

    // Every chunk's CRC is right (a decoder refuses the file otherwise), computed independently.
    const chunks = pngChunks(out);
    for (const c of chunks)
      expect(c.crc, c.type).toBe(pngCrc(out.subarray(c.at + 4, c.at + 8 + c.data.length)));
    expect(chunks.map((c) => c.type)).toEqual(pngChunks(photo).map((c) => c.type));
    // The image data is untouched, byte for byte; only eXIf kept its length, iTXt shrank.
    const idat = (png: Uint8Array) =>
      pngChunks(png)
        .filter((c) => c.type === 'IDAT')
        .map((c) => [...c.data]);
    expect(idat(out)).toEqual(idat(photo));
    expect(chunks.find((c) => c.type === 'eXIf')!.data.length).toBe(
      pngChunks(photo).find((c) => c.type === 'eXIf')!.data.length,
    );
    expect(text(chunks.find((c) => c.type === 'iTXt')!.data)).not.toMatch(/GPS|City/);
  });

  it('inflates a compressed XMP iTXt, and writes it back plain without the location', async () => {
    const packet = xmpPacket(WHERE);
    const photo = withPngChunks(skeletonPng(), pngXmpChunk(packet, deflateSync(packet)));
    const { blob: stripped, removed } = await stripPngLocation(blob(photo, 'image/png'));
    expect(removed.xmp).toEqual(['exif:GPSLatitude', 'exif:GPSLongitude', 'photoshop:City']);
    const itxt = pngChunks(await bytesOf(stripped)).find((c) => c.type === 'iTXt')!;
    const body = text(itxt.data);
    expect(body).toContain('XML:com.adobe.xmp');
    expect(body).toContain('xmp:Rating="4"');
    expect(body).not.toMatch(/GPS|City/);
  });

  it('leaves a PNG without location alone, and refuses a truncated one rather than guess', async () => {
    const plain = withPngChunks(
      skeletonPng(),
      pngChunk('eXIf', tiffBlock({ make: 'Canon' })),
      pngXmpChunk(xmpPacket()),
    );
    expect((await stripPngLocation(blob(plain, 'image/png'))).blob).toBeUndefined();
    const cut = withPngChunks(skeletonPng(), exif()).subarray(0, 200);
    await expect(stripPngLocation(blob(cut, 'image/png'))).rejects.toThrow(MalformedImage);
  });

  it('through prepareImage: location removed by default with a report, a truncated file uploaded as it is with a note', async () => {
    const photo = withPngChunks(skeletonPng(), exif());
    const file = new File([photo as Uint8Array<ArrayBuffer>], 'shot.png', {
      type: 'image/png',
      lastModified: 5,
    });
    const prepared = (await prepareImage(file, 'shot.png', settings, noCodec))!;
    expect(prepared.report.processing).toBe('location-removed');
    expect(prepared.report.locationRemoved.exif).toEqual(GPS_TAGS);
    expect(prepared.file).toMatchObject({ name: 'shot.png', type: 'image/png', lastModified: 5 });
    expect(await exifr.gps(await bytesOf(prepared.file))).toBeUndefined();

    const cut = new File([photo.subarray(0, 200) as Uint8Array<ArrayBuffer>], 'cut.png', {
      type: 'image/png',
    });
    const kept = (await prepareImage(cut, 'cut.png', settings, noCodec))!;
    expect(kept.file).toBe(cut);
    expect(kept.report.notes.map((n) => n.code)).toEqual(['metadata-unreadable']);
    expect(kept.report.notes[0]!.message).toContain('any location in it is still there');
  });
});

describe('removing a WebP’s location', () => {
  it('zeroes the EXIF GPS IFD and XMP location, fixes the RIFF size, and keeps the VP8L bytes', async () => {
    const photo = withWebpMetadata(skeletonWebp(), {
      exif: tiffBlock({ make: 'Canon', orientation: 3, gps: PARIS, littleEndian: false }),
      xmp: xmpPacket(WHERE),
    });
    const exifOf = (webp: Uint8Array) =>
      webpChunks(webp)
        .find((c) => c.fourcc === 'EXIF')!
        .data.slice();
    expect((await exifr.gps(exifOf(photo)))?.latitude).toBeCloseTo(PARIS.latitude, 3);

    const { blob: stripped, removed } = await stripWebpLocation(blob(photo, 'image/webp'));
    expect(removed).toEqual({
      exif: GPS_TAGS,
      xmp: ['exif:GPSLatitude', 'exif:GPSLongitude', 'photoshop:City'],
    });
    const out = await bytesOf(stripped);
    // RIFF size = file length - 8, and the chunks walk to the end exactly.
    expect(new DataView(out.buffer).getUint32(4, true)).toBe(out.length - 8);
    const chunks = webpChunks(out);
    expect(chunks.map((c) => c.fourcc)).toEqual(['VP8X', 'VP8L', 'EXIF', 'XMP ']);
    const last = chunks.at(-1)!;
    expect(last.at + 8 + last.data.length + (last.data.length & 1)).toBe(out.length);
    // VP8X flags still announce EXIF and XMP; the image chunk is the same bytes.
    expect(chunks[0]!.data[0]! & 0x0c).toBe(0x0c);
    expect([...chunks[1]!.data]).toEqual([...webpChunks(photo)[1]!.data]);

    expect(await exifr.gps(exifOf(out))).toBeUndefined();
    expect(await exifr.parse(exifOf(out), { translateValues: false })).toMatchObject({
      Make: 'Canon',
      Orientation: 3,
    });
    const xmp = text(chunks[3]!.data);
    expect(xmp).toContain('xmp:Rating="4"');
    expect(xmp).not.toMatch(/GPS|City/);
  });

  it('reads an EXIF chunk written with the "Exif\\0\\0" prefix too, and leaves a WebP without location alone', async () => {
    const tiff = tiffBlock({ gps: PARIS });
    const prefixed = withWebpMetadata(skeletonWebp(), {
      exif: new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]),
    });
    const { removed, blob: stripped } = await stripWebpLocation(blob(prefixed, 'image/webp'));
    expect(removed.exif).toContain('GPSLatitude');
    expect((await bytesOf(stripped)).length).toBe(prefixed.length);
    const plain = withWebpMetadata(skeletonWebp(), { exif: tiffBlock({ make: 'x' }), xmp: xmpPacket() });
    expect((await stripWebpLocation(blob(plain, 'image/webp'))).blob).toBeUndefined();
    expect((await stripWebpLocation(blob(skeletonWebp(), 'image/webp'))).blob).toBeUndefined();
  });
});
