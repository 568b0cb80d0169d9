// Test photos for every package's tests and the bench. Builds the metadata segments of a test photo (EXIF with a GPS IFD, XMP with a location)
// and inserts them into a JPEG, so tests need no binary fixtures: the image itself comes
// from OffscreenCanvas in Chromium, or is a minimal stand-in in Node. Runs in both.

export interface ExifSpec {
  littleEndian?: boolean;
  make?: string;
  /** EXIF orientation 1..8. */
  orientation?: number;
  gps?: { latitude: number; longitude: number; altitude?: number };
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** The value's bytes in the file's byte order; a nested IFD when `ifd` is set. */
  value?: Uint8Array;
  ifd?: Entry[];
}

function rationals(values: number[][], little: boolean): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach(([n, d], i) => {
    view.setUint32(i * 8, n!, little);
    view.setUint32(i * 8 + 4, d!, little);
  });
  return out;
}

function dms(value: number): number[][] {
  const v = Math.abs(value);
  const degrees = Math.floor(v);
  const minutes = Math.floor((v - degrees) * 60);
  const seconds = Math.round(((v - degrees) * 60 - minutes) * 60 * 1000);
  return [
    [degrees, 1],
    [minutes, 1],
    [seconds, 1000],
  ];
}

const ascii = (text: string) => new TextEncoder().encode(`${text}\0`);

/** The TIFF block of an EXIF segment (what follows "Exif\0\0"). */
export function tiffBlock(spec: ExifSpec): Uint8Array {
  const little = spec.littleEndian ?? true;
  const u16 = (n: number) => {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, n, little);
    return b;
  };
  const ifd0: Entry[] = [];
  if (spec.make) ifd0.push({ tag: 0x010f, type: 2, count: spec.make.length + 1, value: ascii(spec.make) });
  if (spec.orientation) ifd0.push({ tag: 0x0112, type: 3, count: 1, value: u16(spec.orientation) });
  ifd0.push({ tag: 0x0131, type: 2, count: 6, value: ascii('s3up.') });
  if (spec.gps) {
    const { latitude, longitude, altitude } = spec.gps;
    const gps: Entry[] = [
      { tag: 0, type: 1, count: 4, value: new Uint8Array([2, 3, 0, 0]) },
      { tag: 1, type: 2, count: 2, value: ascii(latitude >= 0 ? 'N' : 'S') },
      { tag: 2, type: 5, count: 3, value: rationals(dms(latitude), little) },
      { tag: 3, type: 2, count: 2, value: ascii(longitude >= 0 ? 'E' : 'W') },
      { tag: 4, type: 5, count: 3, value: rationals(dms(longitude), little) },
    ];
    if (altitude !== undefined) {
      gps.push({ tag: 5, type: 1, count: 1, value: new Uint8Array([0]) });
      gps.push({ tag: 6, type: 5, count: 1, value: rationals([[Math.round(altitude * 10), 10]], little) });
    }
    ifd0.push({ tag: 0x8825, type: 4, count: 1, ifd: gps });
  }
  ifd0.sort((a, b) => a.tag - b.tag);

  // Layout: header, IFD0, its values, then each nested IFD and its values.
  const chunks: Uint8Array[] = [];
  let size = 8;
  const header = new Uint8Array(8);
  const hv = new DataView(header.buffer);
  header.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  hv.setUint16(2, 42, little);
  hv.setUint32(4, 8, little);
  chunks.push(header);
  const write = (entries: Entry[]): number => {
    const at = size;
    const table = new Uint8Array(2 + entries.length * 12 + 4);
    const view = new DataView(table.buffer);
    view.setUint16(0, entries.length, little);
    chunks.push(table);
    size += table.length;
    const later: [number, Entry[]][] = [];
    entries.forEach((entry, i) => {
      const e = 2 + i * 12;
      view.setUint16(e, entry.tag, little);
      view.setUint16(e + 2, entry.type, little);
      view.setUint32(e + 4, entry.count, little);
      if (entry.ifd) {
        later.push([e + 8, entry.ifd]);
      } else if (entry.value!.length <= 4) {
        table.set(entry.value!, e + 8);
      } else {
        view.setUint32(e + 8, size, little);
        const padded = entry.value!.length % 2 === 0 ? entry.value! : new Uint8Array([...entry.value!, 0]);
        chunks.push(padded);
        size += padded.length;
      }
    });
    for (const [slot, nested] of later) view.setUint32(slot, write(nested), little);
    return at;
  };
  write(ifd0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function segment(marker: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = (payload.length + 2) >> 8;
  out[3] = (payload.length + 2) & 0xff;
  out.set(payload, 4);
  return out;
}

/** An APP1 EXIF segment, marker included. */
export function exifSegment(spec: ExifSpec): Uint8Array {
  const tiff = tiffBlock(spec);
  return segment(0xe1, new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]));
}

