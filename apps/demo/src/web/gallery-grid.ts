import { css, html, LitElement, nothing, svg } from 'lit';
import { designSystem } from './design-system.js';
import { formatBytes, formatDateTime } from './human-units.js';
import {
  type ItemMetadata,
  type LibraryItem,
  type PhotoLibrary,
  VIEW_REFRESH_MARGIN_MS,
  type ViewUrl,
} from './photo-library.js';
import type { ShareDialog } from './share-dialog.js';
import './share-dialog.js';

/**
 * Cards rendered at first and added each time the end of the grid scrolls into view.
 * Default 48: a 1366 px screen shows about 24 cards, so the next screenful is ready.
 */
const BATCH = 48;
/** How often shown URLs are checked for their expiry. 30 s, well inside the 120 s margin. */
const URL_CHECK_MS = 30_000;

const trash = svg`<path d="M5 7h14M10 7V4h4v3m-7 0 1 13h8l1-13" />`;

/**
 * The signed-in user's photos and files: a responsive grid of cards showing each photo's
 * thumbnail (the original when it has none), its title and description when stored with it,
 * and Open, Share and Delete. The listing is paginated (ListObjectsV2, 1,000 keys a page);
 * cards are rendered as they scroll into view, their images load lazily, and the URLs they
 * use stay the same until shortly before they expire, so nothing is downloaded twice.
 * Call {@link add} after an upload (no re-listing) and {@link refresh} to list again.
 *
 * @example
 * html`<demo-gallery .library=${library}></demo-gallery>`
 */
