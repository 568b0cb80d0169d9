import type { Uploader } from '@s3up/core';
import { html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { syncCustomStates } from './custom-states.js';
import { DropTarget } from './drop-target.js';
import { checkEndpoint } from './errors.js';
import type { FileEntry } from './file-entry.js';
import { syncFormValue } from './form-value.js';
import { pickKeepingHandles } from './handle-picker.js';
import { LazyList } from './list-loader.js';
import { ElementMessages } from './messages/element-messages.js';
import { hintText } from './messages/hint-text.js';
import { isRightToLeft } from './messages/locales.js';
import { S3UploadSettings } from './s3-upload-settings.js';
import { styles } from './styles.js';

export type { CredentialsRequestHook, KeyForHook, ThumbnailOption } from './s3-upload-settings.js';

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
 * @csspart fields - A row's form (`fields`, a pasted file's name), before its upload.
 * @csspart field-label - A field's label.
 * @csspart field-input - A field's input or text area.
 * @csspart field-error - Why a field must be changed.
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
export class S3Upload extends S3UploadSettings {
  static override styles = styles;
  static formAssociated = true;
  static override shadowRootOptions = { ...S3UploadSettings.shadowRootOptions, delegatesFocus: true };

  static override properties: PropertyDeclarations = {
    _formDisabled: { state: true },
  };

  declare private _formDisabled: boolean;

