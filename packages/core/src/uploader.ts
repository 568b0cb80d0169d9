import { UploadError } from './errors.js';
import {
  UploaderEvent,
  type UploaderEventDetails,
  type UploaderEventMap,
  type UploaderEventType,
} from './events.js';
import { type ResolvedOptions, resolveOptions, type UploaderOptions } from './options.js';
import type { OverallProgress, UploadState, UploadTask } from './task.js';

/** Options for one file given to `add()`. */
export interface AddOptions {
  /** The file name when `file` is a plain Blob (Node's `fs.openAsBlob`); default `blob`. */
  name?: string;
  /** Content-Type; default the file's `type`. */
  type?: string;
}

/**
 * The upload engine: queues files, uploads them straight to S3 with temporary credentials
 * from the token endpoint (multipart above `multipartThreshold`), and reports progress
 * through typed events. Pause, resume, cancel and retry per task; resume after a reload
 * through the resume store.
 *
 * @example
 * const uploader = new Uploader({
 *   credentials: { url: '/credentials', request: (init) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }) },
 * });
 * uploader.addEventListener('upload-progress', (e) => bar.value = e.detail.task.bytesUploaded / e.detail.task.size);
 * uploader.addEventListener('upload-succeeded', (e) => console.log('stored', e.detail.key));
 * const task = uploader.add(input.files[0]);
 */
export class Uploader extends EventTarget {
  readonly #options: ResolvedOptions;
  readonly #tasks = new Map<string, UploadTask>();

  constructor(options: UploaderOptions) {
    super();
    this.#options = resolveOptions(options);
  }

  /** Every task not removed, in the order they were added. */
  get tasks(): readonly UploadTask[] {
    return [...this.#tasks.values()];
  }

  /** Bytes and speed over every task that is not cancelled. */
  get progress(): OverallProgress {
    let bytesUploaded = 0;
    let totalBytes = 0;
    let speed = 0;
    for (const task of this.#tasks.values()) {
      if (task.state === 'cancelled') continue;
      bytesUploaded += task.bytesUploaded;
      totalBytes += task.size;
      speed += task.speed;
    }
    const eta = speed > 0 ? (totalBytes - bytesUploaded) / speed : null;
    return { bytesUploaded, totalBytes, speed, eta };
  }

  /** The task with this id, if it was not removed. */
  get(id: string): UploadTask | undefined {
    return this.#tasks.get(id);
  }

  /** Queues a file; starts it at once unless `autoStart` is false. */
  add(file: Blob, options: AddOptions = {}): UploadTask {
    void file;
    void options;
    throw new UploadError('invalid-options', 'not wired yet');
  }

  /** Starts every queued task (with `autoStart: false`). */
  start(): void {
    void this.#options;
  }

  /** Pauses a task: in-flight requests are aborted, finished parts and the UploadId kept. */
  pause(id: string): void {
    void id;
  }

  /** Continues a paused task from its finished parts. */
  resume(id: string): void {
    void id;
  }

  /** Stops a task for good: in-flight parts settle, then the multipart upload is aborted once. */
  cancel(id: string): Promise<void> {
    void id;
    return Promise.resolve();
  }

  /** Tries a failed task again, continuing its multipart upload. */
  retry(id: string): void {
    void id;
  }

  /** Cancels the task if it is still active and forgets it. */
  remove(id: string): Promise<void> {
    void id;
    return Promise.resolve();
  }

  /** Cancels every task and stops listening for connectivity. */
  destroy(): Promise<void> {
    return Promise.resolve();
  }

  protected emit<K extends UploaderEventType>(type: K, detail: UploaderEventDetails[K]): void {
    this.dispatchEvent(new UploaderEvent(type, detail));
  }

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

export type { UploadState };
