// Removes where a PNG or a WebP was taken, losslessly, as jpeg-location.ts does for JPEG:
// only metadata chunks are rewritten; every image chunk (PNG IDAT, WebP VP8/VP8L/ALPH/ANIM
// frames) stays the same Blob slice of the chosen file, never read into memory, decoded or
// copied.
//
// - PNG: the eXIf chunk holds the same TIFF block as a JPEG's EXIF segment (its GPS IFD is
//   zeroed in place, the chunk keeps its length) and an iTXt chunk "XML:com.adobe.xmp" holds
//   XMP (its location properties go; a compressed one is inflated and written back plain).
//   Each rewritten chunk gets its CRC-32 recomputed.
// - WebP (RIFF): the EXIF chunk (a TIFF block, sometimes after "Exif\0\0") and the "XMP "
//   chunk, likewise; the RIFF size follows the XMP chunk's new length, and a chunk of odd
//   length keeps its pad byte.
//
// Not handled: ImageMagick's legacy hex "Raw profile type exif" text chunks, HEIC/AVIF
// (ISOBMFF items) and MPF secondary images (README, "location privacy").

import { crc32Table } from '../crc32.js';
import { type LocationRemoval, removeExifGps, xmpWithoutLocation } from './jpeg-location.js';

/** The file could not be walked chunk by chunk: callers upload it unchanged, with a note. */
export class MalformedImage extends Error {
  override readonly name = 'MalformedImage';
}

export interface ChunkStrip {
  /** The file without its location; undefined when there was nothing to remove. */
  blob: Blob | undefined;
  removed: LocationRemoval;
}

/** Reads a Blob through a moving window, so walking thousands of chunk headers is a few reads. */
class WindowReader {
  #start = 0;
  #bytes = new Uint8Array(0);
  constructor(readonly file: Blob) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset + length > this.file.size)
      throw new MalformedImage(`the file ends inside a chunk (byte ${offset + length} of ${this.file.size})`);
    if (offset < this.#start || offset + length > this.#start + this.#bytes.length) {
      this.#start = offset;
      const end = Math.min(this.file.size, offset + Math.max(length, WINDOW));
      this.#bytes = new Uint8Array(await this.file.slice(offset, end).arrayBuffer());
    }
    return this.#bytes.subarray(offset - this.#start, offset - this.#start + length);
  }
}

/** 1 MiB: a photo's chunk headers lie within a few windows, and metadata chunks are small. */
const WINDOW = 1024 * 1024;
/** A metadata chunk larger than this is not edited (the photo is uploaded unchanged, with a note). */
const METADATA_MAX = 16 * 1024 * 1024;

/** Builds the new file: unchanged ranges as slices of the original, rewritten chunks as bytes. */
class Rebuild {
  readonly parts: (Blob | Uint8Array<ArrayBuffer>)[] = [];
  #keptFrom = 0;
  changed = false;
  constructor(readonly file: Blob) {}

