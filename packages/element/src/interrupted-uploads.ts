import type { FileHandleStore, InterruptedUpload, KeptHandle, Uploader } from '@s3up/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type EngineModule, loadEngine, loadedEngine, whenIdle } from './engine-loader.js';
import { handleOf, keepHandle } from './file-handles.js';

/** What the list needs from the element's file list (upload-list.ts). */
export interface InterruptedSource {
  /** The engine (loaded if needed), when the element is configured (an endpoint is set); undefined otherwise. */
  engine(): Uploader | undefined | Promise<Uploader | undefined>;
  /** Asks the user for the file (the element's picker); undefined when they cancel. */
  pickFile(): Promise<{ file: File; handle?: KeptHandle | undefined } | undefined>;
  /** Lists the file and hands it to the engine, which continues the upload (same fingerprint). */
  addFile(file: File): void;
}

/** Why a Continue did not continue: the file picked is another one, or listing/discarding failed. */
export type InterruptedNotice =
  | { fingerprint: string; kind: 'wrong-file'; picked: string }
  | { fingerprint: string; kind: 'changed' }
  | { fingerprint: string | undefined; kind: 'error'; message: string };

/**
 * The uploads a reload left behind, for the element to offer: name, size, what is stored,
 * age, with Continue and Discard. Continue reopens the file from its File System Access
 * handle when the browser kept one (Chromium: a permission prompt, no file chooser), else
 * asks the user to pick it, and accepts only the same file (name, size, date and type: the
 * engine's fingerprint). Discard aborts the multipart upload on S3.
 *
 * Handles are kept by themselves: a file picked through `showOpenFilePicker` or dropped as a
 * handle (`getAsFileSystemHandle`) has its handle stored under its fingerprint when its
 * upload starts, and forgotten when the upload is stored, cancelled or removed (and, for
 * pages that closed first, when no resume record is left for it).
 */
export class InterruptedUploads implements ReactiveController {
  readonly #host: ReactiveControllerHost & EventTarget;
  readonly #source: InterruptedSource;
  #handleStore: FileHandleStore | null | undefined;
  #items: InterruptedUpload[] = [];
  #notice: InterruptedNotice | undefined;
  #loaded = false;
  #idle: (() => void) | undefined;

  constructor(host: ReactiveControllerHost & EventTarget, source: InterruptedSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  /** The handle store, from the engine module once it has loaded (null where handles cannot be kept). */
  get #handles(): FileHandleStore | null {
    const engine = loadedEngine();
    if (!engine) return null;
    this.#handleStore ??= engine.FileHandleStore.supported ? new engine.FileHandleStore() : null;
    return this.#handleStore;
  }

  get items(): readonly InterruptedUpload[] {
    return this.#items;
  }

  get notice(): InterruptedNotice | undefined {
    return this.#notice;
  }

  hostConnected(): void {
    // Reading the resume store needs the engine module: after the first render, when the
    // page is idle, as the engine itself loads (issue 21).
    if (!this.#loaded)
      this.#idle ??= whenIdle(() => {
        this.#idle = undefined;
        void this.refresh();
      });
    for (const [type, listener] of this.#listeners) this.#host.addEventListener(type, listener);
  }

