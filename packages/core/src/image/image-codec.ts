// Decoding, resizing and encoding one image with the browser's own codecs
// (createImageBitmap, OffscreenCanvas or a <canvas>). The same function runs in the Worker
// and, where there is none, on the main thread: `imageCodec` is SELF-CONTAINED (no import,
// no outer name used inside it), because the Worker is started from its source text
// (`imageCodec.toString()` in a blob: URL). That works under every bundler (esbuild, Vite,
// webpack) without a worker plugin and without a second file to serve.

/** One picture to make from the decoded image. */
export interface CodecTarget {
  /** Width and height to draw at (already fitted, never larger than the image). */
  maxWidth?: number;
  /** Longest side; the image is scaled down to fit, never up. */
  maxDimension?: number;
  /** MIME type to encode to: image/jpeg, image/webp, image/avif, image/png. */
  type: string;
  /** 0..1, for lossy types. */
  quality: number;
}

export interface CodecRequest {
  blob: Blob;
  /** The pictures to encode, in order (the upload first when it is re-encoded, then renditions). */
  targets: CodecTarget[];
}

export interface CodecPicture {
  blob: Blob;
  width: number;
  height: number;
  /** The type encoded: the asked one, or the fallback when the browser cannot encode it. */
  type: string;
}

export type CodecResult =
  | { ok: true; width: number; height: number; pictures: CodecPicture[] }
  | { ok: false; reason: string };

export interface ImageCodec {
  render(request: CodecRequest): Promise<CodecResult>;
}

/** Builds the codec. Self-contained: keep every name it uses inside it (see above). */
export function imageCodec(): ImageCodec {
  const FALLBACKS: Record<string, string[]> = {
    'image/avif': ['image/webp', 'image/jpeg'],
    'image/webp': ['image/jpeg'],
    'image/jpeg': [],
    'image/png': [],
  };
  // Encoders the browser turned out not to have: an unsupported type comes back as PNG.
  const missing = new Set<string>();

  function canvasOf(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
    if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return canvas;
  }

  function encodeOnce(
    canvas: OffscreenCanvas | HTMLCanvasElement,
    type: string,
    quality: number,
  ): Promise<Blob> {
    if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
    return new Promise((resolve, reject) =>
      (canvas as HTMLCanvasElement).toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error(`the canvas could not encode ${type}`))),
        type,
        quality,
      ),
    );
  }

  async function encode(canvas: OffscreenCanvas | HTMLCanvasElement, type: string, quality: number) {
    for (const candidate of [type, ...(FALLBACKS[type] ?? ['image/jpeg'])]) {
      if (missing.has(candidate)) continue;
      const blob = await encodeOnce(canvas, candidate, quality);
      // A browser without the encoder hands back PNG instead of failing.
      if (blob.type === candidate) return blob;
      missing.add(candidate);
    }
    throw new Error(`this browser can encode neither ${type} nor its fallbacks`);
  }

  async function draw(source: ImageBitmap, width: number, height: number, type: string, quality: number) {
    // One high-quality resize step by the browser (it filters properly when shrinking a lot),
    // then a 1:1 draw; JPEG has no alpha, so transparent areas become white, not black.
    const sized =
      width === source.width && height === source.height
        ? source
        : await createImageBitmap(source, {
            resizeWidth: width,
            resizeHeight: height,
            resizeQuality: 'high',
          });
    const canvas = canvasOf(width, height);
    const context = canvas.getContext('2d') as
      | OffscreenCanvasRenderingContext2D
      | CanvasRenderingContext2D
      | null;
    if (!context) throw new Error('no 2D canvas context');
    if (type === 'image/jpeg') {
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, height);
    }
    context.drawImage(sized, 0, 0);
    if (sized !== source) sized.close();
    const blob = await encode(canvas, type, quality);
    // Let the pixels go now, not when the collector gets to them.
    canvas.width = 0;
    canvas.height = 0;
    return { blob, width, height, type: blob.type };
  }

  async function render(request: CodecRequest): Promise<CodecResult> {
    let bitmap: ImageBitmap;
    try {
      // EXIF orientation applied here: the pixels come out the way the photo is meant to be seen.
      bitmap = await createImageBitmap(request.blob, { imageOrientation: 'from-image' });
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    try {
      const pictures: CodecPicture[] = [];
      for (const target of request.targets) {
        let scale = 1;
        if (target.maxDimension)
          scale = Math.min(scale, target.maxDimension / Math.max(bitmap.width, bitmap.height));
        if (target.maxWidth) scale = Math.min(scale, target.maxWidth / bitmap.width);
        const width = Math.max(1, Math.round(bitmap.width * scale));
        const height = Math.max(1, Math.round(bitmap.height * scale));
        pictures.push(await draw(bitmap, width, height, target.type, target.quality));
      }
      return { ok: true, width: bitmap.width, height: bitmap.height, pictures };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      bitmap.close();
    }
  }

  return { render };
}