  /** Replaces `[from, to)` of the original with `bytes` (nothing, to drop it). */
  replace(from: number, to: number, bytes?: Uint8Array) {
    if (from > this.#keptFrom) this.parts.push(this.file.slice(this.#keptFrom, from));
    if (bytes?.length) this.parts.push(bytes.slice() as Uint8Array<ArrayBuffer>);
    this.#keptFrom = to;
    this.changed = true;
  }

  finish(type: string): Blob {
    if (this.#keptFrom < this.file.size) this.parts.push(this.file.slice(this.#keptFrom));
    return new Blob(this.parts, { type });
  }
}

const latin1 = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join('');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const XMP_KEYWORD = 'XML:com.adobe.xmp';

/** The PNG without its location (eXIf GPS IFD, XMP location properties). */
export async function stripPngLocation(file: Blob): Promise<ChunkStrip> {
  const reader = new WindowReader(file);
  const signature = await reader.read(0, 8);
  if (!PNG_SIGNATURE.every((b, i) => signature[i] === b))
    throw new MalformedImage('not a PNG (no signature)');
  const removed: LocationRemoval = { exif: [], xmp: [] };
  const out = new Rebuild(file);
  let at = 8;
  for (;;) {
    if (at === file.size) break; // No IEND: tolerated, as decoders do.
    const header = await reader.read(at, 8);
    const length = new DataView(header.buffer, header.byteOffset, 8).getUint32(0);
    const type = latin1(header.subarray(4, 8));
    const end = at + 12 + length;
    if (end > file.size)
      throw new MalformedImage(`the ${type} chunk at byte ${at} runs past the end of the file`);
    if (type === 'eXIf' || type === 'iTXt') {
      if (length > METADATA_MAX) throw new MalformedImage(`its ${type} chunk is longer than 16 MiB`);
      const data = (await reader.read(at + 8, length)).slice();
      const rewritten = type === 'eXIf' ? pngExif(data, removed) : await pngXmp(data, removed);
      if (rewritten) out.replace(at, end, pngChunk(type, rewritten));
    }
    at = end;
    if (type === 'IEND') break;
  }
  return { blob: out.changed ? out.finish(file.type) : undefined, removed };
}

function pngExif(data: Uint8Array, removed: LocationRemoval): Uint8Array | undefined {
  const before = removed.exif.length;
  removeExifGps(data, removed);
  return removed.exif.length > before ? data : undefined;
}

/** An iTXt chunk's data without location when it is XMP that has some; undefined otherwise. */
async function pngXmp(data: Uint8Array, removed: LocationRemoval): Promise<Uint8Array | undefined> {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0 || latin1(data.subarray(0, keywordEnd)) !== XMP_KEYWORD) return undefined;
  const compressed = data[keywordEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) throw new MalformedImage('its XMP iTXt chunk is truncated');
  let text = data.subarray(translatedEnd + 1);
  if (compressed) text = await inflate(text);
  const { xml, found } = xmpWithoutLocation(new TextDecoder().decode(text));
  if (found.length === 0) return undefined;
  removed.xmp.push(...found);
  // Written back uncompressed: flag and method 0, the same language and translated keyword.
  const head = data.slice(0, translatedEnd + 1);
  head[keywordEnd + 1] = 0;
  head[keywordEnd + 2] = 0;
  const body = new TextEncoder().encode(xml);
  const result = new Uint8Array(head.length + body.length);
  result.set(head);
  result.set(body, head.length);
  return result;
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes.slice() as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new MalformedImage('its compressed XMP could not be inflated', { cause: error });
  }
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  // The CRC covers the type and the data, not the length.
  view.setUint32(8 + data.length, crc32Table(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0, 0];

/** The WebP without its location (EXIF GPS IFD, XMP location properties). */
export async function stripWebpLocation(file: Blob): Promise<ChunkStrip> {
  const reader = new WindowReader(file);
  const header = await reader.read(0, 12);
  if (latin1(header.subarray(0, 4)) !== 'RIFF' || latin1(header.subarray(8, 12)) !== 'WEBP')
    throw new MalformedImage('not a WebP (no RIFF WEBP header)');
  const riffSize = new DataView(header.buffer, header.byteOffset, 12).getUint32(4, true);
  // Bytes past the RIFF (some writers append) are kept as they are.
  const riffEnd = Math.min(file.size, 8 + riffSize);
  const removed: LocationRemoval = { exif: [], xmp: [] };
  const out = new Rebuild(file);
  let growth = 0;
  let at = 12;
  while (at + 8 <= riffEnd) {
    const chunkHeader = await reader.read(at, 8);
    const fourcc = latin1(chunkHeader.subarray(0, 4));
    const size = new DataView(chunkHeader.buffer, chunkHeader.byteOffset, 8).getUint32(4, true);
    const end = at + 8 + size + (size & 1);
    if (at + 8 + size > riffEnd)
      throw new MalformedImage(`the ${fourcc.trim()} chunk at byte ${at} runs past the end of the file`);
    if (fourcc === 'EXIF' || fourcc === 'XMP ') {
      if (size > METADATA_MAX) throw new MalformedImage(`its ${fourcc.trim()} chunk is longer than 16 MiB`);
      const data = (await reader.read(at + 8, size)).slice();
      if (fourcc === 'EXIF') {
        const before = removed.exif.length;
        const tiffAt = EXIF_PREFIX.every((b, i) => data[i] === b) ? EXIF_PREFIX.length : 0;
        removeExifGps(data.subarray(tiffAt), removed);
        if (removed.exif.length > before) out.replace(at + 8, at + 8 + size, data);
      } else {
        const { xml, found } = xmpWithoutLocation(new TextDecoder().decode(data));
        if (found.length) {
          removed.xmp.push(...found);
          const body = new TextEncoder().encode(xml);
          const chunk = new Uint8Array(8 + body.length + (body.length & 1));
          chunk.set(chunkHeader.subarray(0, 4));
          new DataView(chunk.buffer).setUint32(4, body.length, true);
          chunk.set(body, 8);
          out.replace(at, end, chunk);
          growth += chunk.length - (end - at);
        }
      }
    }
    at = end;
  }
  if (!out.changed) return { blob: undefined, removed };
  if (growth !== 0) {
    const riff = header.slice(0, 8);
    new DataView(riff.buffer).setUint32(4, riffSize + growth, true);
    // The header's first 8 bytes are replaced; the parts were built in order, so it goes first.
    out.parts.unshift(riff as Uint8Array<ArrayBuffer>);
    const first = out.parts[1];
    if (first instanceof Blob) out.parts[1] = first.slice(8);
    else throw new MalformedImage('a chunk was rewritten inside the RIFF header');
  }
  return { blob: out.finish(file.type), removed };
}