  hostDisconnected(): void {
    this.#idle?.();
    this.#idle = undefined;
    for (const [type, listener] of this.#listeners) this.#host.removeEventListener(type, listener);
  }

  // Only files that can become multipart uploads (S3's smallest part is 5 MiB) can be continued.
  readonly #listeners = new Map<string, (event: Event) => void>([
    ['s3-upload-started', (event) => this.#keep(taskFileOf(event), true)],
    ['s3-upload-succeeded', (event) => this.#keep(taskFileOf(event), false)],
    ['s3-upload-cancelled', (event) => this.#keep(taskFileOf(event), false)],
    ['s3-file-removed', (event) => this.#keep((event as CustomEvent<{ file: Blob }>).detail.file, false)],
  ]);

  /** Fingerprints whose handle this page stored for an upload that has not ended. */
  readonly #keptHere = new Set<string>();

  #keep(file: Blob | undefined, keep: boolean): void {
    const handle = handleOf(file);
    const engine = loadedEngine();
    if (!engine || !this.#handles || !handle || !(file instanceof File)) return;
    const fingerprint = engine.fingerprintOf(file);
    if (keep && file.size >= MIN_MULTIPART) {
      this.#keptHere.add(fingerprint);
      void this.#handles.set(fingerprint, handle).catch(() => {});
    } else if (!keep) {
      this.#keptHere.delete(fingerprint);
      void this.#handles.delete(fingerprint).catch(() => {});
    }
  }

  /** Reads the resume store again (and asks S3 what each upload holds). */
  async refresh(): Promise<void> {
    this.#loaded = true;
    let module: EngineModule;
    try {
      module = await loadEngine();
    } catch {
      this.#loaded = false; // offline: the next connect tries again
      return;
    }
    // The engine (and its credentials request) only when there is something to list: a page
    // with no interrupted upload makes its engine on the first upload, as before.
    const records = await recordedFingerprints(module);
    // Handles of uploads that ended while no page listened (a tab closed mid-upload, then
    // the upload was discarded in another) have nothing left to continue.
    // Handles this page kept for uploads still running are not pruned: their record may not
    // be written yet.
    if (records) {
      const keep = (fingerprint: string) => records.has(fingerprint) || this.#keptHere.has(fingerprint);
      void this.#handles?.prune(keep).catch(() => {});
    }
    if (!records || records.size === 0) return;
    const engine = await this.#source.engine();
    if (!engine) {
      this.#loaded = false;
      return;
    }
    try {
      this.#items = await engine.interrupted();
    } catch (error) {
      // Not signed in yet, offline: nothing to offer now; the next refresh tries again.
      this.#items = [];
      this.#loaded = false;
      this.#notice = { fingerprint: undefined, kind: 'error', message: (error as Error).message };
    }
    this.#host.requestUpdate();
  }

  /** Continue: the same file, from its stored handle or picked again. */
  async continue(fingerprint: string): Promise<void> {
    const item = this.#items.find((i) => i.fingerprint === fingerprint);
    if (!item) return;
    this.#notice = undefined;
    // Listed items came from the engine module, so it has loaded.
    const { fingerprintOf } = await loadEngine();
    let file = await this.#handles?.open(fingerprint);
    let handle: KeptHandle | undefined;
    if (file && fingerprintOf(file) !== fingerprint) {
      // The kept file was edited since (another size or date): its parts on S3 are of the
      // old bytes, so it cannot continue; the user discards, or picks the original copy.
      await this.#handles?.delete(fingerprint).catch(() => {});
      this.#notice = { fingerprint, kind: 'changed' };
      this.#host.requestUpdate();
      return;
    }
    if (file) {
      // Reopened: the same handle goes with the file again (forgotten once it is stored).
      const kept = await this.#handles?.get(fingerprint).catch(() => undefined);
      if (kept) keepHandle(file, kept);
    } else {
      const picked = await this.#source.pickFile();
      if (!picked) return;
      file = picked.file;
      handle = picked.handle;
    }
    if (fingerprintOf(file) !== fingerprint) {
      this.#notice = { fingerprint, kind: 'wrong-file', picked: file.name };
      this.#host.requestUpdate();
      return;
    }
    if (handle) await this.#handles?.set(fingerprint, handle).catch(() => {});
    this.#items = this.#items.filter((i) => i !== item);
    this.#source.addFile(file);
    this.#host.requestUpdate();
  }

  /** Discard: aborts the multipart upload on S3 and forgets it (and its handle). */
  async discard(fingerprint: string): Promise<void> {
    const engine = await this.#source.engine();
    if (!engine) return;
    this.#notice = undefined;
    try {
      await engine.discard(fingerprint);
    } catch (error) {
      this.#notice = { fingerprint, kind: 'error', message: (error as Error).message };
      this.#host.requestUpdate();
      return;
    }
    await this.#handles?.delete(fingerprint).catch(() => {});
    this.#items = this.#items.filter((i) => i.fingerprint !== fingerprint);
    this.#host.requestUpdate();
  }

  /** Forgets everything shown (sign-out): the next user sees their own list. */
  clear(): void {
    this.#items = [];
    this.#notice = undefined;
    this.#loaded = false;
    this.#host.requestUpdate();
  }
}

const MIN_MULTIPART = 5 * 1024 * 1024;

function taskFileOf(event: Event): Blob | undefined {
  return (event as CustomEvent<{ task?: { file?: Blob } }>).detail?.task?.file;
}

/** The fingerprints the element's resume store (the engine's default: IndexedDB `s3up`) holds records for. */
async function recordedFingerprints(engine: EngineModule): Promise<Set<string> | undefined> {
  if (typeof indexedDB === 'undefined') return undefined;
  const store = new engine.IndexedDbResumeStore();
  try {
    return new Set((await store.list()).map((record) => record.fingerprint));
  } catch {
    return undefined;
  } finally {
    await store.close();
  }
}
