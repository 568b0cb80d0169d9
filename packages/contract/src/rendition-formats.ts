// The formats a rendition (thumbnail) can have, apart from the key scheme in
// rendition-key.ts so that checking an option does not load the scheme.

/** The encodings a rendition can have, and the extension its key ends with. */
export const RENDITION_FORMATS = Object.freeze({
  webp: 'webp',
  jpeg: 'jpg',
  avif: 'avif',
  png: 'png',
} as const);
export type RenditionFormat = keyof typeof RENDITION_FORMATS;

/** The MIME type of each rendition format: the Content-Type it is stored with. */
export const RENDITION_CONTENT_TYPES: Readonly<Record<RenditionFormat, string>> = Object.freeze({
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  avif: 'image/avif',
  png: 'image/png',
});

export function isRenditionFormat(format: unknown): format is RenditionFormat {
  return typeof format === 'string' && Object.hasOwn(RENDITION_FORMATS, format);
}
