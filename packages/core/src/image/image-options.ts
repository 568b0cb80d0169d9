import { isRenditionFormat, RENDITION_FORMATS, type RenditionFormat } from '@s3up/contract';
import { UploadError } from '../errors.js';
import type { ImageNote } from './image-notes.js';

// The image options and what the engine reports about each photo. Kept apart from the
// processing code so the options can be checked (and the types used) without loading it.

/** A thumbnail to upload beside the photo; its key comes from `renditionKey` in @s3up/contract. */
export interface ThumbnailOption {
  /** Width in pixels (never wider than the photo). */
  width: number;
  /** Default `webp`: about a third smaller than JPEG at the same quality, decoded everywhere. */
  format?: RenditionFormat;
  /** 0..1. Default 0.8: thumbnails are seen small, where artefacts do not show. */
  quality?: number;
}

/**
 * What to do with photos before they are uploaded. Only JPEG location removal is on by
 * default; everything else runs only when asked, and its code is loaded only then.
 */
export interface ImageOptions {
  /**
   * Remove where a JPEG was taken (EXIF GPS and XMP location) before upload, losslessly
   * (the image data is not touched). Default true: photos shared from a phone carry the
   * position of the place they were taken, often a home. false keeps it.
   */
  stripLocation?: boolean;
  /** Scale photos down so their longer side is at most this many pixels. Default: no resize. */
  maxDimension?: number;
  /**
   * Encoding of a resized photo, or of every photo when not `same`. Default `same` (a JPEG
   * stays JPEG; what the browser cannot encode, such as HEIC, becomes JPEG). `avif` falls back
   * to WebP, then JPEG, where the browser has no AVIF encoder (a note says so).
   */
  format?: 'same' | 'jpeg' | 'webp' | 'avif';
  /** 0..1 for lossy formats. Default 0.85: no visible loss on photos, about half the size of a camera's JPEG. */
  quality?: number;
  /**
   * Upload the photo's own bytes: no resize, no re-encoding (thumbnails and location removal
   * still happen). Default false.
   */
  keepOriginal?: boolean;
  /** Thumbnails to upload beside each photo, e.g. `[{ width: 320 }]`. Default none. */
  thumbnails?: readonly ThumbnailOption[];
  /**
   * Where photos are decoded and encoded. Default `worker` (the page stays responsive); falls
   * back to the main thread where a Worker cannot draw (no OffscreenCanvas) or start (CSP).
   */
  thread?: 'worker' | 'main';
}

export interface ImageSettings {
  stripLocation: boolean;
  maxDimension: number | undefined;
  format: 'same' | 'jpeg' | 'webp' | 'avif';
  quality: number;
  keepOriginal: boolean;
  thumbnails: { width: number; format: RenditionFormat; quality: number }[];
  thread: 'worker' | 'main';
}

/** What the engine removed from a photo's metadata. */
export interface LocationRemoved {
  /** EXIF GPS tags removed (GPSLatitude, GPSLongitude, …). */
  exif: string[];
  /** XMP properties removed (exif:GPSLatitude, photoshop:City, …). */
  xmp: string[];
}

/** A thumbnail stored beside the photo. */
export interface StoredRendition {
  key: string;
  width: number;
  height: number;
  format: RenditionFormat;
  size: number;
}

/**
 * What happened to a photo before and beside its upload (`task.image`, and `image` in the
 * `upload-succeeded` event). Set for images only.
 */
export interface ImageReport {
  /** The file as it was chosen. */
  original: { name: string; size: number; type: string; width?: number; height?: number };
  /**
   * `resized` (smaller and re-encoded), `re-encoded` (same size, other format),
   * `location-removed` (the same image with its metadata rewritten, losslessly) or
   * `unchanged` (the file's own bytes).
   */
  processing: 'resized' | 're-encoded' | 'location-removed' | 'unchanged';
  /** The uploaded image's size in pixels, when it was decoded. */
  width?: number;
  height?: number;
  /** Location data removed; empty lists when there was none (or stripping is off). */
  locationRemoved: LocationRemoved;
  /** Thumbnails stored beside it (filled once they are uploaded). */
  renditions: StoredRendition[];
  /** Where the photo was decoded and encoded, when it was: `worker`, or `main` (no OffscreenCanvas, or asked). */
  thread?: 'worker' | 'main';
  /**
   * Notes for the user (a HEIC the browser cannot decode, an unreadable EXIF, a format
   * fallback, a thumbnail not stored): each a `code` with its parameters and an English
   * `message` (see `ImageNote`). They used to be the English sentences themselves: read `message`
   * where a string was read.
   */
  notes: ImageNote[];
}

