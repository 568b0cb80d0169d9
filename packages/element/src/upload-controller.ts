import type { Uploader, UploaderEvent, UploadTask } from '@s3up/core';
import type { ReactiveController } from 'lit';
import { Announcer } from './announcer.js';
import { relativePathOf } from './dropped-files.js';
import type { ElementEngine, ElementEngineOptions, UploadHost } from './element-engine.js';
import { translateEngineEvent } from './engine-events.js';
import { type EngineModule, loadEngine, loadedEngine } from './engine-loader.js';
import { checkEndpoint } from './errors.js';
import { S3UploadEvent, type S3UploadEventDetails, type S3UploadEventType } from './events.js';
import { type FileEntry, statusOf } from './file-entry.js';
import { namePasted, RowForms } from './file-fields.js';
import { prepareFormatters } from './intl-units.js';
import type { Messages } from './messages/catalog.js';
import { announcementText, errorText, refusalText } from './messages/texts.js';
import { RenderSchedule } from './render-schedule.js';
import { checkFiles, type Refusal } from './restrictions.js';
import { UploadRows } from './upload-rows.js';

/** What the element gives its controller besides its configuration. */
export interface UploadControllerOptions {
  /** The element's texts in its current language (refusal reasons, announcements). */
  messages(): Messages;
  /** The set of uploaded keys changed; `byUser` says whether to fire `s3-change`. */
  onValueChanged(byUser: boolean): void;
}

/**
 * The element's async work: owns the engine (`Uploader` from `@s3up/core`), the list of
 * rows, and the translation of engine events into the element's events, render requests
 * and live-region news. Renders are batched to one per animation frame so that thousands
 * of progress events a second cost one update.
 */
export class UploadController implements ReactiveController {
  /** The rows' fields (`fields`) and pasted files' names, asked before their uploads start. */
  readonly forms: RowForms;
  readonly #host: UploadHost;
  readonly #options: UploadControllerOptions;
  readonly #rows: UploadRows;
  readonly #announcer: Announcer;
  /** Made with the engine module (#engineOf), so it is not part of the render path. */
  #engine: ElementEngine | undefined;
  readonly #engineOptions: ElementEngineOptions;
  readonly #renders: RenderSchedule;
  #announcement = '';