  readonly #internals: ElementInternals;
  readonly #texts = new ElementMessages(this);
  readonly #drop = new DropTarget(this, {
    enabled: () => !this.#isDisabled,
    add: (files, pasted) => this.#lazy.add(files, true, pasted),
  });
  /**
   * The file list (upload-list.ts): loaded after the first render, when the page is idle or
   * the user is about to pick a file (list-loader.ts). Until then the element is its drop
   * zone, and files picked meanwhile wait there.
   */
  readonly #lazy = new LazyList(this, {
    create: (module) =>
      new module.UploadList(this, {
        messages: () => this.#texts.current,
        onValueChanged: () => this.#syncForm(),
        disabled: () => this.#isDisabled,
      }),
    styles: () => S3Upload.elementStyles,
    changed: () => this.#syncForm(),
  });

  constructor() {
    super();
    this.#internals = this.attachInternals();
    this._formDisabled = false;
  }

  /**
   * The upload engine (`Uploader` from `@s3up/core`), for apps that add their own
   * controls; files added to it show in the list. `undefined` until the engine's code has
   * loaded: it loads after the first render (when the page is idle, or when the user points
   * at, focuses or drops onto the element, or adds a file), so rendering never waits for it.
   * `await element.whenUploaderReady()` gets it in any case.
   *
   * @throws {S3UploadElementError} `engine` when `endpoint` is not set.
   */
  get uploader(): Uploader | undefined {
    const list = this.#lazy.list;
    if (list) return list.controller.uploader;
    checkEndpoint(this.endpoint);
    return undefined;
  }

  /**
   * Loads the upload engine if it has not loaded yet, and resolves with it (`uploader`).
   * Files added before it loaded are its tasks by then.
   *
   * @example
   * const uploader = await element.whenUploaderReady();
   * uploader.addEventListener('upload-succeeded', (e) => console.log(e.detail.key));
   *
   * @throws {S3UploadElementError} `engine` when `endpoint` is not set; the loader's error
   *   when the engine's code could not be fetched (offline).
   */
  async whenUploaderReady(): Promise<Uploader> {
    checkEndpoint(this.endpoint);
    return (await this.#lazy.whenList()).controller.whenUploaderReady();
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
    return this.#lazy.list?.controller.keys ?? [];
  }
  set value(keys: readonly string[] | null | undefined) {
    const wanted = new Set(keys ?? []);
    const current = this.value;
    if (current.length === wanted.size && current.every((key) => wanted.has(key))) return;
    if (wanted.size === 0) {
      this.clear();
      return;
    }
    const controller = this.#lazy.list?.controller;
    for (const entry of controller?.entries ?? []) {
      const key = entry.task?.state === 'succeeded' ? entry.task.key : undefined;
      if (key !== undefined && !wanted.has(key)) controller?.remove(entry.id, false);
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
    this.#lazy.add([...files], false);
  }

  /**
   * Stops every upload for good (sign-out): cancels the unfinished ones and aborts their
   * multipart uploads on S3. Resolves when S3 has been told; no request of them follows.
   */
  cancelAll(): Promise<void> {
    // Files still waiting for the list's code never reach the engine.
    this.#lazy.forget();
    return this.#lazy.list?.controller.cancelAll() ?? Promise.resolve();
  }

  /**
   * Shuts the element down (sign-out, leaving a view): cancels every upload as
   * `cancelAll()` does, empties the list, and drops the unload guard and the wake lock.
   */
  async destroy(): Promise<void> {
    await this.cancelAll();
    this.clear();
    this.#lazy.list?.interrupted.clear();
    this.#lazy.list?.pageGuard.release();
  }

  /** Takes finished rows (stored, cancelled, refused) off the list; stored files stay in the value. */
  clearFinished(): void {
    this.#lazy.list?.controller.clearFinished();
  }

  /**
   * Starts every queued file (with `auto="false"`, or rows asking for `fields`). When a
   * row's fields need fixing nothing starts: the rows say why and the first gets the focus.
   */
  start(): void {
    this.#lazy.start();
  }

  /** Sets a queued file's field values (by row id, `files[i].id`), as if the user had typed them. */
  setFieldValues(id: string, values: Record<string, string>): void {
    this.#lazy.list?.setFieldValues(id, values);
  }

  /** Empties the list and cancels running uploads. Fires no events. */
  clear(): void {
    this.#lazy.forget();
    this.#lazy.list?.controller.clear();
    this.#syncForm();
  }

  /**
   * Opens the file (or folder) picker. Where the browser has the File System Access API
   * (Chromium on desktop) files are picked with `showOpenFilePicker` and folders with
   * `showDirectoryPicker`, whose handles let an upload a reload interrupted continue
   * without picking the file again.
   */
  browse(): void {
    if (this.#isDisabled) return;
    const input = this.renderRoot.querySelector('input');
    const picking = pickKeepingHandles(this);
    if (!picking) {
      input?.click();
      return;
    }
    picking.then(
      (files) => this.#lazy.add(files, true),
      // Not allowed here (a cross-origin frame), or an accept the picker cannot express.
      () => input?.click(),
    );
  }

  /**
   * The file list's rows (read-only snapshot). Files added before the list's code has
   * loaded (just after the page loads) are rows once it has: `await el.updateComplete`.
   */
  get files(): readonly FileEntry[] {
    return this.#lazy.list?.controller.entries ?? [];
  }

  /** @internal Also waits for files picked before the list's code arrived to be listed. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const complete = await super.getUpdateComplete();
    return (await this.#lazy.arrived()) ? super.getUpdateComplete() : complete;
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
    syncFormValue(this.#internals, {
      name: this.name,
      keys: this.value,
      required: this.required,
      pending: this.#lazy.waiting || (this.#lazy.list?.controller.pending ?? false),
      messages: () => this.#texts.current,
      anchor: this.renderRoot?.querySelector<HTMLElement>('.browse') ?? undefined,
    });
  }

  // --- lifecycle ------------------------------------------------------------------------

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.#texts.rendering = true;
  }

  protected override updated(): void {
    this.#texts.rendering = false;
    // Cheap, and the list changes without property changes (the controller's renders).
    this.#syncForm();
    syncCustomStates(this, this.#internals, this.files, {
      dragover: this.#drop.dragover,
      theme: this.theme,
    });
    this.#lazy.list?.updated();
  }

  // --- user input -----------------------------------------------------------------------

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
    this.#lazy.add(files, true);
  };

  // --- rendering ------------------------------------------------------------------------

  override render() {
    const m = this.#texts.current;
    const disabled = this.#isDisabled;
    const drop = this.#drop;
    return html`
      <div part="base" class="base" dir=${isRightToLeft(m.locale) ? 'rtl' : 'ltr'}>
        <div
          part="dropzone"
          class="dropzone ${drop.dragover ? 'dragover' : ''} ${disabled ? 'disabled' : ''}"
          @dragenter=${drop.onDragEnter}
          @dragover=${drop.onDragOver}
          @dragleave=${drop.onDragLeave}
          @drop=${drop.onDrop}
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
        ${this.#lazy.list?.render(m) ?? html`<div part="empty" class="empty"><slot name="empty"></slot></div>`}
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#lazy.list?.controller.announcement ?? ''}</div>
      </div>
    `;
  }
}
