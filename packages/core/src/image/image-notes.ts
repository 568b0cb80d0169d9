import type { RenditionFormat } from '@s3up/contract';
import type { UploadErrorCode } from '../errors.js';

// What the engine tells the user about a photo, as codes with parameters: the element says
// each in the page's language; `message` keeps an English sentence for apps without it.

/** A note's code and parameters, without its English text. */
export type ImageNoteData =
  /** JPEG/PNG/WebP metadata could not be parsed: uploaded unchanged, any location still in it. `detail`: why (English). */
  | { code: 'metadata-unreadable'; detail: string }
  /** A HEIC photo with location removal on and no processing asked: uploaded as is, location not removed. */
  | { code: 'heic-location-kept' }
  /** A GIF with processing asked: uploaded as is (resizing would lose the animation), no thumbnail. */
  | { code: 'gif-kept' }
  /** An SVG with processing asked: uploaded as is (it scales by itself), no thumbnail. */
  | { code: 'svg-kept' }
  /** A HEIC photo this browser cannot decode: uploaded as is (not resized, no thumbnails, location kept). */
  | { code: 'heic-not-decoded' }
  /** Another image the browser could not decode: uploaded as is, no thumbnails. `detail`: why (English). */
  | { code: 'not-decoded'; detail: string }
  /**
   * The browser cannot encode `asked` (AVIF, mostly): the photo (`target: 'photo'`) or the
   * thumbnails (`target: 'thumbnails'`) were saved as `used`.
   */
  | { code: 'format-fallback'; target: 'photo' | 'thumbnails'; asked: RenditionFormat; used: RenditionFormat }
  /** The `width` px thumbnail was not stored (the photo was): `error` is the UploadError code, `detail` its message. */
  | { code: 'thumbnail-not-stored'; width: number; error: UploadErrorCode; detail: string };

/** A note for the user about a photo (`task.image.notes`): a code, its parameters, and an English `message`. */
export type ImageNote = ImageNoteData & { message: string };

/** Every note code, for apps that switch over them. */
export type ImageNoteCode = ImageNoteData['code'];

const LABEL: Record<RenditionFormat, string> = { jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF', png: 'PNG' };

/** The English sentence for a note (what `message` holds). */
export function imageNoteMessage(note: ImageNoteData): string {
  switch (note.code) {
    case 'metadata-unreadable':
      return `Its metadata could not be read (${note.detail}), so it was uploaded unchanged: any location in it is still there.`;
    case 'heic-location-kept':
      return 'HEIC photos are uploaded as they are: their location, if any, was not removed.';
    case 'gif-kept':
      return 'GIF images are uploaded as they are (resizing would lose the animation); no thumbnail was made.';
    case 'svg-kept':
      return 'SVG images are uploaded as they are (they scale without resizing); no thumbnail was made.';
    case 'heic-not-decoded':
      return 'HEIC photo: this browser cannot decode HEIC, so it was uploaded as it is (not resized, no thumbnails; its location, if any, is still in it).';
    case 'not-decoded':
      return `The image could not be decoded (${note.detail}), so it was uploaded as it is, without thumbnails.`;
    case 'format-fallback':
      return note.target === 'photo'
        ? `This browser cannot encode ${LABEL[note.asked]}; it was saved as ${LABEL[note.used]}.`
        : `This browser cannot encode ${LABEL[note.asked]}; thumbnails were saved as ${LABEL[note.used]}.`;
    case 'thumbnail-not-stored':
      return `The ${note.width} px thumbnail was not stored: ${note.detail}`;
  }
}

/** The note with its English `message`. */
export function imageNote(note: ImageNoteData): ImageNote {
  return { ...note, message: imageNoteMessage(note) };
}
