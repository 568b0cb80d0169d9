// Each note the engine writes about a photo, as a code with parameters and an English
// message, reached through prepareImage/storeRenditions (codec replaced by a scripted one:
// what the browser can decode or encode is the Chromium tests' business).

import { skeletonJpeg } from '@s3up/testkit/test-photo';
import { describe, expect, it } from 'vitest';
import { UploadError } from '../../src/errors.js';
import type { CodecRequest, CodecResult } from '../../src/image/image-codec.js';
import { type ImageNoteData, imageNote, imageNoteMessage } from '../../src/image/image-notes.js';
import { type ImageReport, resolveImageOptions } from '../../src/image/image-options.js';
import { prepareImage } from '../../src/image/image-preparation.js';
import type { ImageRunner } from '../../src/image/image-runner.js';
import { storeRenditions } from '../../src/image/rendition-upload.js';
import type { TaskModel } from '../../src/task-model.js';

const noCodec = () => Promise.reject(new Error('the codec must not load here'));

/** A codec that answers `answer(request)` and records what it was asked. */
function codec(answer: (request: CodecRequest) => CodecResult) {
  const asked: CodecRequest[] = [];
  const runner = {
    thread: 'main',
    render: async (request: CodecRequest) => {
      asked.push(request);
      return answer(request);
    },
  } as unknown as ImageRunner;
  return { asked, load: async () => runner };
}

/** Pictures as asked, except `fallback` (asked type -> type the "browser" encoded instead). */
function encodes(fallback: Record<string, string> = {}) {
  return (request: CodecRequest): CodecResult => ({
    ok: true,
    width: 800,
    height: 600,
    pictures: request.targets.map((t) => ({
      blob: new Blob([new Uint8Array(10)]),
      width: t.maxWidth ?? 400,
      height: t.maxWidth ? (t.maxWidth * 3) / 4 : 300,
      type: fallback[t.type] ?? t.type,
    })),
  });
}

const heic = () =>
  new File(
    [new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0])],
    'IMG_1.HEIC',
    { type: 'image/heic' },
  );
const jpeg = (name = 'a.jpg') =>
  new File([skeletonJpeg() as Uint8Array<ArrayBuffer>], name, { type: 'image/jpeg' });

