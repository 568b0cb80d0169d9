import type { ImageReport, UploadError, UploadReceipt, UploadTask } from '@s3up/core';
import type { RefusalCode } from './restrictions.js';

/** A file the element refused, with the reason shown next to it. */
export interface RejectedFile {
  file: File;
  /** Stable code to branch on. */
  code: RefusalCode;
  /** The reason in the element's locale, as shown in the list. */
  message: string;
}

/** The `detail` of each event `<s3-upload>` dispatches. */
export interface S3UploadEventDetails {
  /** The user added files (picker, drop or paste) that passed the restrictions. */
  's3-files-added': { files: readonly File[] };
  /** The user added files that the restrictions refused; they are listed, never uploaded. */
  's3-files-rejected': { rejected: readonly RejectedFile[] };
  's3-upload-started': { task: UploadTask };
  's3-upload-progress': { task: UploadTask };
  's3-upload-paused': { task: UploadTask; reason: 'user' | 'offline' };
  's3-upload-resumed': { task: UploadTask };
  /**
   * `receipt`: the token server's upload receipt (`POST /uploads`), when it takes them;
   * `image`: for photos, what was done before the upload (`locationRemoved`, resized) and the
   * thumbnails stored beside it (`renditions`), with `notes` (`ImageNote`: a `code` such as
   * `heic-not-decoded`, its parameters, and an English `message`; the row says them in its language).
   */
  's3-upload-succeeded': { task: UploadTask; key: string; receipt?: UploadReceipt; image?: ImageReport };
  's3-upload-failed': { task: UploadTask; error: UploadError };
  's3-upload-cancelled': { task: UploadTask };
  /** The user removed a file from the list (its object, if uploaded, stays in the bucket). */
  's3-file-removed': { file: File; key: string | undefined };
  /** Every upload reached a final state. */
  's3-all-done': { keys: readonly string[]; failed: number; cancelled: number };
  /** The element's value (the uploaded keys) changed through an upload or the user. */
  's3-change': { value: readonly string[] };
}

export type S3UploadEventType = keyof S3UploadEventDetails;

/**
 * Every event of `<s3-upload>`: `bubbles` and `composed` (it crosses shadow roots, so a
 * listener on a framework's wrapper or on `document` hears it), with a typed `detail`.
 * Events report what the user and the uploads did; setting a property or calling a method
 * never fires one by itself.
 *
 * @example
 * el.addEventListener('s3-upload-succeeded', (e) => console.log(e.detail.key));
 */
export class S3UploadEvent<K extends S3UploadEventType = S3UploadEventType> extends Event {
  override readonly type: K;
  readonly detail: S3UploadEventDetails[K];

  constructor(type: K, detail: S3UploadEventDetails[K]) {
    super(type, { bubbles: true, composed: true });
    this.type = type;
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    's3-files-added': S3UploadEvent<'s3-files-added'>;
    's3-files-rejected': S3UploadEvent<'s3-files-rejected'>;
    's3-upload-started': S3UploadEvent<'s3-upload-started'>;
    's3-upload-progress': S3UploadEvent<'s3-upload-progress'>;
    's3-upload-paused': S3UploadEvent<'s3-upload-paused'>;
    's3-upload-resumed': S3UploadEvent<'s3-upload-resumed'>;
    's3-upload-succeeded': S3UploadEvent<'s3-upload-succeeded'>;
    's3-upload-failed': S3UploadEvent<'s3-upload-failed'>;
    's3-upload-cancelled': S3UploadEvent<'s3-upload-cancelled'>;
    's3-file-removed': S3UploadEvent<'s3-file-removed'>;
    's3-all-done': S3UploadEvent<'s3-all-done'>;
    's3-change': S3UploadEvent<'s3-change'>;
  }
}
