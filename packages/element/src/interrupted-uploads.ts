import {
  type FileHandleLike,
  FileHandleStore,
  fingerprintOf,
  IndexedDbResumeStore,
  type InterruptedUpload,
  type Uploader,
} from '@s3up/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the list needs from its element. */
export interface InterruptedHost extends ReactiveControllerHost {
  /** The engine, when the element is configured (an endpoint is set); undefined otherwise. */
  engine(): Uploader | undefined;
  /** Asks the user for the file (the element's picker); undefined when they cancel. */
  pickFile(): Promise<{ file: File; handle?: FileHandleLike } | undefined>;
  /** Lists the file and hands it to the engine, which continues the upload (same fingerprint). */
  addFile(file: File): void;
}

/** Why a Continue did not continue: the file picked is another one, or listing/discarding failed. */
export type InterruptedNotice =
  | { fingerprint: string; kind: 'wrong-file'; picked: string }
  | { fingerprint: string | undefined; kind: 'error'; message: string };

/**
 * The uploads a reload left behind, for the element to offer: name, size, what is stored,
 * age, with Continue and Discard. Continue reopens the file from its File System Access
 * handle when the browser kept one (Chromium: a permission prompt, no file chooser), else
 * asks the user to pick it, and accepts only the same file (name, size, date and type: the
 * engine's fingerprint). Discard aborts the multipart upload on S3.
 */
export class InterruptedUploads implements ReactiveController {
  readonly #host: InterruptedHost;
  readonly #handles: FileHandleStore | null;
  #items: InterruptedUpload[] = [];
  #notice: InterruptedNotice | undefined;
  #loaded = false;

  constructor(
    host: InterruptedHost,
    handles: FileHandleStore | null = FileHandleStore.supported ? new FileHandleStore() : null,
  ) {
    this.#host = host;
    this.#handles = handles;
    host.addController(this);
  }

  get items(): readonly InterruptedUpload[] {
    return this.#items;
  }

  get notice(): InterruptedNotice | undefined {
    return this.#notice;
  }

  /** The handle store, so files picked or dropped as handles can be remembered. */
  get handles(): FileHandleStore | null {
    return this.#handles;
  }

  hostConnected(): void {
    if (!this.#loaded) void this.refresh();
  }

  /** Reads the resume store again (and asks S3 what each upload holds). */
  async refresh(): Promise<void> {
    this.#loaded = true;
    // The engine (and its credentials request) only when there is something to list: a page
    // with no interrupted upload makes its engine on the first upload, as before.
    if (!(await hasRecords())) return;
    const engine = this.#host.engine();
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
    let file = await this.#handles?.open(fingerprint);
    let handle: FileHandleLike | undefined;
    if (!file) {
      const picked = await this.#host.pickFile();
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
    this.#host.addFile(file);
    this.#host.requestUpdate();
  }

  /** Discard: aborts the multipart upload on S3 and forgets it (and its handle). */
  async discard(fingerprint: string): Promise<void> {
    const engine = this.#host.engine();
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

/** Whether the element's resume store (the engine's default: IndexedDB `s3up`) holds any record. */
async function hasRecords(): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  const store = new IndexedDbResumeStore();
  try {
    return (await store.list()).length > 0;
  } catch {
    return false;
  } finally {
    await store.close();
  }
}