describe('image notes', () => {
  it('metadata-unreadable: a PNG cut inside its chunks, with why', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]);
    const file = new File([png], 'cut.png', { type: 'image/png' });
    const prepared = (await prepareImage(file, 'cut.png', resolveImageOptions(undefined)!, noCodec))!;
    expect(prepared.file).toBe(file);
    expect(prepared.report.notes).toEqual([
      { code: 'metadata-unreadable', detail: expect.any(String), message: expect.any(String) },
    ]);
    const [note] = prepared.report.notes;
    if (note?.code !== 'metadata-unreadable')
      throw new Error(`expected metadata-unreadable, got ${note?.code}`);
    expect(note.detail.length).toBeGreaterThan(0);
    expect(note.message).toBe(
      `Its metadata could not be read (${note.detail}), so it was uploaded unchanged: any location in it is still there.`,
    );
  });

  it('heic-location-kept: a HEIC with only location removal asked (no codec loaded)', async () => {
    const prepared = (await prepareImage(heic(), 'IMG_1.HEIC', resolveImageOptions(undefined)!, noCodec))!;
    expect(prepared.report.notes).toEqual([
      {
        code: 'heic-location-kept',
        message: 'HEIC photos are uploaded as they are: their location, if any, was not removed.',
      },
    ]);
  });

  it('gif-kept and svg-kept: kept as they are when resizing is asked, codec never asked', async () => {
    const settings = resolveImageOptions({ maxDimension: 100, thumbnails: [{ width: 50 }] })!;
    const gif = new File([new TextEncoder().encode('GIF89a\x01\x00\x01\x00')], 'a.gif', {
      type: 'image/gif',
    });
    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'a.svg', { type: 'image/svg+xml' });
    const none = codec(encodes());
    const g = (await prepareImage(gif, 'a.gif', settings, none.load))!;
    const s = (await prepareImage(svg, 'a.svg', settings, none.load))!;
    expect(none.asked).toEqual([]);
    expect(g.report.notes.map((n) => n.code)).toEqual(['gif-kept']);
    expect(s.report.notes.map((n) => n.code)).toEqual(['svg-kept']);
    expect(g.report.notes[0]!.message).toContain('resizing would lose the animation');
    expect(s.report.notes[0]!.message).toContain('SVG images are uploaded as they are');
  });

  it('heic-not-decoded and not-decoded: the file goes as it is, with the decoder’s reason for others', async () => {
    const settings = resolveImageOptions({ maxDimension: 100 })!;
    const failing = codec(() => ({ ok: false, reason: 'The source image could not be decoded.' }));
    const h = (await prepareImage(heic(), 'IMG_1.HEIC', settings, failing.load))!;
    expect(h.report.notes).toEqual([
      {
        code: 'heic-not-decoded',
        message: expect.stringMatching(/^HEIC photo: this browser cannot decode HEIC/),
      },
    ]);
    const file = jpeg();
    const j = (await prepareImage(file, 'a.jpg', settings, failing.load))!;
    expect(j.file).toBe(file);
    expect(j.report.notes).toEqual([
      {
        code: 'not-decoded',
        detail: 'The source image could not be decoded.',
        message:
          'The image could not be decoded (The source image could not be decoded.), so it was uploaded as it is, without thumbnails.',
      },
    ]);
  });

  it('format-fallback: one note per format the browser cannot encode (photo first, else thumbnails)', async () => {
    const settings = resolveImageOptions({
      maxDimension: 400,
      format: 'avif',
      thumbnails: [
        { width: 64, format: 'avif' },
        { width: 128, format: 'avif' },
        { width: 32, format: 'jpeg' },
      ],
    })!;
    const noAvif = codec(encodes({ 'image/avif': 'image/webp' }));
    const prepared = (await prepareImage(jpeg(), 'a.jpg', settings, noAvif.load))!;
    expect(prepared.file.type).toBe('image/webp');
    expect(prepared.file.name).toBe('a.webp');
    expect(prepared.report.notes).toEqual([
      {
        code: 'format-fallback',
        target: 'photo',
        asked: 'avif',
        used: 'webp',
        message: 'This browser cannot encode AVIF; it was saved as WebP.',
      },
    ]);
    const thumbnailsOnly = resolveImageOptions({
      thumbnails: [
        { width: 64, format: 'avif' },
        { width: 128, format: 'avif' },
        { width: 32, format: 'jpeg' },
      ],
    })!;
    const thumbs = (await prepareImage(jpeg(), 'a.jpg', thumbnailsOnly, noAvif.load))!;
    expect(thumbs.renditions.map((r) => r.format)).toEqual(['webp', 'webp', 'jpeg']);
    expect(thumbs.report.notes).toEqual([
      {
        code: 'format-fallback',
        target: 'thumbnails',
        asked: 'avif',
        used: 'webp',
        message: 'This browser cannot encode AVIF; thumbnails were saved as WebP.',
      },
    ]);
    const allAvif = codec(encodes());
    expect((await prepareImage(jpeg(), 'a.jpg', settings, allAvif.load))!.report.notes).toEqual([]);
  });

  it('thumbnail-not-stored: the error’s code and message; the photo is not failed', async () => {
    const report: ImageReport = {
      original: { name: 'a.jpg', size: 1, type: 'image/jpeg' },
      processing: 'unchanged',
      locationRemoved: { exif: [], xmp: [] },
      renditions: [],
      notes: [],
    };
    const task = { image: report, warning: undefined } as unknown as TaskModel;
    const blob = new Blob([new Uint8Array(4)]);
    await storeRenditions(
      task,
      [
        { requestedWidth: 320, blob, width: 320, height: 240, format: 'webp' },
        { requestedWidth: 64, blob, width: 64, height: 48, format: 'webp' },
      ],
      new AbortController().signal,
      async (keyOf) => {
        const key = keyOf('u/', 'u/a.jpg');
        if (key.includes('/320/')) throw new UploadError('access-denied', 'Access denied (403).');
        return key;
      },
    );
    expect(report.renditions.map((r) => r.width)).toEqual([64]);
    expect(report.notes).toEqual([
      {
        code: 'thumbnail-not-stored',
        width: 320,
        error: 'access-denied',
        detail: 'Access denied (403).',
        message: 'The 320 px thumbnail was not stored: Access denied (403).',
      },
    ]);
    expect((task as { warning?: UploadError }).warning?.code).toBe('access-denied');
  });

  it('imageNote adds the English message of every code, and the message is the only added field', () => {
    const all: ImageNoteData[] = [
      { code: 'metadata-unreadable', detail: 'x' },
      { code: 'heic-location-kept' },
      { code: 'gif-kept' },
      { code: 'svg-kept' },
      { code: 'heic-not-decoded' },
      { code: 'not-decoded', detail: 'x' },
      { code: 'format-fallback', target: 'photo', asked: 'avif', used: 'jpeg' },
      { code: 'format-fallback', target: 'thumbnails', asked: 'png', used: 'webp' },
      { code: 'thumbnail-not-stored', width: 1, error: 'network', detail: 'x' },
    ];
    for (const data of all) {
      const note = imageNote(data);
      expect(note).toEqual({ ...data, message: imageNoteMessage(data) });
      expect(note.message).toMatch(/^[A-Z].*[.)]$|: x$/);
    }
    expect(imageNoteMessage(all[6]!)).toBe('This browser cannot encode AVIF; it was saved as JPEG.');
    expect(imageNoteMessage(all[7]!)).toBe('This browser cannot encode PNG; thumbnails were saved as WebP.');
  });
});
