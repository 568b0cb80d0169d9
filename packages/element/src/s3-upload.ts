import type { KeptHandle, ThumbnailOption, Uploader } from '@s3up/core';
import { overallProgress } from '@s3up/core';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { autoAttribute, readCount, readSize, readSwitch, textAttribute } from './attribute-converters.js';
import { filesFromDataTransfer } from './dropped-files.js';
import { S3UploadEvent } from './events.js';
import { type FileEntry, statusOf } from './file-entry.js';
import { canPickHandles, handleOf, pickWithHandles } from './file-handles.js';
import { fileRow, type RowAction } from './file-row.js';
import { drawIcon } from './icons.js';
import { InterruptedUploads } from './interrupted-uploads.js';
import { formatBytes } from './intl-units.js';
import { type MessageOverrides, Messages } from './messages/catalog.js';
import { en } from './messages/en.js';
import {
  isRightToLeft,
  loadCatalog,
  loadedCatalog,
  matchLocale,
  type SupportedLocale,
} from './messages/locales.js';
import { hintText, summaryText } from './messages/texts.js';
import { PageGuard } from './page-guard.js';
import { percentOf, progressBar } from './progress-bar.js';
import { styles } from './styles.js';
import { UploadController } from './upload-controller.js';

/** The properties that take a number or the text their attribute takes. */
type NumericProperty = 'maxFileSize' | 'maxFiles' | 'concurrency' | 'partSize' | 'maxDimension';

/** The app's hook for the credentials request: add an `Authorization` header, cookies, etc. */
export type CredentialsRequestHook = (init: RequestInit) => RequestInit | Promise<RequestInit>;
/** A thumbnail to upload beside each photo (the engine's option, re-exported for the `thumbnails` property). */
export type { ThumbnailOption };
/** Chooses the object key of a file; it must start with `ctx.prefix` (the user's prefix). */
export type KeyForHook = (file: File, ctx: { prefix: string; id: string }) => string;

/**
 * Rows rendered at first, and added each time the user scrolls to the end or presses
 * "Show more": 200 keeps a first render of a dropped folder with thousands of files short.
 */
const PAGE = 200;

const PROBLEMS = new Set(['failed', 'refused']);

/**
 * The rows in the order they are shown: those that need the user (failed, refused) first,
 * so that a refused file is where the user looks, not at the end of 150 rows; each group
 * keeps the order the files were added in (the value keeps it too).
 */
function problemsFirst(entries: readonly FileEntry[]): readonly FileEntry[] {
  const problems = entries.filter((e) => PROBLEMS.has(statusOf(e)));
  if (problems.length === 0) return entries;
  return [...problems, ...entries.filter((e) => !PROBLEMS.has(statusOf(e)))];
}

