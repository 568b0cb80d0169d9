// The 40 px thumbnail of a row, decoded at the size it is shown: an <img> of the photo itself
// would keep a 24-megapixel bitmap (about 96 MB) decoded for a 40 px square.

/** Below this a file is decoded as it is: a small image costs less than a resize. */
const SMALL_FILE = 64 * 1024;

/**
 * An object URL of the image scaled to about `cssPixels` (times the screen's density), or of
 * the file itself where the browser cannot resize while decoding (or it is small). Undefined
 * when it cannot be decoded (a HEIC in Chromium): the row shows the file icon.
 */
export async function rowThumbnail(file: Blob, cssPixels: number): Promise<string | undefined> {
  if (
    file.size <= SMALL_FILE ||
    typeof createImageBitmap !== 'function' ||
    typeof OffscreenCanvas === 'undefined'
  ) {
    return URL.createObjectURL(file);
  }
  const density = Math.min(3, globalThis.devicePixelRatio || 1);
  // A 3:2 landscape photo then fills the square in height; a portrait one in width.
  const width = Math.round(cssPixels * 1.5 * density);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      resizeWidth: width,
      resizeQuality: 'medium',
      imageOrientation: 'from-image',
    });
  } catch {
    return undefined;
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
  } catch {
    return undefined;
  } finally {
    bitmap.close();
  }
}
