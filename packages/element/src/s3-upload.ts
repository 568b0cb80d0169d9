import { msg, str, updateWhenLocaleChanges } from '@lit/localize';
import type { Uploader, UploadTask } from '@s3up/core';
import { html, LitElement, nothing, type PropertyValues, svg } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Announcement } from './announcer.js';
import { parseByteSize } from './byte-size.js';
import { filesFromDataTransfer } from './dropped-files.js';
import { S3UploadEvent } from './events.js';
import { type FileEntry, statusOf } from './file-entry.js';
import { formatBytes, formatCount, formatDuration, formatSpeed } from './intl-units.js';
import { getLocale, matchLocale, type SupportedLocale, useLocale } from './localization.js';
import type { Refusal } from './restrictions.js';
import { styles } from './styles.js';
import { UploadController } from './upload-controller.js';

/** The app's hook for the credentials request: add an `Authorization` header, cookies, etc. */
export type CredentialsRequestHook = (init: RequestInit) => RequestInit | Promise<RequestInit>;
/** Chooses the object key of a file; it must start with `ctx.prefix` (the user's prefix). */
export type KeyForHook = (file: File, ctx: { prefix: string; id: string }) => string;

function sizeAttribute(attribute: string) {
  return {
    fromAttribute(value: string | null): number | undefined {
      if (value === null || value.trim() === '') return undefined;
      try {
        return parseByteSize(value, attribute);
      } catch (error) {
        // An attribute cannot throw to its author: say what is wrong and ignore the value.
        console.error(error);
        return undefined;
      }
    },
    toAttribute: (value: number | undefined) => (value === undefined ? null : String(value)),
  };
}

function countAttribute(attribute: string) {
  return {
    fromAttribute(value: string | null): number | undefined {
      if (value === null || value.trim() === '') return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) {
        console.error(`<s3-upload> ${attribute}="${value}" must be a whole number of 1 or more; ignored.`);
        return undefined;
      }
      return n;
    },
  };
}

const icon = {
  upload: svg`<path d="M12 16V4m0 0-5 5m5-5 5 5M4 20h16" />`,
  pause: svg`<path d="M8 5v14M16 5v14" />`,
  resume: svg`<path d="M7 4.5v15l12-7.5z" />`,
  cancel: svg`<path d="M6 6l12 12M18 6 6 18" />`,
  retry: svg`<path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v5h5" />`,
  remove: svg`<path d="M5 7h14M10 7V4h4v3m-7 0 1 13h8l1-13" />`,
  file: svg`<path d="M6 3h8l4 4v14H6zM14 3v4h4" />`,
};

function drawIcon(path: ReturnType<typeof svg>) {
  return html`<svg
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >${path}</svg>`;
}

/**
 * Rows rendered at first, and added each time the user scrolls to the end or presses
 * "Show more": 200 keeps a first render of a dropped folder with thousands of files short.
 */
const PAGE = 200;

