// PNG and WebP location removal in Chromium against the local backend: images encoded by
// Chromium itself, given an EXIF block with GPS and XMP with a location, uploaded by the
// engine with its defaults, read back from the bucket: no GPS for exifr, every image chunk
// byte-identical, and the same pixels when the browser decodes it.

import type {} from '@s3up/testkit/provided-token-server';
import {
  pixels,
  pngChunk,
  pngChunks,
  pngXmpChunk,
  tiffBlock,
  webpChunks,
  withPngChunks,
  withWebpMetadata,
  xmpPacket,
} from '@s3up/testkit/test-photo';
import exifr from 'exifr';
import { describe, expect, inject, it } from 'vitest';
import { Uploader, type UploadTask } from '../../src/index.js';
import { settled } from '../support/harness-events.js';
import { readerFor } from '../support/read-back.js';
import { testUser, tokenCredentials } from '../support/token.js';

const tokenServer = inject('tokenServer');
const PARIS = { latitude: 48.8584, longitude: 2.2945, altitude: 35 };
const WHERE = { latitude: '48,51.5N', longitude: '2,17.7E', city: 'Paris' };

async function drawn(type: 'image/png' | 'image/webp'): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(320, 240);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, 320, 240);
  gradient.addColorStop(0, '#1e6091');
  gradient.addColorStop(1, '#f9c74f');
  context.fillStyle = gradient;
  context.fillRect(0, 0, 320, 240);
  context.fillStyle = '#f00';
  context.fillRect(0, 0, 160, 120);
  const blob = await canvas.convertToBlob({ type, quality: 1 });
  return new Uint8Array(await blob.arrayBuffer());
}

async function uploadAndRead(name: string, bytes: Uint8Array, type: string) {
  const user = testUser('chunks');
  const up = new Uploader({ credentials: await tokenCredentials(tokenServer, user) });
  const task: UploadTask = up.add(new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
  await settled(up, task);
  await up.destroy();
  expect(task.error).toBeUndefined();
  expect(task.state).toBe('succeeded');
  const reader = await readerFor(tokenServer, user);
  const stored = (await reader.get(task.key!)).bytes;
  reader.close();
  return { task, stored };
}

describe('PNG and WebP location in Chromium', () => {
  it('a PNG: eXIf GPS and XMP location removed, every IDAT byte and every pixel the same', async () => {
    const original = withPngChunks(
      await drawn('image/png'),
      pngChunk('eXIf', tiffBlock({ make: 'Pixel', gps: PARIS })),
      pngXmpChunk(xmpPacket(WHERE)),
    );
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(PARIS.latitude, 3);
    const { task, stored } = await uploadAndRead('screenshot.png', original, 'image/png');
    expect(task.image!.processing).toBe('location-removed');
    expect(task.image!.locationRemoved.xmp).toContain('photoshop:City');
    expect(await exifr.gps(stored)).toBeUndefined();
    expect((await exifr.parse(stored, { tiff: true, xmp: true })).Make).toBe('Pixel');
    const idat = (png: Uint8Array) =>
      pngChunks(png)
        .filter((c) => c.type === 'IDAT')
        .map((c) => [...c.data]);
    expect(idat(stored)).toEqual(idat(original));
    // Chromium decodes it (a wrong CRC or length would fail here) to the very same pixels.
    const [a, b] = [await pixels(original), await pixels(stored)];
    expect([b.width, b.height]).toEqual([320, 240]);
    expect(b.data.every((v, i) => v === a.data[i])).toBe(true);
  });

  it('a WebP: EXIF GPS and XMP location removed, the image chunk and every pixel the same', async () => {
    const original = withWebpMetadata(await drawn('image/webp'), {
      exif: tiffBlock({ make: 'Pixel', gps: PARIS }),
      xmp: xmpPacket(WHERE),
    });
    const exifOf = (webp: Uint8Array) =>
      webpChunks(webp)
        .find((c) => c.fourcc === 'EXIF')!
        .data.slice();
    expect((await exifr.gps(exifOf(original)))?.latitude).toBeCloseTo(PARIS.latitude, 3);
    const { task, stored } = await uploadAndRead('sticker.webp', original, 'image/webp');
    expect(task.image!.processing).toBe('location-removed');
    expect(await exifr.gps(exifOf(stored))).toBeUndefined();
    expect((await exifr.parse(exifOf(stored))).Make).toBe('Pixel');
    const image = (webp: Uint8Array) =>
      webpChunks(webp)
        .filter((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')
        .map((c) => [...c.data]);
    expect(image(stored)).toEqual(image(original));
    expect(image(stored)).toHaveLength(1);
    const [a, b] = [await pixels(original), await pixels(stored)];
    expect([b.width, b.height]).toEqual([320, 240]);
    expect(b.data.every((v, i) => v === a.data[i])).toBe(true);
  });
});