export class GalleryGrid extends LitElement {
  static override properties = {
    library: { attribute: false },
    shareMaxSeconds: { type: Number, attribute: 'share-max-seconds' },
    items: { state: true },
    shown: { state: true },
    urls: { state: true },
    metadata: { state: true },
    loading: { state: true },
    complete: { state: true },
    listed: { state: true },
    error: { state: true },
    sharing: { state: true },
    deleting: { state: true },
    deleteBusy: { state: true },
    deleteError: { state: true },
    notice: { state: true },
  };
  declare library: PhotoLibrary | undefined;
  declare shareMaxSeconds: number;
  declare items: LibraryItem[];
  declare shown: number;
  declare urls: Map<string, ViewUrl>;
  declare metadata: Map<string, ItemMetadata>;
  declare loading: boolean;
  declare complete: boolean;
  /** Files found so far by the listing under way. */
  declare listed: number;
  declare error: string;
  declare sharing: LibraryItem | undefined;
  declare deleting: LibraryItem | undefined;
  declare deleteBusy: boolean;
  declare deleteError: string;
  declare notice: string;
  /** ListObjectsV2 requests of the latest listing (the e2e test reads it). */
  listRequests = 0;
  #generation = 0;
  #signing = new Set<string>();
  #asked = new Set<string>();
  /** Thumbnails that did not load: their cards show the original instead. */
  #broken = new Set<string>();
  #observer: IntersectionObserver | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.shareMaxSeconds = 604_800;
    this.items = [];
    this.shown = BATCH;
    this.urls = new Map();
    this.metadata = new Map();
    this.loading = false;
    this.complete = false;
    this.listed = 0;
    this.error = '';
    this.deleteBusy = false;
    this.deleteError = '';
    this.notice = '';
  }

  static override styles = [
    designSystem,
    css`
      :host {
        display: block;
      }
      .top {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 8px;
        margin-bottom: 12px;
      }
      .top h2 {
        margin: 0;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 12px;
      }
      li.card-item {
        border: 1px solid var(--border);
        border-radius: 10px;
        overflow: hidden;
        background: var(--surface-2);
        display: flex;
        flex-direction: column;
        min-width: 0;
      }
      .thumb {
        aspect-ratio: 4 / 3;
        display: grid;
        place-items: center;
        background: var(--border);
        overflow: hidden;
      }
      .thumb img {
        width: 100%;
        height: 100%;
        object-fit: cover;
        display: block;
      }
      .ext {
        font-weight: 700;
        font-size: 1.2rem;
        color: var(--muted);
        text-transform: uppercase;
      }
      .meta {
        padding: 8px 10px 4px;
        min-width: 0;
      }
      /* Two lines: a title someone typed ("Harbour at dusk") is read whole on a phone's card. */
      .name {
        font-weight: 600;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
        overflow-wrap: anywhere;
      }
      .description {
        margin: 2px 0 0;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
        overflow-wrap: anywhere;
      }
      .details {
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .buttons {
        display: flex;
        gap: 6px;
        padding: 6px 10px 10px;
        margin-top: auto;
      }
      .buttons > * {
        flex: 1;
        justify-content: center;
        padding: 6px 4px;
        font-size: 0.85rem;
        min-width: 0;
      }
      .buttons > .icon {
        flex: 0 0 34px;
      }
      .icon svg {
        width: 18px;
        height: 18px;
        fill: none;
        stroke: currentColor;
        stroke-width: 1.8;
        stroke-linecap: round;
        stroke-linejoin: round;
      }
      button.danger,
      .buttons > .icon:hover {
        color: var(--danger);
      }
      button.danger.solid {
        background: var(--danger);
        border-color: var(--danger);
        color: var(--surface);
      }
      .empty {
        text-align: center;
        padding: 32px 8px;
      }
      .more {
        grid-column: 1 / -1;
        display: flex;
        justify-content: center;
        padding: 8px;
      }
      dialog {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
        color: var(--text);
        box-shadow: var(--shadow);
        box-sizing: border-box;
        width: min(440px, calc(100vw - 24px));
        max-width: calc(100vw - 24px);
        padding: 20px;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 45%);
      }
      dialog h2 {
        overflow-wrap: anywhere;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 8px;
        flex-wrap: wrap;
      }
    `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    // Shown URLs are re-signed shortly before they expire, and only those.
    this.#timer = setInterval(() => this.#signShown(), URL_CHECK_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  // willUpdate, not updated: the state refresh() sets first then joins this update.
  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('library')) void this.refresh();
  }

  override updated() {
    this.#signShown();
    this.#observeEnd();
  }

  /** Lists the files again, page by page; URLs still valid are kept. */
  async refresh(): Promise<void> {
    const library = this.library;
    if (!library) return;
    const generation = ++this.#generation;
    this.loading = true;
    this.complete = false;
    this.error = '';
    try {
      for await (const page of library.pages()) {
        // A newer refresh (another user) wins.
        if (generation !== this.#generation) return;
        this.listRequests = page.requests;
        this.listed = page.items.length;
        // Cards appear once the listing is whole: S3 lists in key order, so a later page may
        // hold newer photos, and showing the first page would load pictures about to move.
        if (page.done) {
          this.items = page.items;
          this.complete = true;
        }
      }
    } catch (error) {
      if (generation === this.#generation)
        this.error = `Could not list your files: ${(error as Error).message}`;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Shows a file just stored, first, without listing everything again. */
  add(item: LibraryItem): void {
    this.items = [item, ...this.items.filter((existing) => existing.key !== item.key)];
    this.#asked.delete(item.key);
    this.metadata.delete(item.key);
  }

  override render() {
    const visible = this.items.slice(0, this.shown);
    const count =
      this.loading && this.listed > this.items.length ? `${this.listed}…` : `${this.items.length}`;
    return html`
      <section class="card" aria-labelledby="gallery-title" aria-busy=${this.loading ? 'true' : 'false'}>
        <div class="top">
          <h2 id="gallery-title">Your files <span class="badge" data-testid="file-count">${count}</span></h2>
          <button @click=${() => this.refresh()} ?disabled=${this.loading}>${
            this.loading ? (this.listed > 0 ? `Listing… ${this.listed}` : 'Loading…') : 'Refresh'
          }</button>
        </div>
        ${this.error ? html`<p class="error small" role="alert">${this.error}</p>` : null}
        <p class="sr-only" role="status">${this.notice}</p>
        ${
          this.items.length === 0 && !this.loading
            ? html`<p class="empty muted">No files yet. Drop photos or documents above: they go straight to S3.</p>`
            : html`<ul data-testid="gallery">
                ${visible.map((item) => this.#item(item))}
                ${
                  this.items.length > visible.length
                    ? html`<li class="more" data-testid="more">
                        <button @click=${this.#showMore}>Show more (${this.items.length - visible.length} left)</button>
                      </li>`
                    : null
                }
              </ul>`
        }
        <demo-share-dialog
          .library=${this.library}
          .item=${this.sharing}
          max-seconds=${this.shareMaxSeconds}
        ></demo-share-dialog>
        ${this.#deleteDialog()}
      </section>
    `;
  }

  #item(item: LibraryItem) {
    const pictureKey = this.#broken.has(item.key) ? item.key : (this.library?.pictureKey(item) ?? item.key);
    const picture = item.image ? this.urls.get(pictureKey) : undefined;
    const open = this.urls.get(item.key);
    const meta = this.metadata.get(item.key);
    const title = meta?.title ?? item.name;
    const ext = item.name.includes('.')
      ? item.name.slice(item.name.lastIndexOf('.') + 1).slice(0, 5)
      : 'file';
    return html`
      <li class="card-item" data-key=${item.key} data-name=${item.name}>
        <div class="thumb">
          ${
            picture
              ? html`<img
                  src=${picture.url}
                  alt=${meta?.description ? `${title}: ${meta.description}` : title}
                  loading="lazy"
                  decoding="async"
                  data-thumbnail=${pictureKey === item.key ? 'original' : 'rendition'}
                  @error=${() => this.#thumbnailFailed(item, pictureKey)}
                />`
              : html`<span class="ext" aria-hidden="true">${ext}</span>`
          }
        </div>
        <div class="meta">
          <div class="name" title=${title} data-testid="title">${title}</div>
          ${meta?.description ? html`<p class="description small" data-testid="description">${meta.description}</p>` : nothing}
          <div class="small muted details" title=${item.name}>
            ${meta?.title ? html`${item.name} · ` : nothing}${formatBytes(item.size)}${item.lastModified ? html` · ${formatDateTime(item.lastModified)}` : nothing}
          </div>
        </div>
        <div class="buttons">
          ${open ? html`<a class="button" href=${open.url} target="_blank" rel="noopener" aria-label="Open ${item.name}">Open</a>` : nothing}
          <button data-testid="share" aria-label="Share ${item.name}" @click=${() => this.#share(item)}>Share</button>
          <button class="icon" data-testid="delete" aria-label="Delete ${item.name}" title="Delete" @click=${() => this.#askDelete(item)}>
            <svg viewBox="0 0 24 24" aria-hidden="true">${trash}</svg>
          </button>
        </div>
      </li>
    `;
  }

  #deleteDialog() {
    const item = this.deleting;
    return html`
      <dialog id="delete-dialog" aria-labelledby="delete-title" aria-describedby="delete-what" @close=${() => {
        this.deleting = undefined;
        this.deleteError = '';
      }}>
        <h2 id="delete-title">Delete “${item?.name ?? ''}”?</h2>
        <p class="small" id="delete-what">
          ${item?.image ? 'The photo and its thumbnails are' : 'The file is'} removed from S3 for good; share links to it stop working.
        </p>
        ${this.deleteError ? html`<p class="error small" role="alert">${this.deleteError}</p>` : nothing}
        <div class="actions">
          <button @click=${this.#closeDelete} ?disabled=${this.deleteBusy}>Cancel</button>
          <button class="danger solid" data-testid="confirm-delete" ?disabled=${this.deleteBusy} @click=${this.#confirmDelete}>
            ${this.deleteBusy ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      </dialog>
    `;
  }

  async #askDelete(item: LibraryItem) {
    this.deleting = item;
    this.deleteError = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLDialogElement>('#delete-dialog')?.showModal();
  }

  readonly #closeDelete = () => {
    this.renderRoot.querySelector<HTMLDialogElement>('#delete-dialog')?.close();
  };

  readonly #confirmDelete = async () => {
    const item = this.deleting;
    if (!item || !this.library) return;
    this.deleteBusy = true;
    this.deleteError = '';
    try {
      await this.library.remove(item);
      this.items = this.items.filter((existing) => existing.key !== item.key);
      this.notice = `Deleted ${item.name}.`;
      this.#closeDelete();
    } catch (error) {
      this.deleteError = `Could not delete it: ${(error as Error).message}`;
    } finally {
      this.deleteBusy = false;
    }
  };

  #thumbnailFailed(item: LibraryItem, key: string) {
    if (key === item.key || this.#broken.has(item.key)) return;
    this.#broken.add(item.key);
    this.requestUpdate();
  }

  readonly #showMore = () => {
    this.shown += BATCH;
  };

  /** Renders the next batch when the "Show more" row scrolls near the viewport. */
  #observeEnd() {
    this.#observer ??= new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting) && this.shown < this.items.length) this.#showMore();
      },
      { rootMargin: '400px 0px' },
    );
    this.#observer.disconnect();
    const more = this.renderRoot.querySelector('[data-testid=more]');
    if (more) this.#observer.observe(more);
  }

  /**
   * Signs the URLs of the cards on screen that have none, or whose URL expires within
   * VIEW_REFRESH_MARGIN_MS, and reads their metadata once. Everything else keeps its URL.
   */
  #signShown() {
    const library = this.library;
    if (!library) return;
    const now = Date.now();
    const wanted: string[] = [];
    for (const item of this.items.slice(0, this.shown)) {
      const keys = [item.key];
      if (item.image) keys.push(this.#broken.has(item.key) ? item.key : library.pictureKey(item));
      for (const key of keys) {
        const url = this.urls.get(key);
        if ((!url || url.validUntil - now <= VIEW_REFRESH_MARGIN_MS) && !this.#signing.has(key))
          wanted.push(key);
      }
      if (!this.#asked.has(item.key)) {
        this.#asked.add(item.key);
        library.metadata(item).then(
          (meta) => {
            if (!meta.title && !meta.description) return;
            this.metadata = new Map(this.metadata).set(item.key, meta);
          },
          () => this.#asked.delete(item.key),
        );
      }
    }
    if (wanted.length === 0) return;
    for (const key of wanted) this.#signing.add(key);
    void Promise.all(wanted.map(async (key) => [key, await library.viewUrl(key)] as const))
      .then((signed) => {
        if (this.library !== library) return;
        const urls = new Map(this.urls);
        for (const [key, url] of signed) urls.set(key, url);
        this.urls = urls;
      })
      .catch((error: Error) => {
        this.error = `Could not show your files: ${error.message}`;
      })
      .finally(() => {
        for (const key of wanted) this.#signing.delete(key);
      });
  }

  async #share(item: LibraryItem) {
    this.sharing = item;
    await this.updateComplete;
    await this.renderRoot.querySelector<ShareDialog>('demo-share-dialog')?.open();
  }
}
customElements.define('demo-gallery', GalleryGrid);

declare global {
  interface HTMLElementTagNameMap {
    'demo-gallery': GalleryGrid;
  }
}
