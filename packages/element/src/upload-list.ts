import type { Uploader } from '@s3up/core';
import { html, nothing, type ReactiveControllerHost } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { UploadHost } from './element-engine.js';
import { S3UploadEvent } from './events.js';
import { type FileEntry, statusOf } from './file-entry.js';
import { focusFirstInvalid } from './file-fields.js';
import { fileRow, type RowAction } from './file-row.js';
import { ContinuePicker, interruptedList } from './interrupted-list.js';
import { InterruptedUploads } from './interrupted-uploads.js';
import { finishedCount, problemsFirst } from './list-order.js';
import { ListPaging } from './list-paging.js';
import { listSummary } from './list-summary.js';
import type { Messages } from './messages/catalog.js';
import { en } from './messages/en.js';
import { addCatalog } from './messages/locales.js';
import { PageGuard } from './page-guard.js';
import { RowFocus } from './row-focus.js';
import { UploadController, type UploadControllerOptions } from './upload-controller.js';

export { listStyles } from './list-styles.js';
export { en } from './messages/en.js';

/** What the file list needs from its element (`<s3-upload>`) besides its configuration. */
export interface ListHost extends UploadHost, ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly shadowRoot: ShadowRoot | null;
  readonly unloadGuard: boolean;
}

export interface UploadListOptions extends UploadControllerOptions {
  /** Whether the element is disabled (its own attribute or its form's). */
  disabled(): boolean;
}

/**
 * Everything `<s3-upload>` shows once files exist: the rows with their progress, buttons and
 * per-file forms, the summary, "Clear finished" and "Upload", long lists' paging, and the
 * uploads a reload interrupted; with the controller that owns the rows and the engine.
 * Loaded after the element's first render (list-loader.ts): the drop zone needs none of it.
 */
export class UploadList {
  readonly controller: UploadController;
  readonly interrupted: InterruptedUploads;
  readonly pageGuard: PageGuard;
  readonly #host: ListHost;
  readonly #options: UploadListOptions;
  readonly #picker: ContinuePicker;
  readonly #paging: ListPaging;
  readonly #focus: RowFocus;

  constructor(host: ListHost, options: UploadListOptions) {
    // English whole: rows, statuses, errors and announcements (the first render had only its own texts).
    addCatalog('en', en);
    this.#host = host;
    this.#options = options;
    this.controller = new UploadController(host, {
      ...options,
      onValueChanged: (byUser) => {
        options.onValueChanged(byUser);
        if (byUser) host.dispatchEvent(new S3UploadEvent('s3-change', { value: this.controller.keys }));
      },
    });
    this.pageGuard = new PageGuard(host, {
      busy: () => this.controller.running,
      guardUnload: () => host.unloadGuard,
    });
    this.#picker = new ContinuePicker(() => host.renderRoot);
    this.interrupted = new InterruptedUploads(host as unknown as ReactiveControllerHost & EventTarget, {
      engine: () => this.#engine(),
      pickFile: () => this.#picker.pick(),
      addFile: (file) => this.controller.add([file], true),
    });
    this.#paging = new ListPaging(host);
    this.#focus = new RowFocus(() => host.shadowRoot);
  }

  /** The engine when the element is configured (an endpoint is set), for the interrupted list. */
  async #engine(): Promise<Uploader | undefined> {
    if (!this.#host.endpoint) return undefined;
    try {
      return await this.controller.whenUploaderReady();
    } catch {
      return undefined;
    }
  }

  /** Starts every queued file; when a row's fields need fixing, focuses the first of them. */
  start(): void {
    const invalid = this.controller.start();
    // After the rows' messages are drawn (the list redraws on the next frame).
    if (invalid)
      requestAnimationFrame(() =>
        (this.#host as unknown as { updateComplete: Promise<boolean> }).updateComplete.then(() =>
          focusFirstInvalid(this.#host.renderRoot, invalid, this.controller.forms),
        ),
      );
  }

  /** Sets a queued file's field values (by row id), as if the user had typed them. */
  setFieldValues(id: string, values: Record<string, string>): void {
    const entry = this.controller.entries.find((e) => e.id === id);
    if (!entry) return;
    for (const [field, value] of Object.entries(values)) this.controller.fieldInput(entry, field, value);
    if (this.controller.forms.get(entry.file)) entry.version += 1;
    this.#host.requestUpdate();
  }

  /** After each render of the element: keyboard focus stays in the list as rows change. */
  updated(): void {
    this.#focus.keep();
  }

  #onAction = (entry: FileEntry, action: RowAction): void => {
    const controller = this.controller;
    switch (action) {
      case 'pause':
        controller.pause(entry.id);
        break;
      case 'pause-now':
        controller.pause(entry.id, true);
        break;
      case 'resume':
        controller.resume(entry.id);
        break;
      case 'cancel':
        controller.cancel(entry.id);
        break;
      case 'retry':
        controller.retry(entry.id);
        break;
      case 'remove':
        this.#focus.remove(entry, () => controller.remove(entry.id, true));
        break;
    }
  };

  #onFieldInput = (entry: FileEntry, field: string, value: string): void => {
    this.controller.fieldInput(entry, field, value);
  };

  #releaseThumbnail = (entry: FileEntry): void => {
    // The decoded image stays on screen (the <img> keeps its src string and its bitmap);
    // the object URL, which pins the File's data in the blob registry, can go.
    if (entry.thumbnail) URL.revokeObjectURL(entry.thumbnail);
  };

  /** The part of the element under the drop zone, in the texts `m`. */
  render(m: Messages) {
    const host = this.#host;
    const controller = this.controller;
    const disabled = this.#options.disabled();
    const all = controller.entries;
    const entries = problemsFirst(controller.visibleEntries);
    const queued = entries.some((e) => statusOf(e) === 'queued');
    const finished = finishedCount(entries);
    const shown = this.#paging.shown;
    const waiting = controller.forms.asking;
    const row = {
      messages: m,
      limits: host,
      disabled,
      auto: host.auto && !waiting,
      onAction: this.#onAction,
      onThumbnailDone: this.#releaseThumbnail,
      forms: controller.forms,
      onFieldInput: this.#onFieldInput,
    };
    return html`
      ${interruptedList(m, this.interrupted, this.#picker)}
      ${all.length > 0 ? listSummary(m, all, this.#focus.toProblems) : nothing}
      ${
        finished > 0
          ? html`<button part="clear-button" class="clear" type="button" @click=${() => controller.clearFinished()}>
            ${m.text('clearFinished', { count: finished })}
          </button>`
          : nothing
      }
      ${
        (!host.auto || waiting) && queued
          ? html`<button part="start-button" class="start" type="button" ?disabled=${disabled} @click=${() => this.start()}>
            ${m.text('upload')}
          </button>`
          : nothing
      }
      ${
        entries.length > 0
          ? html`<div class="scroller"><ul part="list" class="list" aria-label=${m.text('files')}>
            ${repeat(
              entries.length > shown ? entries.slice(0, shown) : entries,
              (entry) => entry.id,
              (entry) =>
                guard([entry.version, statusOf(entry), disabled, row.auto, m], () => fileRow(entry, row)),
            )}
          </ul>
          ${entries.length > shown ? this.#paging.moreButton(m, entries.length - shown) : nothing}</div>`
          : html`<div part="empty" class="empty"><slot name="empty"></slot></div>`
      }
    `;
  }
}
