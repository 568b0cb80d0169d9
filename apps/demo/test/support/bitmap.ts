import { crc32, deflateSync } from 'node:zlib';

/**
 * A real, displayable 24-bit BMP of about `bytes` bytes (a colour gradient), so the demo's
 * thumbnails and share page have an actual picture to decode. BMP because its size is
 * exact: 54 bytes of header plus width x height x 3.
 */
export function gradientBitmap(bytes: number, width = 2048): Buffer {
  const row = width * 3; // width*3 is a multiple of 4 when width is: no row padding
  if (row % 4 !== 0) throw new RangeError('gradientBitmap: width must be a multiple of 4');
  const height = Math.max(1, Math.floor((bytes - 54) / row));
  const size = 54 + row * height;
  const out = Buffer.alloc(size);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(size, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    const base = 54 + y * row;
    const g = Math.floor((y / height) * 255);
    for (let x = 0; x < width; x++) {
      const i = base + x * 3;
      out[i] = Math.floor((x / width) * 255); // blue
      out[i + 1] = g; // green
      out[i + 2] = (x ^ y) & 0xff; // red: a pattern, so no two rows compress alike
    }
  }
  return out;
}

/**
 * A real PNG (8-bit RGB, a gradient) of `width` x `height`: what an image processor would
 * store as a thumbnail. Written here with node:zlib (deflate and CRC-32), no encoder needed.
 */
export function gradientPng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1); // each row starts with filter type 0 (none)
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 160;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
