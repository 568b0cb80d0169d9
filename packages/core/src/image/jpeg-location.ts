// Removes where a JPEG was taken, losslessly: only the metadata segments before the image
// data (SOS) are rewritten; the compressed pixels are never decoded nor touched, so the
// photo is bit for bit the same image. Written by hand because no maintained library does
// a lossless in-browser segment rewrite (exifr, used in the tests, only reads; piexifjs is
// unmaintained since 2019 and loads the whole file as a binary string).
//
// What counts as location:
// - EXIF: the GPS IFD (tag 0x8825 in IFD0 or IFD1). Its pointer is taken out of the IFD
//   (the entries after it move up; the IFD keeps its place, so every other offset in the
//   TIFF block stays valid) and the GPS IFD and its values are zeroed. The segment keeps
//   its length.
// - XMP: exif:GPS* properties, photoshop:City/State/Country, Iptc4xmpCore:Location and
//   CountryCode, Iptc4xmpExt:LocationCreated/LocationShown, in attribute or element form.
//   The segment is rewritten with its new length. An Extended XMP segment that mentions a
//   location is dropped whole (its chunks cannot be edited one by one).

/** What was removed from one photo; empty arrays when it held no location. */
export interface LocationRemoval {
  /** Names of the EXIF GPS tags removed (GPSLatitude, GPSLongitude, …). */
  exif: string[];
  /** XMP properties removed, qualified (exif:GPSLatitude, photoshop:City, …). */
  xmp: string[];
}

/** A JPEG's metadata rewritten: the new head replaces `bytes[0, headLength)`. */
export interface StrippedHead {
  head: Uint8Array;
  /** Where the image data starts in the original (the SOS marker): everything from here is kept as is. */
  headLength: number;
  removed: LocationRemoval;
}

/** The photo could not be read as far as its image data: callers upload it unchanged. */
export class MalformedJpeg extends Error {
  override readonly name = 'MalformedJpeg';
}

/** More bytes are needed to reach the image data (read a longer head and try again). */
export class NeedMoreBytes extends Error {
  override readonly name = 'NeedMoreBytes';
  constructor(readonly atLeast: number) {
    super(`need at least ${atLeast} bytes`);
  }
}

const GPS_TAG_NAMES: Record<number, string> = {
  0: 'GPSVersionID',
  1: 'GPSLatitudeRef',
  2: 'GPSLatitude',
  3: 'GPSLongitudeRef',
  4: 'GPSLongitude',
  5: 'GPSAltitudeRef',
  6: 'GPSAltitude',
  7: 'GPSTimeStamp',
  8: 'GPSSatellites',
  9: 'GPSStatus',
  10: 'GPSMeasureMode',
  11: 'GPSDOP',
  12: 'GPSSpeedRef',
  13: 'GPSSpeed',
  14: 'GPSTrackRef',
  15: 'GPSTrack',
  16: 'GPSImgDirectionRef',
  17: 'GPSImgDirection',
  18: 'GPSMapDatum',
  19: 'GPSDestLatitudeRef',
  20: 'GPSDestLatitude',
  21: 'GPSDestLongitudeRef',
  22: 'GPSDestLongitude',
  23: 'GPSDestBearingRef',
  24: 'GPSDestBearing',
  25: 'GPSDestDistanceRef',
  26: 'GPSDestDistance',
  27: 'GPSProcessingMethod',
  28: 'GPSAreaInformation',
  29: 'GPSDateStamp',
  30: 'GPSDifferential',
  31: 'GPSHPositioningError',
};
const GPS_IFD_POINTER = 0x8825;
/** Bytes of one value of each TIFF type (1 BYTE … 13 IFD). */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXTENSION_HEADER = 'http://ns.adobe.com/xmp/extension/\0';

/** True when the bytes start like a JPEG (SOI then a marker). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Rewrites the segments before the image data without location. `bytes` is the start of
 * the file: throws {@link NeedMoreBytes} when the image data starts past it,
 * {@link MalformedJpeg} when the structure or the EXIF cannot be read safely.
 */
