import { css, html, LitElement } from 'lit';
import { designSystem } from './design-system.js';
import { formatBytes, formatDateTime } from './human-units.js';
import type { LibraryItem, PhotoLibrary } from './photo-library.js';
import type { ShareDialog } from './share-dialog.js';
import './share-dialog.js';

/**
 * The signed-in user's files: a responsive grid of thumbnails (presigned GET URLs) and
 * file cards, each with Open and Share. Call {@link refresh} after an upload.
 *
 * @example
 * html`<demo-gallery .library=${library}></demo-gallery>`
 */
export class GalleryGrid extends LitElement {
  static override properties = {
    library: { attribute: false },
    shareMaxSeconds: { type: Number, attribute: 'share-max-seconds' },
    items: { state: true },
    urls: { state: true },
    loading: { state: true },
    error: { state: true },
    sharing: { state: true },
  };
  declare library: PhotoLibrary | undefined;
  declare shareMaxSeconds: number;
  declare items: LibraryItem[];
  declare urls: Map<string, string>;
  declare loading: boolean;
  declare error: string;
  declare sharing: LibraryItem | undefined;
  #generation = 0;

  constructor() {
    super();
    this.shareMaxSeconds = 604_800;
    this.items = [];
    this.urls = new Map();
    this.loading = false;
    this.error = '';
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
        grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
        gap: 14px;
      }
      li {
        border: 1px solid var(--border);
        border-radius: 10px;
        overflow: hidden;
        background: var(--surface-2);
        display: flex;
        flex-direction: column;
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
      .name {
        font-weight: 600;
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
        padding: 6px 8px;
        font-size: 0.85rem;
      }
      .empty {
        text-align: center;
        padding: 32px 8px;
      }
    `,
  ];

  // willUpdate, not updated: the state refresh() sets first then joins this update.
  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('library')) void this.refresh();
  }

  /** Lists the files again and signs fresh thumbnail URLs. */
  async refresh(): Promise<void> {
    const library = this.library;
    if (!library) return;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = '';
    try {
      const items = await library.list();
      const urls = new Map<string, string>();
      await Promise.all(
        items.map(async (item) => {
          urls.set(item.key, await library.viewUrl(item));
        }),
      );
      // A newer refresh (another upload, another user) wins.
      if (generation !== this.#generation) return;
      this.items = items;
      this.urls = urls;
    } catch (error) {
      if (generation === this.#generation)
        this.error = `Could not list your files: ${(error as Error).message}`;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  override render() {
    return html`
      <section class="card" aria-labelledby="gallery-title" aria-busy=${this.loading ? 'true' : 'false'}>
        <div class="top">
          <h2 id="gallery-title">Your files <span class="badge" data-testid="file-count">${this.items.length}</span></h2>
          <button @click=${() => this.refresh()} ?disabled=${this.loading}>${this.loading ? 'Loading…' : 'Refresh'}</button>
        </div>
        ${this.error ? html`<p class="error small" role="alert">${this.error}</p>` : null}
        ${
          this.items.length === 0 && !this.loading
            ? html`<p class="empty muted">No files yet. Drop photos or documents above: they go straight to S3.</p>`
            : html`<ul data-testid="gallery">${this.items.map((item) => this.#item(item))}</ul>`
        }
        <demo-share-dialog
          .library=${this.library}
          .item=${this.sharing}
          max-seconds=${this.shareMaxSeconds}
        ></demo-share-dialog>
      </section>
    `;
  }

  #item(item: LibraryItem) {
    const url = this.urls.get(item.key);
    const ext = item.name.includes('.')
      ? item.name.slice(item.name.lastIndexOf('.') + 1, item.name.length).slice(0, 5)
      : 'file';
    return html`
      <li data-key=${item.key} data-name=${item.name}>
        <div class="thumb">
          ${item.image && url ? html`<img src=${url} alt=${item.name} loading="lazy" />` : html`<span class="ext" aria-hidden="true">${ext}</span>`}
        </div>
        <div class="meta">
          <div class="name" title=${item.name}>${item.name}</div>
          <div class="small muted">${formatBytes(item.size)}${item.lastModified ? html` · ${formatDateTime(item.lastModified)}` : null}</div>
        </div>
        <div class="buttons">
          ${url ? html`<a class="button" href=${url} target="_blank" rel="noopener" aria-label="Open ${item.name}">Open</a>` : null}
          <button data-testid="share" aria-label="Share ${item.name}" @click=${() => this.#share(item)}>Share</button>
        </div>
      </li>
    `;
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