interface Action {
  kind: 'pause' | 'resume' | 'cancel' | 'retry' | 'remove';
  label: string;
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
    maxFileSize: { attribute: 'max-file-size', converter: sizeAttribute('max-file-size') },
    maxFiles: { attribute: 'max-files', converter: countAttribute('max-files') },
    multiple: { type: Boolean, reflect: true },
    directory: { type: Boolean, reflect: true },
    auto: { converter: { fromAttribute: (value: string | null) => value !== 'false' } },
    receipts: { converter: { fromAttribute: (value: string | null) => value !== 'false' } },
    concurrency: { converter: countAttribute('concurrency') },
    partSize: { attribute: 'part-size', converter: sizeAttribute('part-size') },
    disabled: { type: Boolean, reflect: true },
    name: { reflect: true },
    required: { type: Boolean, reflect: true },
    locale: { reflect: true },
    credentialsRequest: { attribute: false },
    keyFor: { attribute: false },
    _dragover: { state: true },
    _formDisabled: { state: true },
    _announcement: { state: true },
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
  /** Largest file, in bytes or with a unit (`"20 MB"`, `"5 GiB"`). Default none (S3's own 5 TiB limit). */
  declare maxFileSize: number | undefined;
  /** Most files in the list (refused and cancelled ones do not count). Default none. */
  declare maxFiles: number | undefined;
  /** Allow more than one file. Default false, like `<input type=file>`: a new file then replaces the old one. */
  declare multiple: boolean;
  /** The browse button picks a folder (with its sub-folders) instead of files. Default false. Dropped folders work either way. */
  declare directory: boolean;
  /** Start uploading as soon as files are added. Default true; `auto="false"` shows an Upload button instead. */
  declare auto: boolean;
  /**
   * Report each stored file to the token server (`POST /uploads`, an upload receipt) when its
   * credentials answer offers it; the receipt is in `s3-upload-succeeded`. Default true;
   * `receipts="false"` turns it off.
   */
  declare receipts: boolean;
  /** Requests in flight across all files. Default the engine's: 6, the browser's per-origin limit. */
  declare concurrency: number | undefined;
  /** Multipart part size, bytes or with a unit (min 5 MiB). Default the engine's: 8 MiB. */
  declare partSize: number | undefined;
  /** No adding, no buttons. Default false. Also disabled inside a disabled `<fieldset>`. */
  declare disabled: boolean;
  /** The form field name; each uploaded key is one value. Default none (not submitted). */
  declare name: string | undefined;
  /** The form is invalid until at least one upload succeeds. Default false. */
  declare required: boolean;
  /**
   * Language of the texts (`en`, `fr`, `de`; regional tags fall back to the language).
   * Default: the nearest `lang` attribute, then the browser's language. One language per
   * page, as Lit Localize keeps a single active locale.
   */
  declare locale: string | undefined;
  /** Adjusts the credentials request, e.g. adds `Authorization`. Default: a plain JSON POST. */
  declare credentialsRequest: CredentialsRequestHook | undefined;
  /** Custom object keys. Default `<prefix><id>/<path of the file>`. */
  declare keyFor: KeyForHook | undefined;

  declare private _dragover: boolean;
  declare private _formDisabled: boolean;
  declare private _announcement: string;
  /** Rows rendered so far; long lists grow by PAGE as the user scrolls or asks for more. */
  declare private _shown: number;

  readonly #internals: ElementInternals;
  readonly #controller = new UploadController(this);
  #dragDepth = 0;

