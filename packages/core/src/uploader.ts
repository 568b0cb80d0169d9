import { displayName } from '@s3up/contract';
import { Connectivity } from './connectivity.js';
import { UploadError } from './errors.js';
import { UploaderEvent, UploaderEventTarget } from './events.js';
import { checkMetadata } from './file-metadata.js';
import { FileUpload } from './file-upload.js';
import { ImageStep } from './image-step.js';
import { discardInterrupted, type InterruptedUpload, listInterrupted } from './interrupted-uploads.js';
import { type ResolvedOptions, resolveOptions, type UploaderOptions } from './options.js';
import { overallProgress } from './overall-progress.js';
import { SharedContext } from './shared-context.js';
import type { OverallProgress, UploadTask } from './task.js';
import { type Entry, FINAL, Interruption, newEntry, type TaskHost } from './task-entry.js';
import { newTaskId, TaskModel } from './task-model.js';
import { pauseTask, settlePause } from './task-pause.js';
import { type RunSettings, runTask } from './task-run.js';

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
export class Uploader extends UploaderEventTarget {
  readonly #options: ResolvedOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #context: SharedContext;
  readonly #connectivity: Connectivity;
  #order = 0;
  #doneAnnounced = true;
  readonly #images: ImageStep;
  /** What the task modules (task-run.ts, task-pause.ts) call back on. */
  readonly #host: TaskHost = {
    emit: (type, detail) => {
      this.dispatchEvent(new UploaderEvent(type, detail));
    },
    schedule: () => this.#schedule(),
    resume: (id) => this.resume(id),
    progress: () => this.progress,
    replaceUpload: (entry) => {
      const order = entry.upload.priority;
      entry.upload.release();
      entry.upload = this.#fileUpload(entry.upload.task, order);
    },
  };
  readonly #runSettings: RunSettings;

  constructor(options: UploaderOptions) {
    super();
    this.#options = resolveOptions(options);
    const o = this.#options;
    this.#connectivity = new Connectivity(o.network);
    this.#connectivity.onChange = (online) => this.#onConnectivity(online);
    this.#context = new SharedContext(o, this.#connectivity);
    this.#images = new ImageStep(o.images);
    this.#runSettings = { options: o, source: this.#context.source, images: this.#images };
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
    const entry = newEntry(this.#fileUpload(task, this.#order++), this.#options.autoStart);
    this.#entries.set(task.id, entry);
    this.#doneAnnounced = false;
    this.#host.emit('file-added', { task });
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
      settlePause(this.#host, entry, entry.controller);
      return;
    }
    this.#pauseEntry(entry, 'user', options.now === true);
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
    this.#host.emit('upload-resumed', { task: entry.upload.task });
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
      this.#host.emit('upload-cancelled', { task });
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
        if (entry.upload.task.state === 'pausing') settlePause(this.#host, entry, entry.controller);
        else this.#pauseEntry(entry, 'user', true);
      }
      await Promise.all(active.map(([, entry]) => entry.running));
    } else {
      await Promise.all(active.map(([id]) => this.cancel(id)));
    }
    // Other tabs may continue what this uploader leaves resumable.
    for (const entry of this.#entries.values()) entry.upload.releaseTab();
    await this.#context.closeClients();
    await this.#images.dispose();
  }

  #fileUpload(task: TaskModel, order: number): FileUpload {
    const upload = new FileUpload(this.#context, task, order);
    upload.onProgress = () => this.#host.emit('upload-progress', { task, overall: this.progress });
    return upload;
  }

  #entry(id: string): Entry {
    const entry = this.#entries.get(id);
    if (!entry)
      throw new UploadError('invalid-options', `No upload task with id "${id}" (removed, or never added).`);
    return entry;
  }

  #onConnectivity(online: boolean): void {
    for (const entry of this.#entries.values()) {
      if (!online) {
        // The connection is gone: nothing in flight can finish, so no grace.
        const state = entry.upload.task.state;
        if (state === 'uploading') this.#pauseEntry(entry, 'offline', true);
        else if (state === 'pausing') settlePause(this.#host, entry, entry.controller);
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
    entry.running = previous.then(() =>
      runTask(this.#host, this.#runSettings, entry, controller, firstStart),
    );
  }

  #announceDone(): void {
    if (this.#doneAnnounced || this.#entries.size === 0) return;
    const tasks = this.tasks;
    if (!tasks.every((task) => FINAL.has(task.state))) return;
    // A cancel still settling announces all-done itself when it is through.
    if ([...this.#entries.values()].some((e) => e.cancelling && !e.cancelled)) return;
    this.#doneAnnounced = true;
    this.#host.emit('all-done', {
      succeeded: tasks.filter((t) => t.state === 'succeeded'),
      failed: tasks.filter((t) => t.state === 'failed'),
      cancelled: tasks.filter((t) => t.state === 'cancelled'),
    });
  }

  #pauseEntry(entry: Entry, reason: 'user' | 'offline', now: boolean): void {
    pauseTask(this.#host, entry, reason, now, this.#options.pauseGrace);
  }
}