/** An XMP packet with a rating and a label (kept) and, when given, a location (removed). */
export function xmpPacket(location?: { latitude: string; longitude: string; city: string }): string {
  const where = location
    ? ` exif:GPSLatitude="${location.latitude}" exif:GPSLongitude="${location.longitude}"`
    : '';
  const city = location ? `<photoshop:City>${location.city}</photoshop:City>` : '';
  return `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmp:Rating="4"${where}>${city}<xmp:Label>Holiday</xmp:Label></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}

/** An APP1 XMP segment with a rating (kept) and, when given, a location (removed). */
export function xmpSegment(location?: { latitude: string; longitude: string; city: string }): Uint8Array {
  const header = new TextEncoder().encode('http://ns.adobe.com/xap/1.0/\0');
  const body = new TextEncoder().encode(xmpPacket(location));
  const payload = new Uint8Array(header.length + body.length);
  payload.set(header);
  payload.set(body, header.length);
  return segment(0xe1, payload);
}

/**
 * A JPEG with `segments` inserted after SOI and its JFIF APP0 segment, when it has one
 * (JFIF wants to be first; a camera's JPEG has the EXIF segment there instead).
 */
export function withSegments(jpeg: Uint8Array, ...segments: Uint8Array[]): Uint8Array {
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at += 2 + ((jpeg[4]! << 8) | jpeg[5]!);
  const total = segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(jpeg.length + total);
  out.set(jpeg.subarray(0, at));
  let to = at;
  for (const s of segments) {
    out.set(s, to);
    to += s.length;
  }
  out.set(jpeg.subarray(at), to);
  return out;
}

/**
 * A stand-in JPEG for Node tests that never decode: SOI, a JFIF APP0, a DQT, then SOS and
 * `scanBytes` of seeded "image data", and EOI. Parsers of metadata read it like a photo.
 */
export function skeletonJpeg(scanBytes = 4096, seed = 1): Uint8Array {
  const app0 = segment(0xe0, new Uint8Array([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const dqt = segment(
    0xdb,
    new Uint8Array(65).map((_, i) => (i === 0 ? 0 : 1 + (i % 50))),
  );
  const sos = segment(0xda, new Uint8Array([1, 1, 0, 0, 63, 0]));
  const scan = new Uint8Array(scanBytes);
  let x = seed;
  for (let i = 0; i < scan.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    // No 0xFF in entropy data (it would need stuffing); the content is arbitrary otherwise.
    scan[i] = (x >>> 16) % 255;
  }
  const parts = [new Uint8Array([0xff, 0xd8]), app0, dqt, sos, scan, new Uint8Array([0xff, 0xd9])];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where the image data starts: the offset of the SOS marker. */
export function scanOffset(jpeg: Uint8Array): number {
  let at = 2;
  while (at + 4 <= jpeg.length) {
    if (jpeg[at] !== 0xff) throw new Error(`no marker at ${at}`);
    if (jpeg[at + 1] === 0xda) return at;
    at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
  }
  throw new Error('no SOS');
}

/**
 * A real JPEG made by Chromium's encoder (OffscreenCanvas), with an EXIF segment (and an XMP
 * one) built for the test: no binary fixture in the repository. The top-left quarter is red,
 * so a test can tell how the photo is turned.
 */
export async function testPhoto(
  width: number,
  height: number,
  options: { exif?: ExifSpec; xmpCity?: string; quality?: number } = {},
): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#1e6091');
  gradient.addColorStop(1, '#f9c74f');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  for (let i = 0; i < 40; i++) {
    context.fillStyle = `hsl(${(i * 47) % 360} 70% 50%)`;
    context.beginPath();
    context.arc(
      (((i * 97) % 100) * width) / 100,
      (((i * 61) % 100) * height) / 100,
      Math.max(4, width / 40),
      0,
      7,
    );
    context.fill();
  }
  context.fillStyle = '#f00';
  context.fillRect(0, 0, width / 2, height / 2);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: options.quality ?? 0.9 });
  const jpeg = new Uint8Array(await blob.arrayBuffer());
  const segments = [];
  if (options.exif) segments.push(exifSegment(options.exif));
  if (options.xmpCity)
    segments.push(xmpSegment({ latitude: '48,51.5N', longitude: '2,17.7E', city: options.xmpCity }));
  return withSegments(jpeg, ...segments);
}

/** The RGBA pixels of an image, decoded by the browser (EXIF orientation applied). */
export async function pixels(
  bytes: Uint8Array | Blob,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const bitmap = await createImageBitmap(
    bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>]),
  );
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  bitmap.close();
  return { width: canvas.width, height: canvas.height, data };
}

/** Where the TIFF block of the first EXIF segment starts (just after "Exif\0\0"); -1 without one. */
export function exifTiffOffset(jpeg: Uint8Array): number {
  const mark = [0x45, 0x78, 0x69, 0x66, 0, 0];
  for (let i = 0; i + mark.length <= jpeg.length; i++) {
    if (mark.every((b, j) => jpeg[i + j] === b)) return i + mark.length;
  }
  return -1;
}

// ---- PNG and WebP ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG wants it (written here so the fixture does not trust the code it tests). */
export function pngCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const join = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const latin1Bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(latin1Bytes(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, pngCrc(out.subarray(4, 8 + data.length)));
  return out;
}

/** The PNG's chunks in order: type, where it starts, its data (no copy). */
export function pngChunks(png: Uint8Array): { type: string; at: number; data: Uint8Array; crc: number }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    chunks.push({
      type,
      at,
      data: png.subarray(at + 8, at + 8 + length),
      crc: view.getUint32(at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

/** An iTXt chunk holding XMP (deflated when `deflated` is given: the zlib bytes of the packet). */
export function pngXmpChunk(packet: string, deflated?: Uint8Array): Uint8Array {
  const head = latin1Bytes('XML:com.adobe.xmp\0');
  const flags = new Uint8Array([deflated ? 1 : 0, 0, 0, 0]); // compression flag, method, "" language, "" translated
  return pngChunk('iTXt', join([head, flags, deflated ?? new TextEncoder().encode(packet)]));
}

/** The PNG with `chunks` inserted after IHDR (where eXIf and XMP belong: before the image data). */
export function withPngChunks(png: Uint8Array, ...chunks: Uint8Array[]): Uint8Array {
  const ihdrEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
  return join([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

/**
 * A stand-in PNG for Node tests that never decode: IHDR (w×h, RGBA), `idat` IDAT chunks of
 * seeded bytes, IEND. Metadata parsers read it like an image.
 */
export function skeletonPng(idat = 3, bytesEach = 3000, seed = 7): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, 64);
  view.setUint32(4, 48);
  ihdr.set([8, 6, 0, 0, 0], 8);
  let x = seed;
  const data = Array.from({ length: idat }, () =>
    pngChunk(
      'IDAT',
      Uint8Array.from({ length: bytesEach }, () => {
        x = (x * 1103515245 + 12345) >>> 0;
        return x >>> 24;
      }),
    ),
  );
  return join([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...data,
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** The WebP's chunks in order: fourcc, where it starts, its data (no copy). */
export function webpChunks(webp: Uint8Array): { fourcc: string; at: number; data: Uint8Array }[] {
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  const end = Math.min(webp.length, 8 + view.getUint32(4, true));
  const chunks = [];
  for (let at = 12; at + 8 <= end; ) {
    const size = view.getUint32(at + 4, true);
    chunks.push({
      fourcc: String.fromCharCode(...webp.subarray(at, at + 4)),
      at,
      data: webp.subarray(at + 8, at + 8 + size),
    });
    at += 8 + size + (size & 1);
  }
  return chunks;
}

function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  out.set(latin1Bytes(fourcc));
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

/** The canvas size of a simple (VP8 or VP8L) WebP's image chunk. */
function webpSize(fourcc: string, data: Uint8Array): { width: number; height: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (fourcc === 'VP8L') {
    const bits = view.getUint32(1, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (fourcc === 'VP8 ')
    return { width: view.getUint16(6, true) & 0x3fff, height: view.getUint16(8, true) & 0x3fff };
  throw new Error(`no size in a ${fourcc} chunk`);
}

/**
 * The WebP as an extended (VP8X) file with an EXIF chunk (a bare TIFF block, as libwebp
 * writes it) and an XMP chunk after the image, with their VP8X flags set.
 */
export function withWebpMetadata(
  webp: Uint8Array,
  metadata: { exif?: Uint8Array; xmp?: string },
): Uint8Array {
  const chunks = webpChunks(webp);
  let vp8x = chunks.find((c) => c.fourcc === 'VP8X')?.data.slice();
  const rest = chunks.filter((c) => c.fourcc !== 'VP8X');
  if (!vp8x) {
    const image = rest.find((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')!;
    const { width, height } = webpSize(image.fourcc, image.data);
    vp8x = new Uint8Array(10);
    const w = width - 1;
    const h = height - 1;
    vp8x.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 4);
    if (image.fourcc === 'VP8L') vp8x[0]! |= 0x10; // alpha
  }
  if (metadata.exif) vp8x[0]! |= 0x08;
  if (metadata.xmp) vp8x[0]! |= 0x04;
  const body = join([
    latin1Bytes('WEBP'),
    riffChunk('VP8X', vp8x),
    ...rest.map((c) => riffChunk(c.fourcc, c.data)),
    ...(metadata.exif ? [riffChunk('EXIF', metadata.exif)] : []),
    ...(metadata.xmp ? [riffChunk('XMP ', new TextEncoder().encode(metadata.xmp))] : []),
  ]);
  const header = new Uint8Array(8);
  header.set(latin1Bytes('RIFF'));
  new DataView(header.buffer).setUint32(4, body.length, true);
  return join([header, body]);
}

/** A stand-in lossless WebP for Node tests that never decode: a VP8L chunk of seeded bytes. */
export function skeletonWebp(bytes = 5000, seed = 3): Uint8Array {
  const data = new Uint8Array(bytes);
  data[0] = 0x2f;
  // 64×48: width-1 and height-1 in 14 bits each.
  new DataView(data.buffer).setUint32(1, 63 | (47 << 14), true);
  let x = seed;
  for (let i = 5; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  const body = join([latin1Bytes('WEBP'), riffChunk('VP8L', data)]);
  const header = new Uint8Array(8);
  header.set(latin1Bytes('RIFF'));
  new DataView(header.buffer).setUint32(4, body.length, true);
  return join([header, body]);
}