export function stripJpegLocation(bytes: Uint8Array): StrippedHead {
  if (!isJpeg(bytes)) throw new MalformedJpeg('not a JPEG (no SOI marker)');
  const removed: LocationRemoval = { exif: [], xmp: [] };
  const pieces: Uint8Array[] = [bytes.subarray(0, 2)];
  let at = 2;
  for (;;) {
    if (at + 4 > bytes.length) throw new NeedMoreBytes(at + 4);
    if (bytes[at] !== 0xff) throw new MalformedJpeg(`no marker at byte ${at}`);
    // Fill bytes: any number of 0xFF before a marker.
    let markerAt = at;
    while (bytes[markerAt + 1] === 0xff) {
      markerAt += 1;
      if (markerAt + 4 > bytes.length) throw new NeedMoreBytes(markerAt + 4);
    }
    const marker = bytes[markerAt + 1]!;
    if (marker === 0xda) {
      // Start of scan: the image data; from here on the file is kept as it is.
      return { head: concat(pieces), headLength: at, removed };
    }
    if (marker === 0xd9) throw new MalformedJpeg('the file ends (EOI) before any image data');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      // Markers without a length (TEM, RSTn) do not belong before SOS but carry nothing.
      pieces.push(bytes.subarray(at, markerAt + 2));
      at = markerAt + 2;
      continue;
    }
    const length = (bytes[markerAt + 2]! << 8) | bytes[markerAt + 3]!;
    if (length < 2)
      throw new MalformedJpeg(`segment FF${hex(marker)} at byte ${markerAt} has length ${length}`);
    const end = markerAt + 2 + length;
    if (end > bytes.length) throw new NeedMoreBytes(end + 4);
    const segment = bytes.subarray(at, end);
    const data = bytes.subarray(markerAt + 4, end);
    if (marker === 0xe1 && startsWith(data, EXIF_HEADER)) {
      const copy = segment.slice();
      removeExifGps(copy.subarray(markerAt - at + 4 + EXIF_HEADER.length), removed);
      pieces.push(copy);
    } else if (marker === 0xe1 && startsWithText(data, XMP_HEADER)) {
      pieces.push(rewriteXmp(segment, markerAt - at, data, removed));
    } else if (marker === 0xe1 && startsWithText(data, XMP_EXTENSION_HEADER) && mentionsLocation(data)) {
      removed.xmp.push('extended XMP');
    } else {
      pieces.push(segment);
    }
    at = end;
  }
}

// ---- EXIF ----

/**
 * Zeroes the GPS IFD of a TIFF block (in place) and takes its pointer out of IFD0/IFD1. The
 * block keeps its length. Shared with PNG's eXIf and WebP's EXIF chunks, which hold the same block.
 */
export function removeExifGps(tiff: Uint8Array, removed: LocationRemoval): void {
  if (tiff.length < 8) throw new MalformedJpeg('the EXIF block is shorter than its TIFF header');
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) throw new MalformedJpeg('the EXIF block has no byte order');
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) throw new MalformedJpeg('the EXIF block is not TIFF');
  const u16 = (offset: number) => {
    if (offset + 2 > tiff.length) throw new MalformedJpeg('the EXIF block is truncated');
    return view.getUint16(offset, little);
  };
  const u32 = (offset: number) => {
    if (offset + 4 > tiff.length) throw new MalformedJpeg('the EXIF block is truncated');
    return view.getUint32(offset, little);
  };
  let ifd = u32(4);
  const seen = new Set<number>();
  // IFD0 and IFD1 (the thumbnail's); the GPS pointer belongs in IFD0, but some writers err.
  for (let index = 0; index < 2 && ifd !== 0; index++) {
    if (seen.has(ifd)) throw new MalformedJpeg('the EXIF IFDs loop');
    seen.add(ifd);
    const count = u16(ifd);
    const nextAt = ifd + 2 + count * 12;
    const next = u32(nextAt);
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12;
      if (u16(entry) !== GPS_IFD_POINTER) continue;
      zeroGpsIfd(tiff, u32(entry + 8), u16, u32, removed);
      // Entries after it move up one place; the next-IFD offset follows them; the freed
      // 12 bytes at the end are zeroed. The IFD does not move, so no offset changes.
      tiff.copyWithin(entry, entry + 12, nextAt + 4);
      tiff.fill(0, nextAt - 8, nextAt + 4);
      view.setUint16(ifd, count - 1, little);
      view.setUint32(nextAt - 12, next, little);
      break;
    }
    ifd = next;
  }
}

function zeroGpsIfd(
  tiff: Uint8Array,
  gps: number,
  u16: (offset: number) => number,
  u32: (offset: number) => number,
  removed: LocationRemoval,
): void {
  const count = u16(gps);
  const end = gps + 2 + count * 12 + 4;
  if (end > tiff.length) throw new MalformedJpeg('the GPS IFD runs past the EXIF block');
  for (let i = 0; i < count; i++) {
    const entry = gps + 2 + i * 12;
    const tag = u16(entry);
    const size = (TYPE_SIZES[u16(entry + 2)] ?? 1) * u32(entry + 4);
    if (size > 4) {
      const at = u32(entry + 8);
      if (at + size > tiff.length) throw new MalformedJpeg('a GPS value lies past the EXIF block');
      tiff.fill(0, at, at + size);
    }
    removed.exif.push(GPS_TAG_NAMES[tag] ?? `GPS tag ${tag}`);
  }
  // A writer may set a pointer but leave no tag: the pointer still goes.
  if (count === 0) removed.exif.push('GPSInfo');
  tiff.fill(0, gps, end);
}

