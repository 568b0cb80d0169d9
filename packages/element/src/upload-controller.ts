import { displayName, pastedFileName } from '@s3up/contract';
import type { Uploader, UploaderEvent, UploadTask } from '@s3up/core';
import type { ReactiveController } from 'lit';
import { Announcer } from './announcer.js';
import { relativePathOf } from './dropped-files.js';
import type { ElementEngine, ElementEngineOptions, UploadHost } from './element-engine.js';
import { type EngineModule, loadEngine, loadedEngine, whenIdle } from './engine-loader.js';
import { checkEndpoint } from './errors.js';
import { S3UploadEvent, type S3UploadEventDetails, type S3UploadEventType } from './events.js';
import { type FileEntry, statusOf } from './file-entry.js';
import { isGenericPasteName, RowForms, valuesToSend } from './file-fields.js';
import { prepareFormatters } from './intl-units.js';
import type { Messages } from './messages/catalog.js';
import { announcementText, errorText, refusalText } from './messages/texts.js';
import { RenderSchedule } from './render-schedule.js';
import { checkFiles, fileIdentity, type Refusal } from './restrictions.js';
import { rowThumbnail } from './row-thumbnail.js';

/** The row thumbnail's edge in CSS pixels (`--s3-upload-thumbnail-size`, 2.5rem). */
const THUMBNAIL_CSS_PIXELS = 40;

/** What the element gives its controller besides its configuration. */
export interface UploadControllerOptions {
  /** The element's texts in its current language (refusal reasons, announcements). */
  messages(): Messages;
  /** The set of uploaded keys changed; `byUser` says whether to fire `s3-change`. */
  onValueChanged(byUser: boolean): void;
}

