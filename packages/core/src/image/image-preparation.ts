import type { RenditionFormat } from '@s3up/contract';
import { stripPngLocation, stripWebpLocation } from './chunk-location.js';
import type { CodecTarget } from './image-codec.js';
import { imageNote } from './image-notes.js';
import { type ImageReport, type ImageSettings, type LocationRemoved, needsCodec } from './image-options.js';
import type { ImageRunner } from './image-runner.js';
import { MalformedJpeg, NeedMoreBytes, stripJpegLocation } from './jpeg-location.js';

// Loaded on the first upload of an image (never for other files): decides what to do with
// a photo, removes its location losslessly, and asks the codec (loaded only when an option
// needs it) for the resized photo and its thumbnails.

/** A thumbnail made, waiting to be uploaded beside the photo. */
export interface PreparedRendition {
  /** The width asked for: the key's folder (`.thumbnails/<requestedWidth>/`), whatever the photo's own width. */
  requestedWidth: number;
  blob: Blob;
  width: number;
  height: number;
  format: RenditionFormat;
}

export interface PreparedImage {
  /** What to upload: the chosen file itself when nothing changed. */
  file: File;
  renditions: PreparedRendition[];
  report: ImageReport;
}

type Kind = 'jpeg' | 'png' | 'webp' | 'avif' | 'heic' | 'gif' | 'svg' | 'bmp' | 'other';