/**
 * `<s3-upload>`: drop, paste or browse for files and folders; they go straight to S3 with
 * short-lived credentials from your token endpoint (`@s3up/core` does the uploading; the
 * AWS SDK loads with the first upload). Form-associated: its value is the uploaded keys.
 *
 * @example
 * ```html
 * <script type="module" src="https://cdn.example/@s3up/element/define.js"></script>
 * <form method="post" action="/posts">
 *   <s3-upload name="photos" endpoint="/api/credentials" accept="image/*" max-file-size="20 MB" multiple required></s3-upload>
 *   <button>Post</button>
 * </form>
 * <script type="module">
 *   document.querySelector('s3-upload').credentialsRequest = (init) => ({
 *     ...init, headers: { ...init.headers, authorization: `Bearer ${token}` },
 *   });
 * </script>
 * ```
 *
 * @summary Direct-to-S3 uploader with drop zone, file list, progress and form support.
 *
 * @slot label - The drop zone's text. Default: "Drop files here, paste, or".
 * @slot empty - Shown under the drop zone while the list is empty. Default: nothing visible.
 *
 * @event s3-files-added - The user added files that passed the restrictions. `detail: { files }`
 * @event s3-files-rejected - The user added files the restrictions refused. `detail: { rejected: { file, code, message }[] }`
 * @event s3-upload-started - An upload began. `detail: { task }`
 * @event s3-upload-progress - Bytes were sent. `detail: { task }`
 * @event s3-upload-paused - An upload paused (by the user or because the browser went offline). `detail: { task, reason }`
 * @event s3-upload-resumed - A paused upload continues. `detail: { task }`
 * @event s3-upload-succeeded - A file is stored. `detail: { task, key, receipt? }` (`receipt`: the token server's upload receipt)
 * @event s3-upload-failed - An upload failed after its retries. `detail: { task, error }` (`error.code` from `@s3up/core`)
 * @event s3-upload-cancelled - An upload was cancelled and its multipart upload aborted. `detail: { task }`
 * @event s3-file-removed - The user removed a row. `detail: { file, key }`
 * @event s3-all-done - Every upload reached a final state. `detail: { keys, failed, cancelled }`
 * @event s3-change - The value (uploaded keys) changed through an upload or the user. `detail: { value }`
 *
 * @csspart base - The wrapper of everything.
 * @csspart dropzone - The drop target (also clickable).
 * @csspart label - The drop zone's text.
 * @csspart browse-button - The button that opens the file picker.
 * @csspart hint - The restrictions under the button (types, size, count).
 * @csspart summary - The overall progress: text and bar.
 * @csspart summary-text - "2 of 5 uploaded · 3 MB of 10 MB · …".
 * @csspart summary-problems - "Failed: 1 · Not added: 2": a button back to those rows, which the list shows first.
 * @csspart start-button - "Upload" (only when `auto` is off and files wait).
 * @csspart list - The file list (`<ul>`).
 * @csspart item - One row; also `item-<status>` (queued, uploading, paused, succeeded, failed, cancelled, refused).
 * @csspart thumbnail - Image preview or file icon.
 * @csspart name - The file name (with its folder path).
 * @csspart size - The file size.
 * @csspart progress - A progress track (per file and overall).
 * @csspart progress-indicator - The filled part of a progress track.
 * @csspart status - The row's state in words.
 * @csspart speed - Upload speed.
 * @csspart eta - Time left.
 * @csspart reason - Why a file was refused or failed.
 * @csspart actions - The row's buttons.
 * @csspart button - Every row button; also `pause-button`, `resume-button`, `cancel-button`, `retry-button`, `remove-button`.
 * @csspart clear-button - "Clear 3 finished": takes stored, cancelled and refused rows off the list.
 * @csspart interrupted - The uploads a reload or a closed tab left unfinished, with Continue and Discard.
 * @csspart more-button - "Show 200 more of 2,800": long lists render in pages of 200 rows.
 * @csspart empty - The empty-state container.
 *
 * @cssproperty [--s3-upload-font=inherit] - Font shorthand.
 * @cssproperty [--s3-upload-radius=0.5rem] - Corner radius of the drop zone and rows.
 * @cssproperty [--s3-upload-gap=0.75rem] - Space between the pieces.
 * @cssproperty [--s3-upload-background=light-dark(#ffffff, #1b1d21)] - Row background.
 * @cssproperty [--s3-upload-color=light-dark(#1d2025, #eef0f3)] - Text colour.
 * @cssproperty [--s3-upload-muted-color=light-dark(#555b65, #b4bac4)] - Secondary text (sizes, speed, hints).
 * @cssproperty [--s3-upload-border-color=light-dark(#c4c9d1, #4a505a)] - Borders.
 * @cssproperty [--s3-upload-accent-color=light-dark(#0b5cd5, #7cb0ff)] - Buttons and progress.
 * @cssproperty [--s3-upload-accent-contrast=light-dark(#ffffff, #0d1420)] - Text on the accent colour.
 * @cssproperty [--s3-upload-dropzone-background=light-dark(#f5f7fa, #23262c)] - Drop zone at rest.
 * @cssproperty [--s3-upload-dropzone-active-background=light-dark(#e6effd, #1f3350)] - Drop zone while files are dragged over it.
 * @cssproperty [--s3-upload-danger-color=light-dark(#b3261e, #ffb4ab)] - Errors and refusals.
 * @cssproperty [--s3-upload-success-color=light-dark(#1e6b34, #8fd8a0)] - Finished uploads.
 * @cssproperty [--s3-upload-track-color=light-dark(#e2e6eb, #3a3f47)] - Empty progress track and thumbnail background.
 * @cssproperty [--s3-upload-focus-ring=3px solid light-dark(#0b5cd5, #7cb0ff)] - Keyboard focus outline.
 * @cssproperty [--s3-upload-thumbnail-size=2.5rem] - Thumbnail edge.
 * @cssproperty [--s3-upload-list-max-height=28rem] - Height past which the file list scrolls on its own.
 *
 * @cssstate uploading - At least one upload is running.
 * @cssstate paused - At least one upload is paused and none is running.
 * @cssstate error - At least one file failed or was refused.
 * @cssstate done - The list holds files and all of them are finished and stored.
 * @cssstate dragover - Files are being dragged over the drop zone.
 */
export class S3Upload extends LitElement {
  static override styles = styles;
  static formAssociated = true;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override properties = {
    endpoint: { reflect: true },
    accept: { reflect: true },
    maxFileSize: { attribute: 'max-file-size', converter: textAttribute },
    maxFiles: { attribute: 'max-files', converter: textAttribute },
    multiple: { type: Boolean, reflect: true },
    directory: { type: Boolean, reflect: true },
    auto: { converter: autoAttribute },
    receipts: { converter: autoAttribute },
    unloadGuard: { attribute: 'unload-guard', converter: autoAttribute },
    concurrency: { converter: textAttribute },
    partSize: { attribute: 'part-size', converter: textAttribute },
    maxDimension: { attribute: 'max-dimension', converter: textAttribute },
    imageFormat: { attribute: 'image-format', reflect: true },
    imageQuality: { attribute: 'image-quality', type: Number },
    keepOriginal: { attribute: 'keep-original', type: Boolean, reflect: true },
    keepLocation: { attribute: 'keep-location', type: Boolean, reflect: true },
    thumbnails: {},
    disabled: { type: Boolean, reflect: true },
    name: { reflect: true },
    required: { type: Boolean, reflect: true },
    locale: { reflect: true },
    theme: { reflect: true },
    credentialsRequest: { attribute: false },
    keyFor: { attribute: false },
    messages: { attribute: false },
    _dragover: { state: true },
    _formDisabled: { state: true },
    _shown: { state: true },
  };