// ---- XMP ----

/** Namespaces whose properties say where, and which of their properties do. */
const XMP_LOCATION: readonly { uri: string; conventional: string; names: RegExp }[] = [
  { uri: 'http://ns.adobe.com/exif/1.0/', conventional: 'exif', names: /^GPS[A-Za-z]*$/ },
  { uri: 'http://ns.adobe.com/photoshop/1.0/', conventional: 'photoshop', names: /^(?:City|State|Country)$/ },
  {
    uri: 'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/',
    conventional: 'Iptc4xmpCore',
    names: /^(?:Location|CountryCode)$/,
  },
  {
    uri: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
    conventional: 'Iptc4xmpExt',
    names: /^(?:LocationCreated|LocationShown)$/,
  },
];

const latin1 = (bytes: Uint8Array) => Array.from(bytes, (b) => String.fromCharCode(b)).join('');

export function mentionsLocation(data: Uint8Array): boolean {
  return /GPS(?:Latitude|Longitude)|LocationCreated|LocationShown|photoshop:City/.test(latin1(data));
}

/**
 * An XMP packet without its location properties, and their qualified names (empty when
 * there was none: `xml` is then the packet as given). Shared with PNG and WebP.
 */
export function xmpWithoutLocation(packet: string): { xml: string; found: string[] } {
  let xml = packet;
  const found: string[] = [];
  for (const space of XMP_LOCATION) {
    const prefixes = new Set([space.conventional]);
    const bound = new RegExp(`xmlns:([A-Za-z_][\\w.-]*)\\s*=\\s*["']${escapeRegExp(space.uri)}["']`, 'g');
    for (const match of xml.matchAll(bound)) prefixes.add(match[1]!);
    for (const prefix of prefixes) {
      const p = escapeRegExp(prefix);
      // Element form, with content (possibly nested) or empty.
      xml = xml.replace(new RegExp(`<${p}:([A-Za-z]+)\\b[^>]*?/>`, 'g'), (all, name: string) =>
        space.names.test(name) ? note(found, `${prefix}:${name}`, '') : all,
      );
      xml = xml.replace(
        new RegExp(`<${p}:([A-Za-z]+)\\b[^>]*>[\\s\\S]*?</${p}:\\1>`, 'g'),
        (all, name: string) => (space.names.test(name) ? note(found, `${prefix}:${name}`, '') : all),
      );
      // Attribute form.
      xml = xml.replace(
        new RegExp(`\\s${p}:([A-Za-z]+)\\s*=\\s*(?:"[^"]*"|'[^']*')`, 'g'),
        (all, name: string) => (space.names.test(name) ? note(found, `${prefix}:${name}`, '') : all),
      );
    }
  }
  return { xml, found };
}

function rewriteXmp(
  segment: Uint8Array,
  markerOffset: number,
  data: Uint8Array,
  removed: LocationRemoval,
): Uint8Array {
  const packetStart = XMP_HEADER.length;
  const packet = new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(packetStart));
  const { xml, found } = xmpWithoutLocation(packet);
  if (found.length === 0) return segment;
  removed.xmp.push(...found);
  const body = new TextEncoder().encode(xml);
  const length = 2 + packetStart + body.length;
  if (length > 0xffff) throw new MalformedJpeg('the XMP segment is longer than a segment can be');
  const out = new Uint8Array(markerOffset + 4 + packetStart + body.length);
  out.set(segment.subarray(0, markerOffset + 2));
  out[markerOffset + 2] = length >> 8;
  out[markerOffset + 3] = length & 0xff;
  out.set(data.subarray(0, packetStart), markerOffset + 4);
  out.set(body, markerOffset + 4 + packetStart);
  return out;
}

function note(found: string[], name: string, replacement: string): string {
  if (!found.includes(name)) found.push(name);
  return replacement;
}

// ---- bytes ----

function startsWith(data: Uint8Array, prefix: readonly number[]): boolean {
  return data.length >= prefix.length && prefix.every((b, i) => data[i] === b);
}

function startsWithText(data: Uint8Array, prefix: string): boolean {
  return data.length >= prefix.length && [...prefix].every((c, i) => data[i] === c.charCodeAt(0));
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
