import { displayName } from '@s3up/contract';
import { Connectivity } from './connectivity.js';
import { isUploadError, UploadError } from './errors.js';
import {
  UploaderEvent,
  type UploaderEventDetails,
  type UploaderEventMap,
  type UploaderEventType,
} from './events.js';
import { checkMetadata } from './file-metadata.js';
import { FileUpload } from './file-upload.js';
import type { PreparedRendition } from './image/image-preparation.js';
import type { ImageRunner } from './image/image-runner.js';
import { discardInterrupted, type InterruptedUpload, listInterrupted } from './interrupted-uploads.js';
import { type ResolvedOptions, resolveOptions, type UploaderOptions } from './options.js';
import { overallProgress } from './overall-progress.js';
import { SharedContext } from './shared-context.js';
import type { OverallProgress, UploadTask } from './task.js';
import { newTaskId, TaskModel } from './task-model.js';
import { reportUpload } from './upload-receipt.js';

/** Options for one file given to `add()`. */
export interface AddOptions {
  /** The file name when `file` is a plain Blob (Node's `fs.openAsBlob`); default `blob`. */
  name?: string;
  /** Content-Type; default the file's `type`. */
  type?: string;
  /**
   * Stored as `x-amz-meta-<name>` with the object: `{ title: 'Sunset' }`. Names are
   * lowercase letters, digits and `-`; values any text (non-ASCII is RFC 2047-encoded, as
   * docs/contracts.md says). More than S3's 2 KB throws `invalid-metadata` here, naming the
   * field and how much to cut: nothing is queued or sent.
   */
  metadata?: Record<string, string>;
}

/** Why the run of a task was stopped on purpose. */
class Interruption extends Error {
  constructor(readonly reason: 'pause' | 'cancel') {
    super(`upload ${reason}d`);
    this.name = 'AbortError';
  }
}