  constructor(host: UploadHost, options: UploadControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.forms = new RowForms(host);
    this.#renders = new RenderSchedule(() => host.requestUpdate());
    this.#rows = new UploadRows(() => this.#scheduleRender());
    this.#engineOptions = {
      onEvent: (uploader, event) => this.#onEngineEvent(uploader, event),
      pathOf: (taskId) => this.#rows.get(taskId)?.path,
    };
    this.#announcer = new Announcer((batch) => {
      this.#announcement = announcementText(options.messages(), batch);
      host.requestUpdate();
    });
    host.addController(this);
  }

  /** The latest news for the live region, in the element's language. */
  get announcement(): string {
    return this.#announcement;
  }

  /**
   * Starts loading the engine, and the SDK it fetches (engine-loader.ts), so the first upload
   * does not wait for them (issue 21). The element calls it when its file list has loaded:
   * at idle after the first render, or when the user points at, focuses, drags onto or
   * picks files for the element (lazy-parts.ts). A failure is retried by the first file added.
   */
  preload(): void {
    void this.#load().catch(() => {});
    prepareFormatters(this.#options.messages().locale);
  }

  hostDisconnected(): void {
    // Uploads keep going when the element is moved or hidden; only pending renders stop.
    this.#renders.cancel();
  }

  /** Rows in the order files were added. */
  get entries(): readonly FileEntry[] {
    return this.#rows.all;
  }

  /** Keys of the uploads that succeeded, in list order: the element's value. */
  get keys(): string[] {
    return this.#rows.keys;
  }

  /**
   * The engine once its code has loaded (undefined before: see `whenUploaderReady`), created
   * on first use from the element's current configuration. When the configuration changes
   * and no upload is running, the next use gets a new engine.
   *
   * @throws {S3UploadElementError} `engine` when `endpoint` is not set.
   */
  get uploader(): Uploader | undefined {
    const engine = loadedEngine();
    if (!engine) {
      checkEndpoint(this.#host.endpoint);
      return undefined;
    }
    return this.#uploaderOf(engine);
  }

  /**
   * The engine, loading its code first if needed. Files added before it loaded have been
   * handed to it (their tasks are in `tasks`) when this resolves.
   *
   * @throws {S3UploadElementError} `engine` when `endpoint` is not set or the engine could
   *   not be created; the load's own error when its code could not be fetched.
   */
  async whenUploaderReady(): Promise<Uploader> {
    checkEndpoint(this.#host.endpoint);
    return this.#uploaderOf(await this.#load());
  }

  /** The engine for the element's current configuration, from the loaded engine module. */
  #uploaderOf(engine: EngineModule): Uploader {
    this.#engine ??= new engine.ElementEngine(this.#host, this.#engineOptions);
    return this.#engine.uploaderOf(engine);
  }

  /** Loads the engine and hands it the files that waited for it. */
  #load(): Promise<EngineModule> {
    return loadEngine().then(
      (engine) => {
        this.#handOver(engine);
        return engine;
      },
      (error: unknown) => {
        this.#engineUnavailable(error);
        throw error;
      },
    );
  }

  /**
   * Adds files: checks the restrictions, lists refused files with their reason, and hands
   * the others to the engine. `byUser` is false for programmatic calls (no events then).
   */
  add(input: readonly File[], byUser: boolean, options: { pasted?: boolean } = {}): void {
    if (input.length === 0) return;
    const host = this.#host;
    const paths = this.#rows.all.map((e) => e.path);
    const files = options.pasted ? namePasted(input, paths) : input;
    const renamable = options.pasted === true && (this.forms.specs.length > 0 || !host.auto);
    const asking: File[] = [];
    // A single-file element behaves like <input type=file>: a new choice replaces the old.
    if (!host.multiple) for (const entry of this.#rows.all) this.#forget(entry, byUser);
    const held = this.#rows.held();
    const maxFiles = host.multiple ? host.maxFiles : 1;
    const { refused } = checkFiles(
      files,
      { accept: host.accept, maxFileSize: host.maxFileSize, maxFiles },
      held.count,
      held.identities,
    );
    let uploader: Uploader | undefined;
    // Accepted files wait in the list, `queued`, while the engine loads (#handOver).
    let waiting = false;
    const refusalOf = new Map(refused.map(({ index, refusal }) => [index, refusal]));
    if (refused.length < files.length) {
      try {
        uploader = this.uploader;
        waiting = uploader === undefined;
      } catch (error) {
        // Misconfiguration must be loud for the developer and plain for the user.
        console.error(error);
        for (const index of files.keys())
          if (!refusalOf.has(index)) refusalOf.set(index, { code: 'not-configured' });
      }
    }
    const rejected: { file: File; code: Refusal['code']; message: string }[] = [];
    const added: File[] = [];
    // Rows keep the order the user gave the files in, refused ones included.
    for (const [index, file] of files.entries()) {
      const refusal = refusalOf.get(index);
      if (refusal) {
        const message = refusalText(this.#options.messages(), refusal, host);
        this.#rows.addRefused(file, refusal);
        this.#announcer.announce({ kind: 'refused', name: relativePathOf(file), reason: message });
        rejected.push({ file, code: refusal.code, message });
      } else if (uploader) {
        const task = uploader.add(file);
        // The engine's `file-added` may already have listed it (#onEngineEvent).
        if (!this.#rows.has(task.id)) this.#rows.addTask(uploader, task);
        if (this.forms.open(file, renamable)) asking.push(file);
        added.push(file);
        this.#announcer.announce({ kind: 'added', name: relativePathOf(file) });
      } else if (waiting) {
        this.#rows.addWaiting(file);
        if (this.forms.open(file, renamable)) asking.push(file);
        added.push(file);
        this.#announcer.announce({ kind: 'added', name: relativePathOf(file) });
      }
    }
    // With fields, uploads wait for the user's Upload, unless the app filled every row in
    // (`fieldValues`) and they pass their checks.
    const m = this.#options.messages();
    const filled = host.fieldValues !== undefined && asking.every((file) => this.forms.complete(file, m));
    let started = false;
    if (asking.length > 0 && filled) started = this.start() === undefined;
    else if (host.auto && added.length > 0 && asking.length === 0 && uploader) {
      uploader.start();
      started = true;
    }
    if (byUser && added.length > 0) this.#dispatch('s3-files-added', { files: added });
    if (byUser && rejected.length > 0) this.#dispatch('s3-files-rejected', { rejected });
    if (waiting && added.length > 0) void this.#load().catch(() => {});
    // Not on the next frame: once the uploads' first requests are out (at most START_HOLD_MS),
    // or, when nothing started, right after this task (render-schedule.ts).
    if (started && uploader) this.#renders.holdForStart();
    else this.#renders.afterThisTask();
  }

  /** The Upload button was pressed (`auto` off) while files waited for the engine. */
  #startWhenHandedOver = false;
  /** Set while the element hands a file to the engine itself: its `file-added` is not a new row. */
  #adopting = false;

  /** Hands a listed file to the engine as the element's own (#adopting). */
  #adopt(uploader: Uploader, file: Blob): UploadTask {
    this.#adopting = true;
    try {
      return uploader.add(file);
    } finally {
      this.#adopting = false;
    }
  }

  /**
   * The engine has loaded: the files that waited for it become its tasks, in their rows,
   * and start as they would have (`auto`, or the Upload button pressed meanwhile).
   */
  #handOver(engine: EngineModule): void {
    const waiting = this.#rows.waiting();
    if (waiting.length === 0) return;
    let uploader: Uploader;
    try {
      uploader = this.#uploaderOf(engine);
    } catch (error) {
      // The endpoint was removed while the engine loaded: refused as any unconfigured add is.
      console.error(error);
      this.#rows.update(waiting, { refusal: { code: 'not-configured' } });
      this.#scheduleRender();
      return;
    }
    for (const entry of waiting)
      this.forms.apply(this.#rows.adopt(entry, uploader, this.#adopt(uploader, entry.file)));
    if ((this.#host.auto && !this.forms.asking) || this.#startWhenHandedOver) uploader.start();
    this.#startWhenHandedOver = false;
    this.#scheduleRender();
  }

  /** The engine's code could not be fetched: the waiting files fail, and Retry loads it again. */
  #engineUnavailable(error: unknown): void {
    const waiting = this.#rows.waiting();
    if (waiting.length === 0) return;
    const engineError = {
      code: 'network' as const,
      message: `<s3-upload> could not load its upload engine: ${(error as Error)?.message ?? String(error)}`,
    };
    const reason = errorText(this.#options.messages(), engineError);
    this.#rows.update(waiting, { engineError });
    for (const entry of waiting) this.#announcer.announce({ kind: 'failed', name: entry.path, reason });
    this.#scheduleRender();
  }

  /**
   * Starts every queued file (the Upload button when `auto` is off or rows ask for fields).
   * Rows whose fields need fixing show why and nothing starts; returns the first of them,
   * for the element to focus.
   */
  start(): FileEntry | undefined {
    const invalid = this.forms.checkQueued(this.#rows.all, this.#options.messages());
    if (invalid) {
      this.#announcer.announce({ kind: 'details' });
      this.#scheduleRender();
      return invalid;
    }
    this.forms.confirmAll();
    for (const entry of this.#rows.all) this.forms.apply(entry);
    this.#scheduleRender();
    if (this.#rows.waiting().length > 0) this.#startWhenHandedOver = true;
    for (const uploader of this.#rows.uploaders) uploader.start();
    return undefined;
  }

  /** A value typed in a row's field. */
  fieldInput(entry: FileEntry, field: string, value: string): void {
    if (this.forms.input(entry.file, field, value, this.#options.messages())) {
      entry.version += 1;
      this.#scheduleRender();
    }
  }

  /** Pauses, keeping the parts about to finish; `now`: aborts every part at once. */
  pause(id: string, now = false): void {
    const entry = this.#rows.get(id);
    if (entry?.task && entry.uploader) entry.uploader.pause(entry.task.id, { now });
  }

  /**
   * Stops every upload for good (sign-out): each engine cancels its unfinished tasks and
   * aborts their multipart uploads; resolves when S3 has been told.
   */
  async cancelAll(): Promise<void> {
    const uploaders = this.#rows.uploaders;
    if (this.#engine?.current) uploaders.add(this.#engine.current);
    // Files still waiting for the engine never reach it.
    for (const entry of this.entries) if (!entry.task && !entry.refusal) this.#forget(entry, false);
    this.#scheduleRender();
    await Promise.all([...uploaders].map((uploader) => uploader.cancelAll()));
  }

  /** Whether any upload is under way: waiting, sending or pausing (not paused, not done). */
  get running(): boolean {
    return this.#rows.running;
  }

  /** Takes the finished rows off the list (stored, cancelled, refused): long lists stay readable. */
  clearFinished(): void {
    for (const entry of this.#rows.all) {
      const status = statusOf(entry);
      // Stored files stay in the value (the form still submits them); only the row goes.
      if (status === 'cancelled' || status === 'refused') this.#forget(entry, false);
      else if (status === 'succeeded') this.#rows.hide(entry);
    }
    this.#scheduleRender();
  }

  /** The rows to show: every row but the stored ones cleared away. */
  get visibleEntries(): readonly FileEntry[] {
    return this.#rows.visible;
  }

  resume(id: string): void {
    const entry = this.#rows.get(id);
    if (entry?.task && entry.uploader) entry.uploader.resume(entry.task.id);
  }

  cancel(id: string): void {
    const entry = this.#rows.get(id);
    if (entry?.task && entry.uploader) void entry.uploader.cancel(entry.task.id);
    // A file still waiting for the engine has nothing on S3: cancelling takes it off the list.
    else if (entry && !entry.refusal) this.remove(id, true);
  }

  retry(id: string): void {
    const entry = this.#rows.get(id);
    if (entry?.engineError) {
      // The engine's code failed to load: wait for it again.
      this.#rows.update([entry], { engineError: undefined });
      this.#scheduleRender();
      void this.#load().catch(() => {});
      return;
    }
    if (!entry?.task || !entry.uploader) return;
    let current: Uploader | undefined;
    try {
      // Asked first: a configuration changed since the failure applies to the retry.
      current = this.uploader;
    } catch (error) {
      console.error(error);
      return;
    }
    // A row with a task means the engine has loaded, so `current` is there.
    if (!current) return;
    if (entry.uploader === current) current.retry(entry.task.id);
    else this.#moveToEngine(entry, current);
  }

  /**
   * A row of an engine retired since (the configuration changed): its file goes to the
   * current engine as a new task, in the same place in the list.
   */
  #moveToEngine(entry: FileEntry, uploader: Uploader): void {
    this.#rows.adopt(entry, uploader, this.#adopt(uploader, entry.file));
    if (this.#host.auto) uploader.start();
    this.#scheduleRender();
  }

  /** Takes a row off the list, cancelling its upload if it is still running. */
  remove(id: string, byUser: boolean): void {
    const entry = this.#rows.get(id);
    if (!entry) return;
    this.#forget(entry, byUser);
    this.#scheduleRender();
  }

  /** Empties the list (form reset, `clear()`): cancels running uploads; fires no events. */
  clear(): void {
    for (const entry of this.#rows.all) this.#forget(entry, false);
    this.#announcer.dispose();
    this.#scheduleRender();
  }

  #forget(entry: FileEntry, byUser: boolean): void {
    const wasValue = entry.task?.state === 'succeeded';
    this.#rows.delete(entry);
    this.forms.close(entry.file);
    if (entry.thumbnail) URL.revokeObjectURL(entry.thumbnail);
    entry.thumbnail = undefined;
    if (entry.task && entry.uploader) void entry.uploader.remove(entry.task.id);
    if (byUser && entry.file instanceof File) {
      this.#dispatch('s3-file-removed', { file: entry.file, key: entry.task?.key });
    }
    if (wasValue) this.#options.onValueChanged(byUser);
  }

  /** The engine's events as the element's events, row changes, redraws and live-region news. */
  #onEngineEvent(uploader: Uploader, event: UploaderEvent): void {
    // A first request carrying the file is out (the engine's first upload-progress of a run),
    // or an upload stopped: a redraw held for the first requests is due now.
    if (event.type !== 'file-added' && event.type !== 'upload-started') this.#renders.release();
    translateEngineEvent(
      {
        rows: this.#rows,
        adopting: this.#adopting,
        keys: () => this.keys,
        messages: this.#options.messages,
        announce: (news) => this.#announcer.announce(news),
        dispatch: (type, detail) => this.#dispatch(type, detail),
        valueChanged: () => this.#options.onValueChanged(true),
        render: () => this.#scheduleRender(),
        progressRender: () => this.#scheduleProgressRender(),
      },
      uploader,
      event,
    );
  }

  #dispatch<K extends S3UploadEventType>(type: K, detail: S3UploadEventDetails[K]): void {
    this.#host.dispatchEvent(new S3UploadEvent(type, detail));
  }

  /** Redraws on the next frame (render-schedule.ts). */
  #scheduleRender(): void {
    this.#renders.soon();
  }

  /** Redraws for progress alone: at most one per PROGRESS_RENDER_MS. */
  #scheduleProgressRender(): void {
    this.#renders.forProgress();
  }

  /** Whether any row is still waiting or uploading (the form then refuses to submit). */
  get pending(): boolean {
    return this.#rows.pending;
  }

  /** The live region's news is spoken now, not after the batching delay (tests, teardown). */
  flushAnnouncements(): void {
    this.#announcer.flush();
  }
}
