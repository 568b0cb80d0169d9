import type { UploadError } from './errors.js';
import type { ImageReport } from './image/image-options.js';
import type { ObjectChecksum, OverallProgress, UploadTask } from './task.js';
import type { UploadReceipt } from './upload-receipt.js';

/** The `detail` of each event the {@link Uploader} dispatches. */
export interface UploaderEventDetails {
  'file-added': { task: UploadTask };
  'upload-started': { task: UploadTask };
  'upload-progress': { task: UploadTask; overall: OverallProgress };
  /** A pause that keeps work began: parts about to finish are finishing (state `pausing`). */
  'upload-pausing': { task: UploadTask };
  'upload-paused': { task: UploadTask; reason: 'user' | 'offline' };
  'upload-resumed': { task: UploadTask };
  /**
   * `checksum`: the object's full-object CRC-32 when checksums are on (as `task.checksum`);
   * `warning`: the object is stored but a check after it failed (as `task.warning`);
   * `receipt`: what the token server confirmed (`POST /uploads`), when it takes receipts;
   * `image`: for photos, what was done before the upload (location removed, resized) and the
   * thumbnails stored beside it (as `task.image`).
   */
  'upload-succeeded': {
    task: UploadTask;
    key: string;
    size: number;
    warning?: UploadError;
    receipt?: UploadReceipt;
    checksum?: ObjectChecksum;
    image?: ImageReport;
  };
  'upload-failed': { task: UploadTask; error: UploadError };
  'upload-cancelled': { task: UploadTask };
  /** Every task has reached a final state (succeeded, failed or cancelled). */
  'all-done': { succeeded: UploadTask[]; failed: UploadTask[]; cancelled: UploadTask[] };
}

export type UploaderEventType = keyof UploaderEventDetails;

/**
 * Every event of the uploader: an `Event` with a typed `detail`. It neither bubbles nor is
 * composed: the uploader is not in the DOM (the element re-dispatches its own events).
 *
 * @example
 * uploader.addEventListener('upload-succeeded', (e) => console.log(e.detail.key, e.detail.size));
 */
export class UploaderEvent<K extends UploaderEventType = UploaderEventType> extends Event {
  override readonly type: K;
  readonly detail: UploaderEventDetails[K];

  constructor(type: K, detail: UploaderEventDetails[K]) {
    super(type);
    this.type = type;
    this.detail = detail;
  }
}

/** Event map for typed listeners: `addEventListener('upload-progress', (e) => e.detail.task)`. */
export type UploaderEventMap = { [K in UploaderEventType]: UploaderEvent<K> };

/**
 * An `EventTarget` whose `addEventListener` and `removeEventListener` know each event's
 * `detail` type: the base of {@link Uploader}.
 */
export class UploaderEventTarget extends EventTarget {
  override addEventListener<K extends UploaderEventType>(
    type: K,
    listener:
      | ((event: UploaderEventMap[K]) => void)
      | { handleEvent(event: UploaderEventMap[K]): void }
      | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
  }

  override removeEventListener<K extends UploaderEventType>(
    type: K,
    listener:
      | ((event: UploaderEventMap[K]) => void)
      | { handleEvent(event: UploaderEventMap[K]): void }
      | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }
}