  constructor() {
    super();
    this.#internals = this.attachInternals();
    this.multiple = false;
    this.directory = false;
    this.auto = true;
    this.receipts = true;
    this.disabled = false;
    this.required = false;
    this._dragover = false;
    this._formDisabled = false;
    this._announcement = '';
    this._shown = PAGE;
    updateWhenLocaleChanges(this);
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

  /** The uploaded object keys, in list order. */
  get value(): string[] {
    return this.#controller.keys;
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

  /** Starts every queued file (with `auto="false"`). */
  start(): void {
    this.#controller.start();
  }

  /** Empties the list and cancels running uploads. Fires no events. */
  clear(): void {
    this.#controller.clear();
    this.#syncForm();
  }

  /** Opens the file (or folder) picker. */
  browse(): void {
    if (this.#isDisabled) return;
    this.renderRoot.querySelector('input')?.click();
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

  /**
   * Called by the controller whenever the set of uploaded keys changed.
   * @internal
   */
  valueChanged(byUser: boolean): void {
    this.#syncForm();
    if (byUser) this.dispatchEvent(new S3UploadEvent('s3-change', { value: this.value }));
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
      this.#internals.setValidity({ valueMissing: true }, msg('Upload at least one file.'), anchor);
    } else if (this.#controller.pending) {
      // A form sent mid-upload would carry only the files that happen to be done.
      this.#internals.setValidity({ customError: true }, msg('Wait for the uploads to finish.'), anchor);
    } else {
      this.#internals.setValidity({});
    }
  }

  // --- the controller's questions -------------------------------------------------------

  /** @internal */
  announce(batch: readonly Announcement[]): void {
    const locale = this.#locale;
    const count = (kind: Announcement['kind']) => batch.filter((a) => a.kind === kind);
    const parts: string[] = [];
    const added = count('added');
    if (added.length === 1) parts.push(msg(str`${added[0]!.name} added.`));
    else if (added.length > 1) parts.push(msg(str`${formatCount(added.length, locale)} files added.`));
    const refused = count('refused');
    if (refused.length === 1) parts.push(msg(str`${refused[0]!.name} refused: ${refused[0]!.reason}`));
    else if (refused.length > 1) parts.push(msg(str`${formatCount(refused.length, locale)} files refused.`));
    const finished = count('finished');
    if (finished.length === 1) parts.push(msg(str`${finished[0]!.name} uploaded.`));
    else if (finished.length > 1)
      parts.push(msg(str`${formatCount(finished.length, locale)} files uploaded.`));
    const failed = count('failed');
    if (failed.length === 1) parts.push(msg(str`${failed[0]!.name} failed: ${failed[0]!.reason}`));
    else if (failed.length > 1) parts.push(msg(str`${formatCount(failed.length, locale)} files failed.`));
    if (count('all-done').length > 0) parts.push(msg('All uploads finished.'));
    this._announcement = parts.join(' ');
  }

  /** @internal */
  describeRefusal(refusal: Refusal): string {
    const locale = this.#locale;
    switch (refusal.code) {
      case 'type':
        return msg(str`This file type is not accepted (allowed: ${this.accept ?? ''}).`);
      case 'too-large':
        return msg(str`Larger than the ${formatBytes(this.maxFileSize ?? 0, locale)} limit.`);
      case 'too-many':
        return this.multiple
          ? msg(str`No more than ${formatCount(this.maxFiles ?? 0, locale)} files.`)
          : msg('Only one file can be added.');
      case 'duplicate':
        return msg('Already in the list.');
      case 'not-configured':
        return msg('Uploads are not configured on this page.');
    }
  }

  /** @internal */
  describeError(task: UploadTask): string {
    switch (task.error?.code) {
      case 'credentials':
        return msg('Not allowed to upload: sign in again.');
      case 'network':
        return msg('Network problem: check your connection and retry.');
      case 'access-denied':
        return msg('Storage refused the file (access denied).');
      case 'too-large':
        return msg('Too large for storage.');
      case 'no-such-upload':
        return msg('The upload was stopped.');
      case 'integrity':
        return msg('The stored file did not match: retry.');
      case 'cors-etag':
      case 'invalid-key':
      case 'invalid-options':
        return msg('Uploads are misconfigured on this site.');
      default:
        return msg('The upload failed: retry.');
    }
  }

  // --- lifecycle ------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('paste', this.#onPaste);
    void useLocale(this.#locale);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#moreObserver?.disconnect();
    this.removeEventListener('paste', this.#onPaste);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) void useLocale(this.#locale);
  }

  protected override updated(): void {
    this.#renderLocale = undefined;
    // Cheap, and the list changes without property changes (the controller's renders).
    this.#syncForm();
    this.#syncStates();
    this.#keepFocus();
    this.#observeMore();
  }

  // Resolved once per render: rows of a long list would otherwise walk up the DOM each.
  #renderLocale: SupportedLocale | undefined;
  get #locale(): SupportedLocale {
    if (this.#renderLocale) return this.#renderLocale;
    const lang = this.closest('[lang]')?.getAttribute('lang');
    return matchLocale([this.locale, lang, ...(navigator.languages ?? [navigator.language])]);
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

  #onAction(entry: FileEntry, action: Action['kind']): void {
    switch (action) {
      case 'pause':
        this.#controller.pause(entry.id);
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
  }

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
    this.#renderLocale = undefined;
    this.#renderLocale = this.#locale;
    const disabled = this.#isDisabled;
    const entries = this.#controller.entries;
    const queued = entries.some((e) => statusOf(e) === 'queued');
    return html`
      <div part="base" class="base">
        <div
          part="dropzone"
          class="dropzone ${this._dragover ? 'dragover' : ''} ${disabled ? 'disabled' : ''}"
          @dragenter=${this.#onDragEnter}
          @dragover=${this.#onDragOver}
          @dragleave=${this.#onDragLeave}
          @drop=${this.#onDrop}
          @click=${this.#onZoneClick}
        >
          <span part="label" id="label"><slot name="label">${msg('Drop files here, paste, or')}</slot></span>
          <button
            part="browse-button"
            class="browse"
            type="button"
            ?disabled=${disabled}
            aria-describedby="hint"
          >
            ${this.directory ? msg('Choose a folder') : this.multiple ? msg('Browse files') : msg('Browse for a file')}
          </button>
          <span part="hint" class="hint" id="hint">${this.#hint()}</span>
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
        ${entries.length > 0 ? this.#renderSummary(entries) : nothing}
        ${
          !this.auto && queued
            ? html`<button part="start-button" class="start" type="button" ?disabled=${disabled} @click=${() => this.start()}>
              ${msg('Upload')}
            </button>`
            : nothing
        }
        ${
          entries.length > 0
            ? html`<ul part="list" class="list" aria-label=${msg('Files')}>
              ${repeat(
                entries.length > this._shown ? entries.slice(0, this._shown) : entries,
                (entry) => entry.id,
                (entry) =>
                  guard([entry.version, statusOf(entry), disabled, this.auto, getLocale()], () =>
                    this.#renderItem(entry, disabled),
                  ),
              )}
            </ul>
            ${entries.length > this._shown ? this.#renderMore(entries.length - this._shown) : nothing}`
            : html`<div part="empty" class="empty"><slot name="empty"></slot></div>`
        }
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this._announcement}</div>
      </div>
    `;
  }

  #renderMore(hidden: number) {
    return html`<button part="more-button" class="more" type="button" @click=${this.#showMore}>
      ${msg(str`Show ${formatCount(Math.min(hidden, PAGE), this.#locale)} more of ${formatCount(hidden, this.#locale)}`)}
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

  #hint() {
    const locale = this.#locale;
    const parts: string[] = [];
    if (this.accept) parts.push(msg(str`Accepted: ${this.accept}`));
    if (this.maxFileSize !== undefined)
      parts.push(msg(str`Up to ${formatBytes(this.maxFileSize, locale)} each`));
    if (this.multiple && this.maxFiles !== undefined) {
      parts.push(msg(str`At most ${formatCount(this.maxFiles, locale)} files`));
    }
    return parts.join(' · ');
  }

  #renderSummary(entries: readonly FileEntry[]) {
    const locale = this.#locale;
    let total = 0;
    let sent = 0;
    let speed = 0;
    let done = 0;
    let counted = 0;
    for (const entry of entries) {
      const task = entry.task;
      if (!task || task.state === 'cancelled') continue;
      counted += 1;
      total += task.size;
      sent += task.bytesUploaded;
      if (task.state === 'uploading') speed += task.speed;
      if (task.state === 'succeeded') done += 1;
    }
    const percent = total > 0 ? Math.floor((sent / total) * 100) : counted > 0 && done === counted ? 100 : 0;
    const parts = [
      msg(str`${formatCount(done, locale)} of ${formatCount(counted, locale)} uploaded`),
      msg(str`${formatBytes(sent, locale)} of ${formatBytes(total, locale)}`),
    ];
    if (speed > 0) {
      parts.push(formatSpeed(speed, locale));
      parts.push(msg(str`${formatDuration((total - sent) / speed, locale)} left`));
    }
    const text = parts.join(' · ');
    return html`<div part="summary" class="summary">
      <span part="summary-text" class="summary-text">${text}</span>
      <div
        part="progress"
        class="progress"
        role="progressbar"
        aria-label=${msg('Total progress')}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent}
        aria-valuetext=${text}
      >
        <div part="progress-indicator" class="progress-indicator" style="width: ${percent}%"></div>
      </div>
    </div>`;
  }

  #statusText(entry: FileEntry): string {
    switch (statusOf(entry)) {
      case 'queued':
        return this.auto ? msg('Waiting') : msg('Ready to upload');
      case 'uploading':
        return msg('Uploading');
      case 'paused':
        return msg('Paused');
      case 'succeeded':
        return msg('Uploaded');
      case 'failed':
        return msg('Failed');
      case 'cancelled':
        return msg('Cancelled');
      case 'refused':
        return msg('Not added');
    }
  }

  #actions(entry: FileEntry): [Action | undefined, Action] {
    const name = entry.path;
    const pause = { kind: 'pause', label: msg(str`Pause ${name}`) } as const;
    const resume = { kind: 'resume', label: msg(str`Resume ${name}`) } as const;
    const cancel = { kind: 'cancel', label: msg(str`Cancel ${name}`) } as const;
    const retry = { kind: 'retry', label: msg(str`Retry ${name}`) } as const;
    const remove = { kind: 'remove', label: msg(str`Remove ${name}`) } as const;
    switch (statusOf(entry)) {
      case 'queued':
      case 'uploading':
        return [pause, cancel];
      case 'paused':
        return [resume, cancel];
      case 'failed':
      case 'cancelled':
        return [retry, remove];
      default:
        return [undefined, remove];
    }
  }

  #renderButton(entry: FileEntry, action: Action | undefined, disabled: boolean) {
    // One <button> per position whatever the state, so focus survives pause ↔ resume.
    return html`<button
      part="button ${action ? `${action.kind}-button` : ''}"
      class="action"
      type="button"
      ?hidden=${!action}
      ?disabled=${disabled}
      aria-label=${action?.label ?? ''}
      title=${action?.label ?? ''}
      @click=${() => action && this.#onAction(entry, action.kind)}
    >
      ${action ? drawIcon(icon[action.kind]) : nothing}
    </button>`;
  }