  /**
   * The token server's credentials URL (`POST`, answers temporary keys). Default none:
   * without it files are listed as "uploads are not configured" and nothing is sent.
   */
  declare endpoint: string | undefined;
  /**
   * Accepted types, as `<input accept>`: `image/*,.pdf`. Default none (any type). Checked
   * again after picking, dropping and pasting: the picker's filter is only a hint.
   */
  declare accept: string | undefined;
  /**
   * Largest file, in bytes or with a unit (`"20 MB"`, `"5 GiB"`); the property takes the
   * same text or a number. Default none (S3's own limit).
   */
  get maxFileSize(): number | undefined {
    return this.#numbers.maxFileSize;
  }
  set maxFileSize(value: number | string | undefined | null) {
    this.#setNumber('maxFileSize', 'max-file-size', readSize, value);
  }
  /** Most files in the list (refused and cancelled ones do not count); a number or `"50"`. Default none. */
  get maxFiles(): number | undefined {
    return this.#numbers.maxFiles;
  }
  set maxFiles(value: number | string | undefined | null) {
    this.#setNumber('maxFiles', 'max-files', readCount, value);
  }
  /** Allow more than one file. Default false, like `<input type=file>`: a new file then replaces the old one. */
  declare multiple: boolean;
  /** The browse button picks a folder (with its sub-folders) instead of files. Default false. Dropped folders work either way. */
  declare directory: boolean;
  /**
   * Start uploading as soon as files are added. Default true; `auto="false"` shows an Upload
   * button instead. The property takes the attribute's text too (`"false"` is off).
   */
  get auto(): boolean {
    return this.#switches.auto;
  }
  set auto(value: boolean | 'true' | 'false' | null | undefined) {
    this.#switches.auto = readSwitch(value);
  }
  /**
   * Report each stored file to the token server (`POST /uploads`, an upload receipt) when its
   * credentials answer offers it; the receipt is in `s3-upload-succeeded`. Default true;
   * `receipts="false"` turns it off (as does the property set to `false` or `"false"`).
   */
  get receipts(): boolean {
    return this.#switches.receipts;
  }
  set receipts(value: boolean | 'true' | 'false' | null | undefined) {
    this.#switches.receipts = readSwitch(value);
  }
  /**
   * While uploads run, closing or reloading the page asks first (a `beforeunload` guard),
   * and the screen is kept awake where the browser allows (Screen Wake Lock); both are
   * dropped when the work ends. Default on; `unload-guard="false"` turns the guard off (as
   * does the property set to `false` or `"false"`).
   */
  get unloadGuard(): boolean {
    return this.#switches.unloadGuard;
  }
  set unloadGuard(value: boolean | 'true' | 'false' | null | undefined) {
    this.#switches.unloadGuard = readSwitch(value);
  }
  /**
   * The switches that default to on. Kept behind accessors because React 19, Vue and Svelte
   * set the property to a template's text: `auto="false"` must be off, not the truthy "false".
   */
  readonly #switches = { auto: true, receipts: true, unloadGuard: true };
  /** Requests in flight across all files; a number or `"2"`. Default the engine's: 6, the browser's per-origin limit. */
  get concurrency(): number | undefined {
    return this.#numbers.concurrency;
  }
  set concurrency(value: number | string | undefined | null) {
    this.#setNumber('concurrency', 'concurrency', readCount, value);
  }
  /** Multipart part size, bytes or with a unit (min 5 MiB). Default the engine's: 8 MiB. */
  get partSize(): number | undefined {
    return this.#numbers.partSize;
  }
  set partSize(value: number | string | undefined | null) {
    this.#setNumber('partSize', 'part-size', readSize, value);
  }

  /**
   * Photos larger than this many pixels on their longer side are scaled down (in a Worker,
   * EXIF orientation applied) and re-encoded before upload; a number or `"2048"`. Default
   * none: photos keep their size.
   */
  get maxDimension(): number | undefined {
    return this.#numbers.maxDimension;
  }
  set maxDimension(value: number | string | undefined | null) {
    this.#setNumber('maxDimension', 'max-dimension', readCount, value);
  }
  /**
   * Encoding of resized photos, or of every photo when not `same`: `jpeg`, `webp`, `avif`
   * (WebP where the browser has no AVIF encoder, with a note). Default `same`.
   */
  declare imageFormat: 'same' | 'jpeg' | 'webp' | 'avif' | undefined;
  /** 0..1 for re-encoded photos. Default 0.85. */
  declare imageQuality: number | undefined;
  /** Upload photos' own bytes: no resize, no re-encoding (thumbnails are still made). Default false. */
  declare keepOriginal: boolean;
  /**
   * Keep where photos were taken. Default false: the GPS position (EXIF) and XMP location of
   * a JPEG are removed before upload, losslessly (the image is not re-encoded), and the
   * success event says what was removed.
   */
  declare keepLocation: boolean;
  /**
   * Thumbnails to upload beside each photo, under `<prefix>.thumbnails/<width>/<key>.<ext>`
   * (`renditionKey` of `@s3up/contract`): `"320"`, `"320 1280:jpeg"` (width[:format]), or the
   * engine's array `[{ width: 320, format: 'webp' }]`. Default none.
   */
  declare thumbnails: string | readonly ThumbnailOption[] | undefined;

