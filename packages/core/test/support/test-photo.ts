import { type ExifSpec, exifSegment, withSegments, xmpSegment } from './exif-builder.js';

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
