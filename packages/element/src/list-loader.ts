import {
  adoptStyles,
  type CSSResultOrNative,
  type ReactiveController,
  type ReactiveControllerHost,
} from 'lit';
import { importList } from '#code-chunks';
import { loadEngine, whenIdle } from './engine-loader.js';
import type { UploadList } from './upload-list.js';

/**
 * The element's file list (upload-list.ts): rows, progress, per-file forms, the summary,
 * the interrupted uploads, long lists, and the engine's hand-over. None of it is on screen
 * before a file is picked, so it is not part of the first render (issue 21: render ≤ 15 kB).
 */
export type ListModule = typeof import('./upload-list.js');

let loading: Promise<ListModule> | undefined;

/**
 * Loads the file list's code once per page. A failed load (offline, a deploy that removed
 * the chunk) is forgotten, so the next call tries again.
 */
export function loadListModule(): Promise<ListModule> {
  loading ??= importList().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** What says a person is about to pick or drop files. */
const INTENT_EVENTS = ['pointerenter', 'focusin', 'dragenter'] as const;

/**
 * Calls `load` once, when the page is idle after the element's first render, or as soon as
 * the user points at, focuses or drags onto the element, or picks files, whichever comes
 * first: the file list, the engine and the SDK are then there before the first upload.
 */
class LoadTrigger implements ReactiveController {
  readonly #host: HTMLElement;
  readonly #load: () => void;
  #fired = false;
  #idle: (() => void) | undefined;

  constructor(host: HTMLElement & { addController(controller: ReactiveController): void }, load: () => void) {
    this.#host = host;
    this.#load = load;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.#fired) return;
    for (const type of INTENT_EVENTS)
      this.#host.addEventListener(type, this.fire, { once: true, passive: true });
    this.#idle ??= whenIdle(this.fire);
  }

  hostDisconnected(): void {
    this.#stop();
  }

  /** Loads now (a file was picked or dropped before the trigger fired). */
  readonly fire = (): void => {
    this.#stop();
    if (this.#fired) return;
    this.#fired = true;
    this.#load();
  };

  #stop(): void {
    this.#idle?.();
    this.#idle = undefined;
    for (const type of INTENT_EVENTS) this.#host.removeEventListener(type, this.fire);
  }
}

/** Files added before the file list's code arrived, in the order they came. */
interface QueuedFiles {
  files: readonly File[];
  byUser: boolean;
  pasted: boolean;
}

export interface LazyListOptions {
  /** Makes the element's file list from its module. */
  create(module: ListModule): UploadList;
  /** The element's own styles (the drop zone's), which the list's join. */
  styles(): readonly CSSResultOrNative[];
  /** Files were queued or handed to the list: the form's state changed. */
  changed(): void;
}

/**
 * The element's file list, loaded after the first render: at idle or on intent (LoadTrigger,
 * which also starts the engine and the SDK), or when files are added first. Files added
 * before its code has arrived wait here, in order, and become its rows when it arrives: none
 * is lost, and none shows half-drawn. If the code cannot be fetched they keep waiting, and
 * the next file added, or pointing at the element, tries again.
 */
export class LazyList implements ReactiveController {
  readonly #host: ReactiveControllerHost &
    HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #options: LazyListOptions;
  readonly #trigger: LoadTrigger;
  #list: UploadList | undefined;
  #loading: Promise<UploadList> | undefined;
  #styles: CSSResultOrNative | undefined;
  #queued: QueuedFiles[] = [];
  /** `start()` was called while files waited for the list's code. */
  #startQueued = false;

  constructor(
    host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment },
    options: LazyListOptions,
  ) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    this.#trigger = new LoadTrigger(host, () => {
      void this.whenList().catch(() => {});
      // The engine (and the SDK it starts fetching) beside the list, not after it: the
      // first upload's first byte waits for the slowest of them (issue 21).
      void loadEngine().catch(() => {});
    });
  }

  /** The file list once its code has loaded. */
  get list(): UploadList | undefined {
    return this.#list;
  }

  /** Whether files wait for the list's code (the form then refuses to submit, as during uploads). */
  get waiting(): boolean {
    return this.#queued.length > 0;
  }

  hostConnected(): void {
    // The list loaded before the element was first connected (whenUploaderReady()).
    this.#adoptStyles();
  }

  /** Adds files now, or once the file list's code has arrived. */
  add(files: readonly File[], byUser: boolean, pasted = false): void {
    if (files.length === 0) return;
    if (this.#list) {
      this.#list.controller.add(files, byUser, { pasted });
      return;
    }
    this.#queued.push({ files, byUser, pasted });
    this.#options.changed();
    this.#trigger.fire();
    void this.whenList().catch(() => {});
  }

  /** Starts the queued files, now or when the list arrives (`start()` of the element). */
  start(): void {
    if (this.#list) this.#list.start();
    else if (this.#queued.length > 0) this.#startQueued = true;
  }

  /** Drops the files still waiting for the list's code (`clear()`, `cancelAll()`). */
  forget(): void {
    this.#queued = [];
    this.#startQueued = false;
  }

  /** The file list, loading its code first if needed; queued files are its rows when this resolves. */
  whenList(): Promise<UploadList> {
    if (this.#list) return Promise.resolve(this.#list);
    this.#loading ??= loadListModule().then(
      (module) => {
        const list = this.#options.create(module);
        this.#list = list;
        this.#styles = module.listStyles;
        this.#adoptStyles();
        for (const { files, byUser, pasted } of this.#queued.splice(0))
          list.controller.add(files, byUser, { pasted });
        if (this.#startQueued) list.start();
        this.#startQueued = false;
        list.controller.preload();
        this.#options.changed();
        this.#host.requestUpdate();
        return list;
      },
      (error: unknown) => {
        this.#loading = undefined;
        console.error('<s3-upload> could not load its file list', error);
        throw error;
      },
    );
    return this.#loading;
  }

  /** Waits for the list when files wait for it; says whether it waited (the host then updates again). */
  async arrived(): Promise<boolean> {
    if (this.#queued.length === 0 || !this.#loading) return false;
    await this.#loading.catch(() => {});
    return true;
  }

  /** The list's styles join the drop zone's in the shadow root (adoptedStyleSheets, or a <style>). */
  #adoptStyles(): void {
    const root = this.#host.renderRoot;
    if (!this.#styles || !(root instanceof ShadowRoot)) return;
    adoptStyles(root, [...this.#options.styles(), this.#styles]);
  }
}