const FORMATS = ['same', 'jpeg', 'webp', 'avif'] as const;

function invalid(message: string): never {
  throw new UploadError('invalid-options', message);
}

/** Checks `images` when the uploader is made; undefined/true means the defaults, false turns everything off. */
export function resolveImageOptions(options: ImageOptions | boolean | undefined): ImageSettings | null {
  if (options === false) return null;
  const o: ImageOptions = options === undefined || options === true ? {} : options;
  if (typeof o !== 'object' || o === null) invalid('images must be an object (ImageOptions), true or false.');
  const known = new Set([
    'stripLocation',
    'maxDimension',
    'format',
    'quality',
    'keepOriginal',
    'thumbnails',
    'thread',
  ]);
  for (const name of Object.keys(o))
    if (!known.has(name))
      invalid(`images.${name} is not an option; the options are ${[...known].join(', ')}.`);
  if (
    o.maxDimension !== undefined &&
    !(Number.isInteger(o.maxDimension) && o.maxDimension >= 1 && o.maxDimension <= 32_767)
  )
    invalid(
      `images.maxDimension must be a whole number of pixels from 1 to 32767, not ${String(o.maxDimension)}.`,
    );
  if (o.format !== undefined && !FORMATS.includes(o.format))
    invalid(`images.format must be one of ${FORMATS.join(', ')}, not "${String(o.format)}".`);
  const quality = (value: unknown, name: string, fallback: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value > 0 && value <= 1))
      invalid(
        `${name} must be a number above 0 and at most 1 (0.85 is a good photo quality), not ${String(value)}.`,
      );
    return value;
  };
  if (o.thread !== undefined && o.thread !== 'worker' && o.thread !== 'main')
    invalid(`images.thread must be "worker" or "main", not "${String(o.thread)}".`);
  if (o.thumbnails !== undefined && !Array.isArray(o.thumbnails))
    invalid('images.thumbnails must be an array such as [{ width: 320 }].');
  const thumbnails = (o.thumbnails ?? []).map((t, i) => {
    const name = `images.thumbnails[${i}]`;
    if (typeof t !== 'object' || t === null) invalid(`${name} must be an object such as { width: 320 }.`);
    if (!(Number.isInteger(t.width) && t.width >= 1 && t.width <= 10_000))
      invalid(`${name}.width must be a whole number of pixels from 1 to 10000, not ${String(t.width)}.`);
    if (t.format !== undefined && !isRenditionFormat(t.format))
      invalid(
        `${name}.format must be one of ${Object.keys(RENDITION_FORMATS).join(', ')}, not "${String(t.format)}".`,
      );
    return {
      width: t.width,
      format: t.format ?? 'webp',
      quality: quality(t.quality, `${name}.quality`, 0.8),
    };
  });
  const seen = new Set<string>();
  for (const t of thumbnails) {
    const id = `${t.width}/${t.format}`;
    if (seen.has(id)) invalid(`images.thumbnails lists ${t.width} px ${t.format} twice.`);
    seen.add(id);
  }
  return {
    stripLocation: o.stripLocation ?? true,
    maxDimension: o.maxDimension,
    format: o.format ?? 'same',
    quality: quality(o.quality, 'images.quality', 0.85),
    keepOriginal: o.keepOriginal ?? false,
    thumbnails,
    thread: o.thread ?? 'worker',
  };
}

/** True when the settings ask for more than the (cheap, lossless) location removal. */
export function needsCodec(settings: ImageSettings): boolean {
  return (
    settings.thumbnails.length > 0 ||
    (!settings.keepOriginal && (settings.maxDimension !== undefined || settings.format !== 'same'))
  );
}