  readonly #numbers: Record<NumericProperty, number | undefined> = {
    maxFileSize: undefined,
    maxFiles: undefined,
    concurrency: undefined,
    partSize: undefined,
    maxDimension: undefined,
  };
  /** The attribute being applied, while Lit copies an attribute's text to its property. */
  #fromAttribute: string | undefined;

  #setNumber(
    name: NumericProperty,
    attribute: string,
    read: (name: string, value: unknown) => number | undefined,
    value: unknown,
  ): void {
    try {
      this.#numbers[name] = read(this.#fromAttribute === attribute ? attribute : name, value);
    } catch (error) {
      // An attribute cannot throw to its author: say what is wrong, keep the previous value.
      if (this.#fromAttribute === attribute) console.error(error);
      else throw error;
    }
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    this.#fromAttribute = name;
    try {
      super.attributeChangedCallback(name, old, value);
    } finally {
      this.#fromAttribute = undefined;
    }
  }
  /** No adding, no buttons. Default false. Also disabled inside a disabled `<fieldset>`. */
  declare disabled: boolean;
  /** The form field name; each uploaded key is one value. Default none (not submitted). */
  declare name: string | undefined;
  /** The form is invalid until at least one upload succeeds. Default false. */
  declare required: boolean;
  /**
   * Language of the texts (`en`, `ar`, `de`, `es`, `fr`, `it`, `ja`, `nl`, `pl`, `pt-BR`, `zh-CN`;
   * regional tags fall back to the language).
   * Default: the nearest `lang` attribute, then the browser's language. Per element: two
   * elements on a page may use two languages.
   */
  declare locale: string | undefined;
  /**
   * Colours: `auto` follows the page's `color-scheme`, or the system's light or dark
   * preference when the page declares none; `light` and `dark` force one. Default `auto`.
   */
  declare theme: 'auto' | 'light' | 'dark';
  /** Adjusts the credentials request, e.g. adds `Authorization`. Default: a plain JSON POST. */
  declare credentialsRequest: CredentialsRequestHook | undefined;
  /** Custom object keys. Default `<prefix><id>/<path of the file>`. */
  declare keyFor: KeyForHook | undefined;
  /**
   * Replacement texts for this element, by message id (`{ browseFiles: 'Add photos' }`),
   * in the element's language; see the README for the ids and their placeholders.
   * Default none: the built-in texts of the element's locale.
   */
  declare messages: MessageOverrides | undefined;

  declare private _dragover: boolean;
  declare private _formDisabled: boolean;
  /** Rows rendered so far; long lists grow by PAGE as the user scrolls or asks for more. */
  declare private _shown: number;

  readonly #internals: ElementInternals;
  readonly #controller = new UploadController(this, {
    messages: () => this.#messages,
    onValueChanged: (byUser) => {
      this.#syncForm();
      if (byUser) this.dispatchEvent(new S3UploadEvent('s3-change', { value: this.value }));
    },
  });
  #dragDepth = 0;
  readonly #guard = new PageGuard(this, {
    busy: () => this.#controller.running,
    guardUnload: () => this.unloadGuard,
  });
  readonly #interrupted = new InterruptedUploads(this as never);
  /** Resolves the pending "pick the file again" of a Continue. */
  #pickWaiter: ((file: File | undefined) => void) | undefined;

  constructor() {
    super();
    this.#internals = this.attachInternals();
    this.multiple = false;
    this.directory = false;
    this.auto = true;
    this.receipts = true;
    this.unloadGuard = true;
    this.keepOriginal = false;
    this.keepLocation = false;
    this.disabled = false;
    this.required = false;
    this.theme = 'auto';
    this._dragover = false;
    this._formDisabled = false;
    this._shown = PAGE;
  }

  /**
   * The upload engine (`Uploader` from `@s3up/core`), for apps that add their own
   * controls; files added to it show in the list. Created on first use.
   *
   * @throws {S3UploadElementError} `engine` when `endpoint` is not set.
   */
  get uploader(): Uploader {
    return this.#controller.uploader;
  }

  /**
   * The uploaded object keys, in list order: what a form with `name` submits, and what
   * `s3-change` reports. Setting it (a framework's controlled value) narrows the list:
   * stored files whose key is not in the new value are taken off (their objects stay in
   * the bucket), and an empty value empties the list as a form reset does (running uploads
   * are cancelled). Keys the element did not upload are ignored: it lists only files it
   * uploaded. Setting it fires no event; setting the value it already has changes nothing.
   */
  get value(): string[] {
    return this.#controller.keys;
  }
  set value(keys: readonly string[] | null | undefined) {
    const wanted = new Set(keys ?? []);
    const current = this.#controller.keys;
    if (current.length === wanted.size && current.every((key) => wanted.has(key))) return;
    if (wanted.size === 0) {
      this.clear();
      return;
    }
    for (const entry of this.#controller.entries) {
      const key = entry.task?.state === 'succeeded' ? entry.task.key : undefined;
      if (key !== undefined && !wanted.has(key)) this.#controller.remove(entry.id, false);
    }
    this.#syncForm();
  }

  /** The form this element belongs to, if any. */
  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  /** The form validity: `valueMissing` while `required` and nothing is uploaded, `customError` while uploads run. */
  get validity(): ValidityState {
    return this.#internals.validity;
  }

  /** Why the element is invalid, in its language. */
  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.#internals.reportValidity();
  }

  /** Adds files as if the user had chosen them (restrictions apply; no `s3-files-added` event). */
  addFiles(files: Iterable<File>): void {
    this.#controller.add([...files], false);
  }

  /**
   * Stops every upload for good (sign-out): cancels the unfinished ones and aborts their
   * multipart uploads on S3. Resolves when S3 has been told; no request of them follows.
   */
  cancelAll(): Promise<void> {
    return this.#controller.cancelAll();
  }

  /**
   * Shuts the element down (sign-out, leaving a view): cancels every upload as
   * `cancelAll()` does, empties the list, and drops the unload guard and the wake lock.
   */
  async destroy(): Promise<void> {
    await this.#controller.cancelAll();
    this.clear();
    this.#interrupted.clear();
    this.#guard.release();
  }

  /** Takes finished rows (stored, cancelled, refused) off the list; stored files stay in the value. */
  clearFinished(): void {
    this.#controller.clearFinished();
  }

  // The interrupted-uploads list's view of the element (see interrupted-uploads.ts).
  /** @internal */
  engine(): Uploader | undefined {
    if (!this.endpoint) return undefined;
    try {
      return this.#controller.uploader;
    } catch {
      return undefined;
    }
  }

  /** @internal Asks the user for the file of an interrupted upload (as a handle where the browser can). */
  async pickFile(): Promise<{ file: File; handle?: KeptHandle | undefined } | undefined> {
    if (canPickHandles()) {
      try {
        const [file] = await pickWithHandles({ multiple: false, accept: undefined });
        return file ? { file, handle: handleOf(file) } : undefined;
      } catch {
        // The picker is not allowed here (a cross-origin frame): the <input> still is.
      }
    }
    return this.#pickInput();
  }

  #pickInput(): Promise<{ file: File } | undefined> {
    this.#pickWaiter?.(undefined);
    const input = this.renderRoot.querySelector<HTMLInputElement>('input.continue-input');
    return new Promise((resolve) => {
      this.#pickWaiter = (file) => {
        this.#pickWaiter = undefined;
        resolve(file ? { file } : undefined);
      };
      input?.click();
    });
  }

  /** @internal Lists the file picked to continue; the engine finds its upload by fingerprint. */
  addFile(file: File): void {
    this.#controller.add([file], true);
  }

  /** Starts every queued file (with `auto="false"`). */
  start(): void {
    this.#controller.start();
  }

  /** Empties the list and cancels running uploads. Fires no events. */
  clear(): void {
    this.#controller.clear();
    this.#syncForm();
  }

  /**
   * Opens the file (or folder) picker. Where the browser has the File System Access API
   * (Chromium on desktop) files are picked with `showOpenFilePicker`, whose handles let an
   * upload a reload interrupted continue without picking the file again.
   */
  browse(): void {
    if (this.#isDisabled) return;
    const input = this.renderRoot.querySelector('input');
    if (this.directory || !canPickHandles()) {
      input?.click();
      return;
    }
    pickWithHandles({ multiple: this.multiple, accept: this.accept }).then(
      (files) => this.#controller.add(files, true),
      // Not allowed here (a cross-origin frame), or an accept the picker cannot express.
      () => input?.click(),
    );
  }

  /** The file list's rows (read-only snapshot). */
  get files(): readonly FileEntry[] {
    return this.#controller.entries;
  }

  // --- form association -----------------------------------------------------------------

  formResetCallback(): void {
    this.clear();
  }

  formDisabledCallback(disabled: boolean): void {
    this._formDisabled = disabled;
  }

  get #isDisabled(): boolean {
    return this.disabled || this._formDisabled;
  }

  #syncForm(): void {
    const keys = this.value;
    if (this.name && keys.length > 0) {
      const data = new FormData();
      for (const key of keys) data.append(this.name, key);
      this.#internals.setFormValue(data, keys.join('\n'));
    } else {
      this.#internals.setFormValue(null);
    }
    const anchor = this.renderRoot?.querySelector<HTMLElement>('.browse') ?? undefined;
    if (this.required && keys.length === 0 && !this.#controller.pending) {
      this.#internals.setValidity({ valueMissing: true }, this.#messages.text('requiredMessage'), anchor);
    } else if (this.#controller.pending) {
      // A form sent mid-upload would carry only the files that happen to be done.
      this.#internals.setValidity({ customError: true }, this.#messages.text('waitMessage'), anchor);
    } else {
      this.#internals.setValidity({});
    }
  }

  // --- lifecycle ------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('paste', this.#onPaste);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#moreObserver?.disconnect();
    this.removeEventListener('paste', this.#onPaste);
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    // Resolved once per render: rows of a long list would otherwise walk up the DOM each.
    this.#renderMessages = undefined;
    this.#renderMessages = this.#messages;
  }

  protected override updated(): void {
    this.#renderMessages = undefined;
    // Cheap, and the list changes without property changes (the controller's renders).
    this.#syncForm();
    this.#syncStates();
    this.#keepFocus();
    this.#observeMore();
  }

  #renderMessages: Messages | undefined;
  #cachedMessages: Messages | undefined;
  #cachedFor: [SupportedLocale, MessageOverrides | undefined] | undefined;

  /** The language asked for: `locale`, else the nearest `lang`, else the browser's. */
  get #locale(): SupportedLocale {
    const lang = this.closest('[lang]')?.getAttribute('lang');
    return matchLocale([this.locale, lang, ...(navigator.languages ?? [navigator.language])]);
  }

  /**
   * This element's texts: each element has its own language, so two elements on a page
   * may differ. A translation not loaded yet is fetched (once per page) and the element
   * renders again; until then it speaks English.
   */
  get #messages(): Messages {
    if (this.#renderMessages) return this.#renderMessages;
    const wanted = this.#locale;
    const catalog = loadedCatalog(wanted);
    if (!catalog) {
      loadCatalog(wanted).then(
        () => this.requestUpdate(),
        (error: unknown) => console.error(`<s3-upload> could not load the ${wanted} texts`, error),
      );
    }
    const locale = catalog ? wanted : 'en';
    const cached = this.#cachedMessages;
    if (cached && this.#cachedFor?.[0] === locale && this.#cachedFor[1] === this.messages) return cached;
    this.#cachedMessages = new Messages(locale, catalog ?? en, this.messages);
    this.#cachedFor = [locale, this.messages];
    return this.#cachedMessages;
  }

  #syncStates(): void {
    const states = this.#internals.states;
    const entries = this.#controller.entries;
    const statuses = new Set(entries.map(statusOf));
    const set = (name: string, on: boolean) => (on ? states.add(name) : states.delete(name));
    set('uploading', statuses.has('uploading') || statuses.has('queued'));
    set('paused', statuses.has('paused') && !statuses.has('uploading'));
    set('error', statuses.has('failed') || statuses.has('refused'));
    set('done', entries.length > 0 && [...statuses].every((s) => s === 'succeeded'));
    set('dragover', this._dragover);
    set('system-scheme', this.theme !== 'light' && this.theme !== 'dark' && this.#pageScheme() === 'normal');
  }

  /** The color-scheme the page gives this element (`normal` when it declares none). */
  #pageScheme(): string {
    const parent = this.parentElement ?? (this.getRootNode() as ShadowRoot).host ?? document.documentElement;
    return parent ? getComputedStyle(parent).colorScheme : 'normal';
  }

  // Buttons change with the state (pause → resume); when the focused one disappears,
  // keep keyboard users in the same row instead of dropping focus to <body>.
  #focusedRow: string | undefined;
  #keepFocus(): void {
    const active = this.shadowRoot?.activeElement as HTMLElement | null | undefined;
    if (active && !active.hidden) {
      this.#focusedRow = active.closest<HTMLElement>('[data-id]')?.dataset.id;
      return;
    }
    // Focus was in a row and its button just got hidden: move to the row's visible button.
    if (!this.#focusedRow || (active === null && document.activeElement !== document.body)) return;
    const row = this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(this.#focusedRow)}"]`);
    row?.querySelector<HTMLElement>('button:not([hidden])')?.focus();
  }

  // --- user input -----------------------------------------------------------------------

  #onPaste = (event: ClipboardEvent): void => {
    if (this.#isDisabled || !event.clipboardData) return;
    const hasFiles = [...event.clipboardData.items].some((item) => item.kind === 'file');
    if (!hasFiles) return;
    event.preventDefault();
    void filesFromDataTransfer(event.clipboardData).then((files) => this.#controller.add(files, true));
  };

  #onDragEnter = (event: DragEvent): void => {
    if (this.#isDisabled || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.#dragDepth += 1;
    this._dragover = true;
  };

  #onDragOver = (event: DragEvent): void => {
    if (this.#isDisabled || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };

  #onDragLeave = (): void => {
    this.#dragDepth = Math.max(0, this.#dragDepth - 1);
    if (this.#dragDepth === 0) this._dragover = false;
  };

  #onDrop = (event: DragEvent): void => {
    this.#dragDepth = 0;
    this._dragover = false;
    if (this.#isDisabled) return;
    event.preventDefault();
    void filesFromDataTransfer(event.dataTransfer).then((files) => this.#controller.add(files, true));
  };

  #onZoneClick = (event: MouseEvent): void => {
    // Clicks on the slotted label's links must keep working.
    if ((event.target as HTMLElement).closest?.('a')) return;
    this.browse();
  };

  #onInputChange = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // Clear it, so choosing the same file again still fires `change`.
    input.value = '';
    this.#controller.add(files, true);
  };

  #onAction = (entry: FileEntry, action: RowAction): void => {
    switch (action) {
      case 'pause':
        this.#controller.pause(entry.id);
        break;
      case 'pause-now':
        this.#controller.pause(entry.id, true);
        break;
      case 'resume':
        this.#controller.resume(entry.id);
        break;
      case 'cancel':
        this.#controller.cancel(entry.id);
        break;
      case 'retry':
        this.#controller.retry(entry.id);
        break;
      case 'remove':
        this.#removeWithFocus(entry);
        break;
    }
  };

  #removeWithFocus(entry: FileEntry): void {
    // The row goes away: give focus to the next row (or the previous, or the browse button).
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('[data-id]')];
    const index = rows.findIndex((r) => r.dataset.id === entry.id);
    const next = rows[index + 1] ?? rows[index - 1];
    this.#controller.remove(entry.id, true);
    this.#focusedRow = next?.dataset.id;
    const target =
      next?.querySelector<HTMLElement>('button:not([hidden])') ??
      this.renderRoot.querySelector<HTMLElement>('.browse');
    target?.focus();
  }

  // --- rendering ------------------------------------------------------------------------

  override render() {
    const m = this.#messages;
    const disabled = this.#isDisabled;
    const all = this.#controller.entries;
    const entries = problemsFirst(this.#controller.visibleEntries);
    const queued = entries.some((e) => statusOf(e) === 'queued');
    const finished = entries.filter((e) =>
      ['succeeded', 'cancelled', 'refused'].includes(statusOf(e)),
    ).length;
    const row = {
      messages: m,
      limits: this,
      disabled,
      auto: this.auto,
      onAction: this.#onAction,
      onThumbnailDone: this.#releaseThumbnail,
    };
    return html`
      <div part="base" class="base" dir=${isRightToLeft(m.locale) ? 'rtl' : 'ltr'}>
        <div
          part="dropzone"
          class="dropzone ${this._dragover ? 'dragover' : ''} ${disabled ? 'disabled' : ''}"
          @dragenter=${this.#onDragEnter}
          @dragover=${this.#onDragOver}
          @dragleave=${this.#onDragLeave}
          @drop=${this.#onDrop}
          @click=${this.#onZoneClick}
        >
          <span part="label" id="label"><slot name="label">${m.text('dropHere')}</slot></span>
          <button
            part="browse-button"
            class="browse"
            type="button"
            ?disabled=${disabled}
            aria-describedby="hint"
          >
            ${m.text(this.directory ? 'chooseFolder' : this.multiple ? 'browseFiles' : 'browseFile')}
          </button>
          <span part="hint" class="hint" id="hint">${hintText(m, this)}</span>
          <input
            type="file"
            hidden
            tabindex="-1"
            aria-hidden="true"
            .accept=${this.accept ?? ''}
            ?multiple=${this.multiple || this.directory}
            ?webkitdirectory=${this.directory}
            ?disabled=${disabled}
            @change=${this.#onInputChange}
            @click=${(event: Event) => event.stopPropagation()}
          />
        </div>
        ${this.#renderInterrupted(m)}
        ${all.length > 0 ? this.#renderSummary(m, all) : nothing}
        ${
          finished > 0
            ? html`<button part="clear-button" class="clear" type="button" @click=${() => this.clearFinished()}>
              ${m.text('clearFinished', { count: finished })}
            </button>`
            : nothing
        }
        ${
          !this.auto && queued
            ? html`<button part="start-button" class="start" type="button" ?disabled=${disabled} @click=${() => this.start()}>
              ${m.text('upload')}
            </button>`
            : nothing
        }
        ${
          entries.length > 0
            ? html`<div class="scroller"><ul part="list" class="list" aria-label=${m.text('files')}>
              ${repeat(
                entries.length > this._shown ? entries.slice(0, this._shown) : entries,
                (entry) => entry.id,
                (entry) =>
                  guard([entry.version, statusOf(entry), disabled, this.auto, m], () => fileRow(entry, row)),
              )}
            </ul>
            ${entries.length > this._shown ? this.#renderMore(m, entries.length - this._shown) : nothing}</div>`
            : html`<div part="empty" class="empty"><slot name="empty"></slot></div>`
        }
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#controller.announcement}</div>
      </div>
    `;
  }

  #renderInterrupted(m: Messages) {
    const items = this.#interrupted.items;
    const notice = this.#interrupted.notice;
    if (items.length === 0) return nothing;
    const age = new Intl.RelativeTimeFormat(m.locale, { numeric: 'auto' });
    const ago = (created: number) => {
      const minutes = Math.round((created - Date.now()) / 60_000);
      if (Math.abs(minutes) < 60) return age.format(minutes, 'minute');
      const hours = Math.round(minutes / 60);
      return Math.abs(hours) < 48 ? age.format(hours, 'hour') : age.format(Math.round(hours / 24), 'day');
    };
    return html`<section part="interrupted" class="interrupted" aria-labelledby="interrupted-title">
      <h3 id="interrupted-title" class="interrupted-title">${m.text('interruptedTitle')}</h3>
      <input
        type="file"
        class="continue-input"
        hidden
        tabindex="-1"
        aria-hidden="true"
        @change=${(event: Event) => {
          const input = event.target as HTMLInputElement;
          const file = input.files?.[0];
          input.value = '';
          this.#pickWaiter?.(file);
        }}
        @cancel=${() => this.#pickWaiter?.(undefined)}
      />
      <ul class="list">
        ${items.map((item) => {
          const mine = notice?.fingerprint === item.fingerprint ? notice : undefined;
          const reason =
            mine?.kind === 'wrong-file'
              ? m.text('wrongFile', { picked: mine.picked, name: item.name })
              : mine?.kind === 'changed'
                ? m.text('fileChanged', { name: item.name })
                : mine?.kind === 'error'
                  ? mine.message
                  : undefined;
          return html`<li part="interrupted-item" class="item interrupted-item" data-fingerprint=${item.fingerprint}>
            <span part="thumbnail" class="thumbnail">${drawIcon('file')}</span>
            <div class="info">
              <span part="name" class="name" title=${item.name}>${item.name}</span>
              <div class="line">
                <span part="status" class="status">${m.text('interruptedLine', {
                  stored: item.stored === undefined ? '?' : formatBytes(item.stored, m.locale),
                  total: item.size === undefined ? '?' : formatBytes(item.size, m.locale),
                  age: ago(item.created),
                })}</span>
                ${reason ? html`<span part="reason" class="reason" role="alert">${reason}</span>` : nothing}
              </div>
            </div>
            <div part="actions" class="actions">
              <button part="button continue-button" class="text-button" type="button"
                aria-label=${m.text('continueFile', { name: item.name })}
                @click=${() => this.#interrupted.continue(item.fingerprint)}>
                ${m.text('continueButton')}
              </button>
              <button part="button discard-button" class="text-button" type="button"
                aria-label=${m.text('discardFile', { name: item.name })}
                @click=${() => this.#interrupted.discard(item.fingerprint)}>
                ${m.text('discardButton')}
              </button>
            </div>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  #renderMore(m: Messages, hidden: number) {
    return html`<button part="more-button" class="more" type="button" @click=${this.#showMore}>
      ${m.text('showMore', { shown: Math.min(hidden, PAGE), count: hidden })}
    </button>`;
  }

  #showMore = (): void => {
    this._shown += PAGE;
  };

  // Scrolling the "Show more" button into view shows more, so mouse and touch users never
  // need it; keyboard and screen-reader users press it.
  #moreObserver: IntersectionObserver | undefined;
  #observeMore(): void {
    const more = this.renderRoot.querySelector('.more');
    this.#moreObserver?.disconnect();
    if (!more) return;
    this.#moreObserver ??= new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting)) this.#showMore();
    });
    this.#moreObserver.observe(more);
  }

  #renderSummary(m: Messages, entries: readonly FileEntry[]) {
    const tasks = entries.flatMap((entry) =>
      entry.task && entry.task.state !== 'cancelled' ? [entry.task] : [],
    );
    const done = tasks.filter((task) => task.state === 'succeeded').length;
    const progress = overallProgress(tasks);
    const percent = percentOf(
      progress.bytesUploaded,
      progress.totalBytes,
      tasks.length > 0 && done === tasks.length,
    );
    const text = summaryText(m, { done, counted: tasks.length }, progress);
    const failed = entries.filter((e) => statusOf(e) === 'failed').length;
    const refused = entries.filter((e) => statusOf(e) === 'refused').length;
    const problems = [
      failed > 0 ? m.text('summaryFailed', { count: failed }) : '',
      refused > 0 ? m.text('summaryRefused', { count: refused }) : '',
    ].filter(Boolean);
    return html`<div part="summary" class="summary">
      <span part="summary-text" class="summary-text">${text}</span>
      ${progressBar({ label: m.text('totalProgress'), percent, valueText: text })}
      ${
        problems.length > 0
          ? html`<button part="summary-problems" class="problems" type="button" @click=${this.#showProblems}>
            ${problems.join(' · ')}
          </button>`
          : nothing
      }
    </div>`;
  }

  /** The summary's "Failed: 2 · Not added: 1": back to the top of the list, where those rows are. */
  #showProblems = (): void => {
    const scroller = this.renderRoot.querySelector<HTMLElement>('.scroller');
    scroller?.scrollTo({ top: 0 });
    const first = this.renderRoot.querySelector<HTMLElement>(
      '[data-status="failed"], [data-status="refused"]',
    );
    first?.querySelector<HTMLElement>('button:not([hidden])')?.focus({ preventScroll: true });
  };

  #releaseThumbnail = (entry: FileEntry): void => {
    // The decoded image stays on screen (the <img> keeps its src string and its bitmap);
    // the object URL, which pins the File's data in the blob registry, can go.
    if (entry.thumbnail) URL.revokeObjectURL(entry.thumbnail);
  };
}