/** The image kind from the first bytes (types lie: a .jpg renamed .png is still a JPEG). */
export function sniffImage(head: Uint8Array, type: string): Kind {
  const text = String.fromCharCode(...head.subarray(0, 12));
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (text.startsWith('\x89PNG')) return 'png';
  if (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP') return 'webp';
  if (text.startsWith('GIF8')) return 'gif';
  if (text.startsWith('BM')) return 'bmp';
  if (text.slice(4, 8) === 'ftyp') {
    const brand = text.slice(8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  if (type === 'image/svg+xml') return 'svg';
  if (type === 'image/heic' || type === 'image/heif') return 'heic';
  return 'other';
}

const MIME: Record<string, string> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  png: 'image/png',
};
const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/png': 'png',
};
const FORMAT_OF: Record<string, RenditionFormat> = {
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/png': 'png',
};

/** What a photo of this kind is re-encoded to. */
function outputType(kind: Kind, format: ImageSettings['format']): string {
  if (format !== 'same') return MIME[format]!;
  return kind === 'png' || kind === 'webp' || kind === 'avif' ? MIME[kind]! : 'image/jpeg';
}

const HEAD_START = 256 * 1024;
const HEAD_MAX = 16 * 1024 * 1024;

/**
 * The JPEG without its location: the head rewritten, then the rest of the file as the same
 * Blob slice (never copied, never decoded). Undefined when there was nothing to remove.
 */
export async function removeLocation(
  file: Blob,
): Promise<{ blob: Blob; removed: LocationRemoved } | { blob: undefined; removed: LocationRemoved }> {
  let length = Math.min(file.size, HEAD_START);
  for (;;) {
    const bytes = new Uint8Array(await file.slice(0, length).arrayBuffer());
    try {
      const { head, headLength, removed } = stripJpegLocation(bytes);
      if (removed.exif.length === 0 && removed.xmp.length === 0) return { blob: undefined, removed };
      return {
        blob: new Blob([head as Uint8Array<ArrayBuffer>, file.slice(headLength)], { type: file.type }),
        removed,
      };
    } catch (error) {
      if (!(error instanceof NeedMoreBytes) || length >= file.size) {
        if (error instanceof NeedMoreBytes)
          throw new MalformedJpeg('the file ends inside its metadata (truncated)');
        throw error;
      }
      if (length >= HEAD_MAX)
        throw new MalformedJpeg(`its metadata is longer than ${HEAD_MAX / 1024 / 1024} MiB`);
      length = Math.min(file.size, Math.max(length * 2, error.atLeast));
    }
  }
}

/** Another name for a re-encoded file: `IMG_1.HEIC` as WebP is `IMG_1.webp`. */
function renamed(name: string, type: string): string {
  const extension = EXTENSION[type];
  if (!extension) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (current === extension || (extension === 'jpg' && current === 'jpeg')) return name;
  return `${stem}.${extension}`;
}

/**
 * Prepares one file for upload. Undefined when it is not an image this can handle (the
 * file is uploaded as it is, without a report). Never throws for a bad image: the file is
 * then uploaded unchanged with a note saying why. `codec` loads the codec on first use.
 */
export async function prepareImage(
  file: File,
  name: string,
  settings: ImageSettings,
  codec: () => Promise<ImageRunner>,
): Promise<PreparedImage | undefined> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const kind = sniffImage(head, file.type);
  if (kind === 'other' && !file.type.startsWith('image/')) return undefined;
  const report: ImageReport = {
    original: { name, size: file.size, type: file.type },
    processing: 'unchanged',
    locationRemoved: { exif: [], xmp: [] },
    renditions: [],
    notes: [],
  };
  let upload: File = file;
  if ((kind === 'jpeg' || kind === 'png' || kind === 'webp') && settings.stripLocation) {
    try {
      const { blob, removed } =
        kind === 'jpeg'
          ? await removeLocation(file)
          : kind === 'png'
            ? await stripPngLocation(file)
            : await stripWebpLocation(file);
      report.locationRemoved = removed;
      if (blob) {
        upload = new File([blob], name, { type: file.type, lastModified: file.lastModified });
        report.processing = 'location-removed';
      }
    } catch (error) {
      report.notes.push(
        imageNote({
          code: 'metadata-unreadable',
          detail: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  if (kind === 'heic' && settings.stripLocation && !needsCodec(settings)) {
    report.notes.push(imageNote({ code: 'heic-location-kept' }));
  }
  if (!needsCodec(settings)) return { file: upload, renditions: [], report };
  if (kind === 'gif' || kind === 'svg') {
    report.notes.push(imageNote({ code: kind === 'gif' ? 'gif-kept' : 'svg-kept' }));
    return { file: upload, renditions: [], report };
  }

  const reencode =
    !settings.keepOriginal && (settings.maxDimension !== undefined || settings.format !== 'same');
  const mainType = outputType(kind, settings.format);
  const targets: CodecTarget[] = [];
  if (reencode) {
    targets.push({
      ...(settings.maxDimension !== undefined ? { maxDimension: settings.maxDimension } : {}),
      type: mainType,
      quality: settings.quality,
    });
  }
  for (const t of settings.thumbnails)
    targets.push({ maxWidth: t.width, type: MIME[t.format]!, quality: t.quality });
  const runner = await codec();
  const result = await runner.render({ blob: upload, targets });
  report.thread = runner.thread;
  if (!result.ok) {
    report.notes.push(
      imageNote(
        kind === 'heic' ? { code: 'heic-not-decoded' } : { code: 'not-decoded', detail: result.reason },
      ),
    );
    return { file: upload, renditions: [], report };
  }
  report.original.width = result.width;
  report.original.height = result.height;
  report.width = result.width;
  report.height = result.height;
  const pictures = [...result.pictures];
  if (reencode) {
    const main = pictures.shift()!;
    const resized = main.width < result.width;
    // Same size and same format asked: the original (without location) is better than a re-encode.
    if (resized || settings.format !== 'same' || kind === 'heic' || kind === 'bmp') {
      if (main.type !== mainType)
        report.notes.push(
          imageNote({
            code: 'format-fallback',
            target: 'photo',
            asked: FORMAT_OF[mainType]!,
            used: FORMAT_OF[main.type] ?? 'jpeg',
          }),
        );
      upload = new File([main.blob], renamed(name, main.type), {
        type: main.type,
        lastModified: file.lastModified,
      });
      report.processing = resized ? 'resized' : 're-encoded';
      report.width = main.width;
      report.height = main.height;
    }
  }
  const renditions = pictures.map((picture, i) => {
    const asked = settings.thumbnails[i]!;
    const format = FORMAT_OF[picture.type] ?? 'jpeg';
    if (
      format !== asked.format &&
      !report.notes.some((n) => n.code === 'format-fallback' && n.asked === asked.format)
    )
      report.notes.push(
        imageNote({ code: 'format-fallback', target: 'thumbnails', asked: asked.format, used: format }),
      );
    return {
      requestedWidth: asked.width,
      blob: picture.blob,
      width: picture.width,
      height: picture.height,
      format,
    };
  });
  return { file: upload, renditions, report };
}