/** What says a person is about to pick or drop files. */
const INTENT_EVENTS = ['pointerenter', 'focusin', 'dragenter'] as const;

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'refused']);

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
  readonly #entries = new Map<string, FileEntry>();
  readonly #announcer: Announcer;
  /** Made with the engine module (#engineOf), so it is not part of the render path. */
  #engine: ElementEngine | undefined;
  readonly #engineOptions: ElementEngineOptions;
  readonly #renders: RenderSchedule;
  #refusedCount = 0;
  #announcement = '';

  constructor(host: UploadHost, options: UploadControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.forms = new RowForms(host);
    this.#renders = new RenderSchedule(() => host.requestUpdate());
    this.#engineOptions = {
      onEvent: (uploader, event) => this.#onEngineEvent(uploader, event),
      pathOf: (taskId) => this.#entries.get(taskId)?.path,
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

  hostConnected(): void {
    // The SDK is most of what an upload fetches: start fetching it once the page is idle
    // after the first render, or as soon as the user points at, focuses or drags onto the
    // element, so the first upload does not wait for it (issue 21). Never in the render.
    const host = this.#host as unknown as HTMLElement;
    for (const type of INTENT_EVENTS)
      host.addEventListener(type, this.#preload, { once: true, passive: true });
    this.#idle = whenIdle(this.#preload);
  }

  readonly #preload = () => {
    this.#idle?.();
    this.#idle = undefined;
    const host = this.#host as unknown as HTMLElement;
    for (const type of INTENT_EVENTS) host.removeEventListener(type, this.#preload);
    // The engine, then the SDK it starts fetching (engine-loader.ts); a failure is retried
    // by the first file added.
    void this.#load().catch(() => {});
    prepareFormatters(this.#options.messages().locale);
  };
  #idle: (() => void) | undefined;

  hostDisconnected(): void {
    // Uploads keep going when the element is moved or hidden; only pending renders stop.
    this.#renders.cancel();
    this.#idle?.();
    this.#idle = undefined;
  }

  /** Rows in the order files were added. */
  get entries(): readonly FileEntry[] {
    return [...this.#entries.values()];
  }

  /** Keys of the uploads that succeeded, in list order: the element's value. */
  get keys(): string[] {
    const keys: string[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.task?.state === 'succeeded' && entry.task.key) keys.push(entry.task.key);
    }
    return keys;
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
    const files = options.pasted ? this.#namePasted(input) : input;
    const renamable = options.pasted === true && (this.forms.specs.length > 0 || !host.auto);
    const asking: File[] = [];
    const known = new Set<string>();
    let counted = 0;
    for (const entry of this.#entries.values()) {
      const status = statusOf(entry);
      if (status === 'refused' || status === 'cancelled') continue;
      counted += 1;
      if (entry.file instanceof File) known.add(fileIdentity(entry.file));
    }
    if (!host.multiple && files.length > 0) {
      // A single-file element behaves like <input type=file>: a new choice replaces the old.
      for (const entry of this.#entries.values()) this.#forget(entry, byUser);
      known.clear();
      counted = 0;
    }
    const maxFiles = host.multiple ? host.maxFiles : 1;
    const { refused } = checkFiles(
      files,
      { accept: host.accept, maxFileSize: host.maxFileSize, maxFiles },
      counted,
      known,
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
        this.#refusedCount += 1;
        this.#put({
          id: `refused-${this.#refusedCount}`,
          file,
          path: relativePathOf(file),
          size: file.size,
          task: undefined,
          uploader: undefined,
          refusal,
          thumbnail: undefined,
          version: 0,
        });
        this.#announcer.announce({ kind: 'refused', name: relativePathOf(file), reason: message });
        rejected.push({ file, code: refusal.code, message });
      } else if (uploader) {
        const task = uploader.add(file);
        // The engine's `file-added` may already have listed it (#onEngineEvent).
        if (!this.#entries.has(task.id)) this.#listTask(uploader, task);
        if (this.forms.open(file, renamable)) asking.push(file);
        added.push(file);
        this.#announcer.announce({ kind: 'added', name: relativePathOf(file) });
      } else if (waiting) {
        this.#waitingCount += 1;
        this.#put({
          id: `waiting-${this.#waitingCount}`,
          file,
          path: relativePathOf(file),
          size: file.size,
          task: undefined,
          uploader: undefined,
          refusal: undefined,
          thumbnail: undefined,
          version: 0,
        });
        if (this.forms.open(file, renamable)) asking.push(file);
        added.push(file);
        this.#announcer.announce({ kind: 'added', name: relativePathOf(file) });
      }
    }
    // With fields, uploads wait for the user's Upload, unless the app filled every row in
    // (`fieldValues`) and they pass their checks.
    const m = this.#options.messages();
    const filled = host.fieldValues !== undefined && asking.every((file) => this.forms.complete(file, m));
    if (asking.length > 0 && filled) this.start();
    else if (host.auto && added.length > 0 && asking.length === 0) uploader?.start();
    if (byUser && added.length > 0) this.#dispatch('s3-files-added', { files: added });
    if (byUser && rejected.length > 0) this.#dispatch('s3-files-rejected', { rejected });
    if (waiting && added.length > 0) void this.#load().catch(() => {});
    // After the uploads' first requests have gone out, not on the next frame (render-schedule.ts).
    this.#renders.afterThisTask();
  }

  #waitingCount = 0;
  /** The Upload button was pressed (`auto` off) while files waited for the engine. */
  #startWhenHandedOver = false;
  /** Set while the element hands a file to the engine itself: its `file-added` is not a new row. */
  #adopting = false;
  /** Which row replaced which (a waiting row by its task's row): late thumbnails find the new row. */
  readonly #successors = new WeakMap<FileEntry, FileEntry>();

  /** Rows whose file waits for the engine (its code is still loading). */
  #waitingRows(): FileEntry[] {
    return this.entries.filter((e) => !e.task && !e.refusal && !e.engineError);
  }

  /** Replaces rows in place (same position in the list), keyed by their new ids. */
  #replaceRows(replacements: ReadonlyMap<FileEntry, FileEntry>): void {
    if (replacements.size === 0) return;
    const rows = this.entries.map((row) => replacements.get(row) ?? row);
    for (const [old, next] of replacements) this.#successors.set(old, next);
    this.#entries.clear();
    for (const row of rows) this.#entries.set(row.id, row);
  }

  /** The row that now stands for `entry` (itself, or what replaced it). */
  #current(entry: FileEntry): FileEntry {
    let row = entry;
    for (let next = this.#successors.get(row); next; next = this.#successors.get(row)) row = next;
    return row;
  }

  /**
   * The engine has loaded: the files that waited for it become its tasks, in their rows,
   * and start as they would have (`auto`, or the Upload button pressed meanwhile).
   */
  #handOver(engine: EngineModule): void {
    const waiting = this.#waitingRows();
    if (waiting.length === 0) return;
    const replacements = new Map<FileEntry, FileEntry>();
    let uploader: Uploader;
    try {
      uploader = this.#uploaderOf(engine);
    } catch (error) {
      // The endpoint was removed while the engine loaded: refused as any unconfigured add is.
      console.error(error);
      for (const entry of waiting)
        replacements.set(entry, {
          ...entry,
          refusal: { code: 'not-configured' },
          version: entry.version + 1,
        });
      this.#replaceRows(replacements);
      this.#scheduleRender();
      return;
    }
    for (const entry of waiting) {
      this.#adopting = true;
      let task: UploadTask;
      try {
        task = uploader.add(entry.file);
      } finally {
        this.#adopting = false;
      }
      replacements.set(entry, { ...entry, id: task.id, task, uploader, version: entry.version + 1 });
    }
    this.#replaceRows(replacements);
    for (const entry of replacements.values()) this.#applyForm(entry);
    if ((this.#host.auto && !this.forms.asking) || this.#startWhenHandedOver) uploader.start();
    this.#startWhenHandedOver = false;
    this.#scheduleRender();
  }

  /** The engine's code could not be fetched: the waiting files fail, and Retry loads it again. */
  #engineUnavailable(error: unknown): void {
    const waiting = this.#waitingRows();
    if (waiting.length === 0) return;
    const engineError = {
      code: 'network' as const,
      message: `<s3-upload> could not load its upload engine: ${(error as Error)?.message ?? String(error)}`,
    };
    const reason = errorText(this.#options.messages(), engineError);
    const replacements = new Map<FileEntry, FileEntry>();
    for (const entry of waiting) {
      replacements.set(entry, { ...entry, engineError, version: entry.version + 1 });
      this.#announcer.announce({ kind: 'failed', name: entry.path, reason });
    }
    this.#replaceRows(replacements);
    this.#scheduleRender();
  }

  /**
   * Starts every queued file (the Upload button when `auto` is off or rows ask for fields).
   * Rows whose fields need fixing show why and nothing starts; returns the first of them,
   * for the element to focus.
   */
  start(): FileEntry | undefined {
    const m = this.#options.messages();
    let invalid: FileEntry | undefined;
    for (const entry of this.#entries.values()) {
      if (!this.forms.get(entry.file) || statusOf(entry) !== 'queued') continue;
      if (this.forms.check(entry.file, m)) entry.version += 1;
      if (Object.keys(this.forms.get(entry.file)!.errors).length > 0) invalid ??= entry;
    }
    if (invalid) {
      this.#announcer.announce({ kind: 'details' });
      this.#scheduleRender();
      return invalid;
    }
    this.forms.confirmAll();
    for (const entry of this.#entries.values()) this.#applyForm(entry);
    this.#scheduleRender();
    if (this.#waitingRows().length > 0) this.#startWhenHandedOver = true;
    const uploaders = new Set<Uploader>();
    for (const entry of this.#entries.values()) if (entry.uploader) uploaders.add(entry.uploader);
    for (const uploader of uploaders) uploader.start();
    return undefined;
  }

  /** A confirmed row's values go to its task (metadata, a new name) and its form closes. */
  #applyForm(entry: FileEntry): void {
    const form = this.forms.get(entry.file);
    if (!form?.confirmed || !entry.task || !entry.uploader || statusOf(entry) !== 'queued') return;
    entry.uploader.setMetadata(entry.task.id, valuesToSend(form.values));
    if (form.name !== undefined && displayName(form.name) !== entry.task.name) {
      entry.uploader.rename(entry.task.id, form.name);
      (entry as { path: string }).path = entry.task.name;
    }
    this.forms.close(entry.file);
    entry.version += 1;
  }

  /** A value typed in a row's field. */
  fieldInput(entry: FileEntry, field: string, value: string): void {
    if (this.forms.input(entry.file, field, value, this.#options.messages())) {
      entry.version += 1;
      this.#scheduleRender();
    }
  }

  /** Pasted images all come as `image.png`: each gets "Pasted image <date time>.png", unique in the list. */
  #namePasted(files: readonly File[]): File[] {
    const taken = new Set([...this.#entries.values()].map((e) => e.path));
    const now = new Date();
    return files.map((file) => {
      if (!isGenericPasteName(file.name)) return file;
      const name = pastedFileName(file.type, now, taken);
      taken.add(name);
      return new File([file], name, { type: file.type, lastModified: file.lastModified });
    });
  }

  /** Pauses, keeping the parts about to finish; `now`: aborts every part at once. */
  pause(id: string, now = false): void {
    const entry = this.#entries.get(id);
    if (entry?.task && entry.uploader) entry.uploader.pause(entry.task.id, { now });
  }

  /**
   * Stops every upload for good (sign-out): each engine cancels its unfinished tasks and
   * aborts their multipart uploads; resolves when S3 has been told.
   */
  async cancelAll(): Promise<void> {
    const uploaders = new Set<Uploader>();
    for (const entry of this.#entries.values()) if (entry.uploader) uploaders.add(entry.uploader);
    if (this.#engine?.current) uploaders.add(this.#engine.current);
    // Files still waiting for the engine never reach it.
    for (const entry of this.entries) if (!entry.task && !entry.refusal) this.#forget(entry, false);
    this.#scheduleRender();
    await Promise.all([...uploaders].map((uploader) => uploader.cancelAll()));
  }

  /** Whether any upload is under way: waiting, sending or pausing (not paused, not done). */
  get running(): boolean {
    for (const entry of this.#entries.values()) {
      const status = statusOf(entry);
      if (status === 'queued' || status === 'uploading' || status === 'pausing') return true;
    }
    return false;
  }

  /** Takes the finished rows off the list (stored, cancelled, refused): long lists stay readable. */
  clearFinished(): void {
    for (const entry of [...this.#entries.values()]) {
      const status = statusOf(entry);
      // Stored files stay in the value (the form still submits them); only the row goes.
      if (status === 'cancelled' || status === 'refused') this.#forget(entry, false);
      else if (status === 'succeeded') this.#finishedHidden.add(entry.id);
    }
    this.#scheduleRender();
  }

  /** Stored files whose rows "Clear finished" took off the list (still part of the value). */
  readonly #finishedHidden = new Set<string>();

  /** The rows to show: every row but the stored ones cleared away. */
  get visibleEntries(): readonly FileEntry[] {
    if (this.#finishedHidden.size === 0) return this.entries;
    return this.entries.filter((entry) => !this.#finishedHidden.has(entry.id));
  }

  resume(id: string): void {
    const entry = this.#entries.get(id);
    if (entry?.task && entry.uploader) entry.uploader.resume(entry.task.id);
  }

  cancel(id: string): void {
    const entry = this.#entries.get(id);
    if (entry?.task && entry.uploader) void entry.uploader.cancel(entry.task.id);
    // A file still waiting for the engine has nothing on S3: cancelling takes it off the list.
    else if (entry && !entry.refusal) this.remove(id, true);
  }

  retry(id: string): void {
    const entry = this.#entries.get(id);
    if (entry?.engineError) {
      // The engine's code failed to load: wait for it again.
      this.#replaceRows(new Map([[entry, { ...entry, engineError: undefined, version: entry.version + 1 }]]));
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
    this.#adopting = true;
    let task: UploadTask;
    try {
      task = uploader.add(entry.file);
    } finally {
      this.#adopting = false;
    }
    this.#replaceRows(
      new Map([[entry, { ...entry, id: task.id, task, uploader, version: entry.version + 1 }]]),
    );
    if (this.#host.auto) uploader.start();
    this.#scheduleRender();
  }

  /** Takes a row off the list, cancelling its upload if it is still running. */
  remove(id: string, byUser: boolean): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#forget(entry, byUser);
    this.#scheduleRender();
  }

  /** Empties the list (form reset, `clear()`): cancels running uploads; fires no events. */
  clear(): void {
    for (const entry of [...this.#entries.values()]) this.#forget(entry, false);
    this.#announcer.dispose();
    this.#scheduleRender();
  }

  #forget(entry: FileEntry, byUser: boolean): void {
    const wasValue = entry.task?.state === 'succeeded';
    this.#entries.delete(entry.id);
    this.forms.close(entry.file);
    if (entry.thumbnail) URL.revokeObjectURL(entry.thumbnail);
    entry.thumbnail = undefined;
    if (entry.task && entry.uploader) void entry.uploader.remove(entry.task.id);
    if (byUser && entry.file instanceof File) {
      this.#dispatch('s3-file-removed', { file: entry.file, key: entry.task?.key });
    }
    if (wasValue) this.#options.onValueChanged(byUser);
  }

  #put(entry: FileEntry): void {
    this.#entries.set(entry.id, entry);
    if (!entry.file.type.startsWith('image/')) return;
    // Decoded at display size, off the row's first render; a row gone by then revokes it.
    void rowThumbnail(entry.file, THUMBNAIL_CSS_PIXELS).then((url) => {
      if (!url) return;
      // The row may have been replaced meanwhile (its file handed to the engine).
      const row = this.#current(entry);
      if (this.#entries.get(row.id) !== row) {
        URL.revokeObjectURL(url);
        return;
      }
      row.thumbnail = url;
      row.version += 1;
      this.#scheduleRender();
    });
  }

  #listTask(uploader: Uploader, task: UploadTask): void {
    const file = task.file;
    this.#put({
      id: task.id,
      file,
      path: file instanceof File ? relativePathOf(file) : task.name,
      size: task.size,
      task,
      uploader,
      refusal: undefined,
      thumbnail: undefined,
      version: 0,
    });
  }

  #onEngineEvent(uploader: Uploader, event: UploaderEvent): void {
    if (event.type === 'all-done') {
      const detail = (event as UploaderEvent<'all-done'>).detail;
      this.#announcer.announce({ kind: 'all-done' });
      this.#dispatch('s3-all-done', {
        keys: this.keys,
        failed: detail.failed.length,
        cancelled: detail.cancelled.length,
      });
      this.#scheduleRender();
      return;
    }
    const { task } = (event as UploaderEvent<'upload-started'>).detail;
    const entry = this.#entries.get(task.id);
    if (!entry) {
      // A row the user already removed, or a file the element is handing over itself.
      if (event.type !== 'file-added' || this.#adopting) return;
      // Also lists files an app adds through element.uploader directly.
      this.#listTask(uploader, task);
      this.#scheduleRender();
      return;
    }
    entry.version += 1;
    switch (event.type) {
      case 'upload-started':
        this.#dispatch('s3-upload-started', { task });
        break;
      case 'upload-progress':
        this.#dispatch('s3-upload-progress', { task });
        this.#scheduleProgressRender();
        return;
      case 'upload-pausing':
        break;
      case 'upload-paused':
        entry.pausedBy = (event as UploaderEvent<'upload-paused'>).detail.reason;
        this.#dispatch('s3-upload-paused', {
          task,
          reason: (event as UploaderEvent<'upload-paused'>).detail.reason,
        });
        break;
      case 'upload-resumed':
        entry.pausedBy = undefined;
        this.#dispatch('s3-upload-resumed', { task });
        break;
      case 'upload-succeeded': {
        const { key, receipt, image } = (event as UploaderEvent<'upload-succeeded'>).detail;
        this.#announcer.announce({ kind: 'finished', name: entry.path });
        this.#options.onValueChanged(true);
        this.#dispatch('s3-upload-succeeded', {
          task,
          key,
          ...(receipt ? { receipt } : {}),
          ...(image ? { image } : {}),
        });
        break;
      }
      case 'upload-failed': {
        const { error } = (event as UploaderEvent<'upload-failed'>).detail;
        this.#announcer.announce({
          kind: 'failed',
          name: entry.path,
          reason: errorText(this.#options.messages(), error),
        });
        this.#dispatch('s3-upload-failed', { task, error });
        break;
      }
      case 'upload-cancelled':
        this.#dispatch('s3-upload-cancelled', { task });
        break;
    }
    this.#scheduleRender();
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
    for (const entry of this.#entries.values()) if (!FINAL.has(statusOf(entry))) return true;
    return false;
  }

  /** The live region's news is spoken now, not after the batching delay (tests, teardown). */
  flushAnnouncements(): void {
    this.#announcer.flush();
  }
}