interface Entry {
  upload: FileUpload;
  /** Allowed to start (autoStart, or `start()` was called). */
  startable: boolean;
  started: boolean;
  controller: AbortController | undefined;
  /** The current run; a new one starts only after it has settled. */
  running: Promise<void> | undefined;
  pausedBy: 'user' | 'offline' | undefined;
  cancelling: Promise<void> | undefined;
  /** The cancel has finished (remote abort done, event sent). */
  cancelled: boolean;
  /** resume() was called while pausing: continue once the pause has settled. */
  resumeWhenPaused: boolean;
  /** The photo has been prepared (or is not one); its thumbnails wait for the upload. */
  prepared: { renditions: PreparedRendition[] } | undefined;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The upload engine: queues files, uploads them straight to S3 with temporary credentials
 * from the token endpoint (multipart above `multipartThreshold`), and reports progress
 * through typed events. Pause, resume, cancel and retry per task; resume after a reload
 * through the resume store. The AWS SDK is loaded on the first upload, not before.
 *
 * @example
 * const uploader = new Uploader({
 *   credentials: {
 *     url: '/credentials',
 *     request: (init) => ({ ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
 *   },
 * });
 * uploader.addEventListener('upload-progress', (e) => { bar.value = e.detail.task.bytesUploaded / e.detail.task.size; });
 * uploader.addEventListener('upload-succeeded', (e) => console.log('stored', e.detail.key, e.detail.size));
 * const task = uploader.add(input.files[0]);
 * uploader.pause(task.id);
 * uploader.resume(task.id);
 */
export class Uploader extends EventTarget {
  readonly #options: ResolvedOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #context: SharedContext;
  readonly #connectivity: Connectivity;
  #order = 0;
  #doneAnnounced = true;
  #images: Promise<ImageRunner> | undefined;

  constructor(options: UploaderOptions) {
    super();
    this.#options = resolveOptions(options);
    const o = this.#options;
    this.#connectivity = new Connectivity(o.network);
    this.#connectivity.onChange = (online) => this.#onConnectivity(online);
    this.#context = new SharedContext(o, this.#connectivity);
  }

  /** Every task not removed, in the order they were added. */
  get tasks(): readonly UploadTask[] {
    return [...this.#entries.values()].map((entry) => entry.upload.task);
  }

  /** Bytes and speed over every task that is not cancelled. */
  get progress(): OverallProgress {
    return overallProgress(this.tasks);
  }

  /** The task with this id, if it was not removed. */
  get(id: string): UploadTask | undefined {
    return this.#entries.get(id)?.upload.task;
  }

  /**
   * Queues a file and, with `autoStart` (the default), starts it as soon as the connection
   * budget allows. A file already added before (same name, size, date and type) continues
   * from its resume record when there is one.
   */
  add(file: Blob, options: AddOptions = {}): UploadTask {
    if (!(file instanceof Blob)) {
      throw new UploadError(
        'invalid-options',
        'add(file) needs a File or Blob (for Node: fs.openAsBlob(path)).',
      );
    }
    const name = options.name ?? (file instanceof File ? file.name : 'blob');
    const type = options.type ?? file.type;
    // A File view of a Blob shares its bytes; it gives keyFor and the fingerprint a name.
    const asFile =
      file instanceof File && options.name === undefined
        ? file
        : new File([file], name, {
            type: file.type,
            lastModified: file instanceof File ? file.lastModified : 0,
          });
    const metadata = checkMetadata(options.metadata, name);
    const task = new TaskModel(newTaskId(), asFile, name, type);
    task.metadata = metadata;
    // A new file is a new attempt: the user may have signed in again since a refusal.
    this.#context.source.forgetRefusal();
    const upload = new FileUpload(this.#context, task, this.#order++);
    upload.onProgress = () => this.#emit('upload-progress', { task, overall: this.progress });
    const entry: Entry = {
      upload,
      startable: this.#options.autoStart,
      started: false,
      controller: undefined,
      running: undefined,
      pausedBy: undefined,
      cancelling: undefined,
      cancelled: false,
      resumeWhenPaused: false,
      prepared: undefined,
    };
    this.#entries.set(task.id, entry);
    this.#doneAnnounced = false;
    this.#emit('file-added', { task });
    this.#schedule();
    return task;
  }

  /**
   * Replaces a file's metadata before its upload starts (a form filled in after the file
   * was chosen, with `autoStart: false`). Throws `invalid-metadata` (nothing changes) when S3
   * would refuse it, and `invalid-options` once the upload has started: metadata is sent
   * when the object is created.
   */
  setMetadata(id: string, metadata: Record<string, string>): void {
    const task = this.#unstarted(id, 'setMetadata');
    task.metadata = checkMetadata(metadata, task.name);
  }

  /**
   * Renames a file before its upload starts (a pasted `image.png`): the name its key and
   * its Content-Disposition are made from. Misleading characters (bidirectional overrides,
   * invisible ones, path separators) are removed, as `displayName` of `@s3up/contract` does.
   */
  rename(id: string, name: string): void {
    const task = this.#unstarted(id, 'rename');
    const clean = displayName(name);
    if (clean === task.name) return;
    const type = task.type;
    task.replaceFile(
      new File([task.file], clean, { type: task.file.type, lastModified: task.file.lastModified }),
    );
    task.type = type;
  }

  #unstarted(id: string, what: string): TaskModel {
    const entry = this.#entry(id);
    if (entry.started || entry.upload.task.state !== 'queued')
      throw new UploadError(
        'invalid-options',
        `${what}(${id}): the upload of ${entry.upload.task.name} has started; call it before start() (autoStart: false).`,
      );
    return entry.upload.task as TaskModel;
  }

  /** Starts every queued task (needed only with `autoStart: false`). */
  start(): void {
    for (const entry of this.#entries.values()) entry.startable = true;
    this.#schedule();
  }

  /**
   * Pauses a task, keeping work: parts that will all be sent within `pauseGrace` at the
   * measured speed finish and are kept, the others are aborted; meanwhile the task is
   * `pausing` (an `upload-pausing` event), then `paused` (`upload-paused`). Finished parts
   * and the UploadId are kept. `{ now: true }`, or a second pause while pausing, aborts
   * every part at once.
   */
  pause(id: string, options: { now?: boolean } = {}): void {
    const entry = this.#entry(id);
    if (entry.upload.task.state === 'pausing') {
      this.#settlePause(entry, entry.controller);
      return;
    }
    this.#pause(entry, 'user', options.now === true);
  }

  /**
   * Continues a paused task from its finished parts; the stored bytes and the uplink's last
   * speed are shown at once (an `upload-progress` event). While pausing, it continues as
   * soon as the pause has settled.
   */
  resume(id: string): void {
    const entry = this.#entry(id);
    if (entry.upload.task.state === 'pausing') {
      entry.resumeWhenPaused = true;
      return;
    }
    if (entry.upload.task.state !== 'paused') return;
    entry.pausedBy = undefined;
    entry.startable = true;
    entry.upload.task.state = 'queued';
    this.#emit('upload-resumed', { task: entry.upload.task });
    entry.upload.showResumed();
    this.#schedule();
  }

  /**
   * Cancels every task that has not finished (sign-out, leaving the page): in-flight parts
   * settle, then each multipart upload is aborted on S3. Resolves when that is done, so
   * no request of these tasks follows it.
   */
  async cancelAll(): Promise<void> {
    const active = [...this.#entries.entries()].filter(([, e]) => !FINAL.has(e.upload.task.state));
    await Promise.all(active.map(([id]) => this.cancel(id)));
  }

  /**
   * The multipart uploads the resume store knows about and no task of this uploader drives:
   * what a reload or a closed tab left behind, for the signed-in user only, newest first,
   * each with the bytes S3 holds. Adding the same file again continues one; `discard`
   * aborts it. Empty when the store cannot list (a custom store without `list()`).
   */
  interrupted(): Promise<InterruptedUpload[]> {
    return listInterrupted(this.#interruptedAccess());
  }

  /** Aborts an interrupted upload on S3 (its parts are deleted) and forgets its record. */
  discard(fingerprint: string): Promise<void> {
    return discardInterrupted(this.#interruptedAccess(), fingerprint);
  }

  #interruptedAccess() {
    const context = this.#context;
    return {
      env: context.env,
      store: context.store,
      source: context.source,
      transport: () => context.transport(),
      active: (fingerprint: string) => context.claimed(fingerprint),
    };
  }

  /**
   * Stops a task for good. In-flight parts are aborted and allowed to settle, then the
   * multipart upload is aborted, exactly once, and its resume record forgotten. Resolves
   * when that is done.
   */
  cancel(id: string): Promise<void> {
    const entry = this.#entry(id);
    const task = entry.upload.task;
    if (entry.cancelling) return entry.cancelling;
    if (task.state === 'succeeded' || task.state === 'cancelled') return Promise.resolve();
    entry.cancelling = (async () => {
      task.state = 'cancelled';
      entry.resumeWhenPaused = false;
      entry.controller?.abort(new Interruption('cancel'));
      await entry.running;
      await entry.upload.abortRemote();
      entry.upload.idle();
      entry.upload.release();
      entry.cancelled = true;
      this.#emit('upload-cancelled', { task });
      this.#schedule();
    })();
    return entry.cancelling;
  }

  /**
   * Tries a failed or cancelled task again, with a new multipart upload (the earlier one
   * was aborted). A cancel still settling is waited for first.
   */
  retry(id: string): void {
    const entry = this.#entry(id);
    const task = entry.upload.task;
    if (task.state === 'cancelled') {
      if (!entry.cancelled) {
        void entry.cancelling?.then(() => this.retry(id));
        return;
      }
      entry.cancelling = undefined;
      entry.cancelled = false;
      entry.upload.reset();
      task.state = 'failed';
    }
    if (task.state !== 'failed') return;
    // The user may have signed in again since the token endpoint refused.
    this.#context.source.forgetRefusal();
    task.state = 'queued';
    task.error = undefined;
    entry.startable = true;
    this.#doneAnnounced = false;
    this.#schedule();
  }

  /**
   * Forgets the task. One that has not succeeded is cancelled first (a failed one too: its
   * stored parts would otherwise wait for the bucket's lifecycle rule).
   */
  async remove(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    if (entry.upload.task.state !== 'succeeded') await this.cancel(id);
    entry.upload.release();
    this.#entries.delete(id);
    this.#schedule();
  }

  /**
   * Shuts the uploader down and stops listening for connectivity. By default every
   * unfinished task is cancelled (its multipart upload aborted). With `{ keepResumable: true }`
   * they are only paused, so their resume records survive for the next page load.
   */
  async destroy(options: { keepResumable?: boolean } = {}): Promise<void> {
    this.#connectivity.dispose();
    const active = [...this.#entries.entries()].filter(([, e]) => !FINAL.has(e.upload.task.state));
    if (options.keepResumable) {
      for (const [, entry] of active) {
        if (entry.upload.task.state === 'pausing') this.#settlePause(entry, entry.controller);
        else this.#pause(entry, 'user', true);
      }
      await Promise.all(active.map(([, entry]) => entry.running));
    } else {
      await Promise.all(active.map(([id]) => this.cancel(id)));
    }
    // Other tabs may continue what this uploader leaves resumable.
    for (const entry of this.#entries.values()) entry.upload.releaseTab();
    await this.#context.closeClients();
    (await this.#images?.catch(() => undefined))?.dispose();
  }

  #entry(id: string): Entry {
    const entry = this.#entries.get(id);
    if (!entry)
      throw new UploadError('invalid-options', `No upload task with id "${id}" (removed, or never added).`);
    return entry;
  }

  #pause(entry: Entry, reason: 'user' | 'offline', now: boolean): void {
    const task = entry.upload.task;
    if (task.state !== 'uploading' && task.state !== 'queued') return;
    const grace = this.#options.pauseGrace;
    entry.pausedBy = reason;
    const controller = entry.controller;
    if (now || grace <= 0 || task.state === 'queued' || !controller) {
      task.state = 'pausing';
      this.#settlePause(entry, controller);
      return;
    }
    task.state = 'pausing';
    this.#emit('upload-pausing', { task });
    // A kept part stuck in retries must not hold the pause: past the grace and a margin, pause now.
    const timer = setTimeout(() => this.#settlePause(entry, controller), grace + 2000);
    void entry.upload.drain(grace).then((outcome) => {
      clearTimeout(timer);
      if (outcome === 'finishing') {
        // Every part was stored within the grace: the upload completes rather than pauses.
        if (task.state === 'pausing' && entry.controller === controller) {
          task.state = 'uploading';
          entry.pausedBy = undefined;
          entry.resumeWhenPaused = false;
          this.#emit('upload-resumed', { task });
        }
        return;
      }
      this.#settlePause(entry, controller);
    });
  }

  /** The pause takes effect: every request of the run still in flight is aborted. */
  #settlePause(entry: Entry, controller: AbortController | undefined): void {
    const task = entry.upload.task;
    if (task.state !== 'pausing' || entry.controller !== controller) return;
    task.state = 'paused';
    controller?.abort(new Interruption('pause'));
    entry.upload.idle();
    this.#emit('upload-paused', { task, reason: entry.pausedBy ?? 'user' });
    this.#schedule();
    if (entry.resumeWhenPaused) {
      entry.resumeWhenPaused = false;
      this.resume(task.id);
    }
  }

  #onConnectivity(online: boolean): void {
    for (const entry of this.#entries.values()) {
      if (!online) {
        // The connection is gone: nothing in flight can finish, so no grace.
        const state = entry.upload.task.state;
        if (state === 'uploading') this.#pause(entry, 'offline', true);
        else if (state === 'pausing') this.#settlePause(entry, entry.controller);
      } else if (entry.pausedBy === 'offline' && entry.upload.task.state === 'paused') {
        this.resume(entry.upload.task.id);
      }
    }
  }

  /**
   * Starts queued tasks in the order they were added while fewer than `concurrency` run:
   * every running file can then have at least one request in flight.
   */
  #schedule(): void {
    let active = 0;
    for (const entry of this.#entries.values()) {
      const state = entry.upload.task.state;
      if (state === 'uploading' || state === 'pausing') active += 1;
    }
    for (const entry of this.#entries.values()) {
      if (active >= this.#options.concurrency) break;
      if (entry.upload.task.state !== 'queued' || !entry.startable) continue;
      active += 1;
      this.#launch(entry);
    }
    this.#announceDone();
  }

  #launch(entry: Entry): void {
    const task = entry.upload.task;
    task.state = 'uploading';
    const controller = new AbortController();
    entry.controller = controller;
    const previous = entry.running ?? Promise.resolve();
    const firstStart = !entry.started;
    entry.started = true;
    const run = previous.then(async () => {
      if (controller.signal.aborted) return;
      if (firstStart) this.#emit('upload-started', { task });
      try {
        if (!entry.prepared) await this.#prepare(entry, controller.signal);
        await entry.upload.run(controller.signal);
        if (controller.signal.aborted && task.state !== 'uploading') return;
        await this.#storeRenditions(entry, controller.signal);
        // The object is stored: a receipt that fails becomes a warning, never a failure.
        // Completed by another tab: that tab reports it, so the server hears of it once.
        try {
          if (!task.completedElsewhere)
            task.receipt = await reportUpload(
              this.#options.receipts,
              this.#options.credentials,
              this.#context.source,
              task.key!,
            );
        } catch (error) {
          task.warning ??= isUploadError(error)
            ? error
            : new UploadError('internal', String(error), { cause: error });
        }
        task.state = 'succeeded';
        entry.upload.release();
        this.#emit('upload-succeeded', {
          task,
          key: task.key!,
          size: task.size,
          ...(task.checksum ? { checksum: task.checksum } : {}),
          ...(task.warning ? { warning: task.warning } : {}),
          ...(task.receipt ? { receipt: task.receipt } : {}),
          ...(task.image ? { image: task.image } : {}),
        });
      } catch (error) {
        if (controller.signal.aborted) {
          // Paused: nothing of this run is in flight now, so another tab may take the file's
          // stored upload over while this one waits for Resume (cancelled: reported by cancel()).
          if (task.state === 'paused') entry.upload.handOver();
          return;
        }
        // Anything else is a bug in the engine (or in a hook such as keyFor): say so, rather
        // than send the user to check a connection that is fine.
        const failure = isUploadError(error)
          ? error
          : new UploadError(
              'internal',
              `The upload of ${task.name} stopped on an unexpected error (a bug in the uploader, or in a hook such as keyFor; please report it): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
              { cause: error },
            );
        entry.upload.idle();
        // A failure is final for its multipart upload: run() has let the in-flight parts
        // settle, so abort it now, exactly once, rather than leave stored parts behind for a
        // lifecycle rule; retry() then starts a new one.
        await entry.upload.abortRemote();
        entry.upload.reset();
        // Another tab waiting for this file's stored upload may go on now.
        entry.upload.releaseTab();
        task.state = 'failed';
        task.error = failure;
        this.#emit('upload-failed', { task, error: failure });
      } finally {
        if (entry.controller === controller) entry.controller = undefined;
      }
      this.#schedule();
    });
    entry.running = run;
  }

  /**
   * Before the first upload of a file: a photo loses its location, is resized or re-encoded
   * and gets its thumbnails made, as the `images` option says. The processing code loads
   * with the first image only. A photo that cannot be processed is uploaded as it is, with
   * a note in `task.image`; only a pause or cancel stops here.
   */
  async #prepare(entry: Entry, signal: AbortSignal): Promise<void> {
    const settings = this.#options.images;
    const task = entry.upload.task;
    if (!settings || !mayBeImage(task.file)) {
      entry.prepared = { renditions: [] };
      return;
    }
    task.preparing = true;
    this.#emit('upload-progress', { task, overall: this.progress });
    try {
      const { prepareImage } = await import('./image/image-preparation.js');
      const prepared = await prepareImage(task.file, task.name, settings, () => {
        this.#images ??= import('./image/image-runner.js').then(
          ({ ImageRunner }) => new ImageRunner(settings.thread),
        );
        return this.#images;
      });
      if (signal.aborted) throw signal.reason;
      entry.prepared = { renditions: prepared?.renditions ?? [] };
      if (prepared) {
        task.image = prepared.report;
        if (prepared.file !== task.file) {
          task.replaceFile(prepared.file);
          // The upload (its resume fingerprint, its size) is the prepared file's now.
          const order = entry.upload.priority;
          entry.upload.release();
          entry.upload = new FileUpload(this.#context, task, order);
          entry.upload.onProgress = () => this.#emit('upload-progress', { task, overall: this.progress });
        }
      }
    } finally {
      task.preparing = false;
    }
  }

  /**
   * Thumbnails go up after the photo is stored (never a thumbnail without its photo); one
   * that fails is a warning and a note, never a failure: the photo is stored.
   */
  async #storeRenditions(entry: Entry, signal: AbortSignal): Promise<void> {
    const renditions = entry.prepared?.renditions ?? [];
    if (!entry.upload.task.image || renditions.length === 0) return;
    const { storeRenditions } = await import('./image/rendition-upload.js');
    const upload = entry.upload;
    await storeRenditions(upload.task, renditions, signal, (keyOf, body, type) =>
      upload.putBeside(keyOf, body, type, signal),
    );
  }

  #announceDone(): void {
    if (this.#doneAnnounced || this.#entries.size === 0) return;
    const tasks = this.tasks;
    if (!tasks.every((task) => FINAL.has(task.state))) return;
    // A cancel still settling announces all-done itself when it is through.
    if ([...this.#entries.values()].some((e) => e.cancelling && !e.cancelled)) return;
    this.#doneAnnounced = true;
    this.#emit('all-done', {
      succeeded: tasks.filter((t) => t.state === 'succeeded'),
      failed: tasks.filter((t) => t.state === 'failed'),
      cancelled: tasks.filter((t) => t.state === 'cancelled'),
    });
  }

  #emit<K extends UploaderEventType>(type: K, detail: UploaderEventDetails[K]): void {
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

/** Worth a look for the image step: an image type, or no type and a photo's extension. */
function mayBeImage(file: File): boolean {
  if (file.type !== '') return file.type.startsWith('image/');
  return /\.(?:jpe?g|png|webp|avif|heic|heif|bmp)$/i.test(file.name);
}