  #renderItem(entry: FileEntry, disabled: boolean) {
    const locale = this.#locale;
    const status = statusOf(entry);
    const task = entry.task;
    const percent =
      task && task.size > 0
        ? Math.floor((task.bytesUploaded / task.size) * 100)
        : status === 'succeeded'
          ? 100
          : 0;
    const [primary, secondary] = this.#actions(entry);
    const reason =
      status === 'refused' && entry.refusal
        ? this.describeRefusal(entry.refusal)
        : status === 'failed' && task
          ? this.describeError(task)
          : undefined;
    const sizeText = formatBytes(entry.size, locale);
    const progressText =
      task && status !== 'succeeded'
        ? msg(str`${formatBytes(task.bytesUploaded, locale)} of ${sizeText}`)
        : sizeText;
    return html`<li part="item item-${status}" class="item" data-id=${entry.id} data-status=${status}>
      <span part="thumbnail" class="thumbnail">
        ${
          entry.thumbnail
            ? html`<img
              src=${entry.thumbnail}
              alt=""
              loading="lazy"
              decoding="async"
              @load=${() => this.#releaseThumbnail(entry)}
              @error=${() => this.#releaseThumbnail(entry)}
            />`
            : drawIcon(icon.file)
        }
      </span>
      <div class="info">
        <span part="name" class="name" title=${entry.path}>${entry.path}</span>
        ${
          task
            ? html`<div
              part="progress"
              class="progress"
              role="progressbar"
              aria-label=${msg(str`Upload of ${entry.path}`)}
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${percent}
              aria-valuetext=${msg(str`${percent}%, ${progressText}`)}
            >
              <div part="progress-indicator" class="progress-indicator" style="width: ${percent}%"></div>
            </div>`
            : nothing
        }
        <div class="line">
          <span part="status" class="status">${this.#statusText(entry)}</span>
          <span part="size">${progressText}</span>
          ${
            status === 'uploading' && task && task.speed > 0
              ? html`<span part="speed">${formatSpeed(task.speed, locale)}</span>`
              : nothing
          }
          ${
            status === 'uploading' && task?.eta != null
              ? html`<span part="eta">${msg(str`${formatDuration(task.eta, locale)} left`)}</span>`
              : nothing
          }
          ${reason ? html`<span part="reason" class="reason">${reason}</span>` : nothing}
        </div>
      </div>
      <div part="actions" class="actions">
        ${this.#renderButton(entry, primary, disabled)} ${this.#renderButton(entry, secondary, disabled)}
      </div>
    </li>`;
  }

  #releaseThumbnail(entry: FileEntry): void {
    // The decoded image stays on screen (the <img> keeps its src string and its bitmap);
    // the object URL, which pins the File's data in the blob registry, can go.
    if (entry.thumbnail) URL.revokeObjectURL(entry.thumbnail);
  }
}
