import '@s3up/element/define';
import type { FieldSpec } from '@s3up/element';
import { css, html, LitElement } from 'lit';
import type { DemoApi } from './demo-api.js';
import { designSystem } from './design-system.js';

/**
 * What each row asks before its upload, stored as `x-amz-meta-title` and
 * `x-amz-meta-description` (the gallery shows them). Both optional: Upload sends the file
 * with what was typed. The element's own labels (in the page's language) and its 2 KB check.
 */
export const PHOTO_FIELDS: readonly FieldSpec[] = [
  { name: 'title', maxLength: 120 },
  { name: 'description', maxLength: 600 },
];

/**
 * Thumbnails the engine makes in the browser and uploads beside each photo, under
 * `users/<id>/.thumbnails/<width>/…` (`renditionKey`): the gallery's cards (150 to 300 px
 * wide) show the 320 px WebP instead of downloading the original.
 */
export const PHOTO_THUMBNAILS = '320:webp';

/** A file `<s3-upload>` stored: what the gallery needs to show it without listing again. */
export interface StoredFile {
  key: string;
  size: number;
  renditions: string[];
}

/**
 * The upload area: `<s3-upload>` pointed at the token server's `/api/credentials`, with the
 * signed-in user's JWT added to each credentials request. Each file's row asks for a title
 * and a description before Upload; photos get a 320 px WebP thumbnail uploaded beside them. Fires `library-changed`
 * (bubbling, composed, `detail`: {@link StoredFile}) each time a file is stored, so the
 * gallery can show it.
 *
 * @example
 * html`<demo-upload-card .api=${api} @library-changed=${() => gallery.refresh()}></demo-upload-card>`
 */
export class UploadCard extends LitElement {
  static override properties = {
    api: { attribute: false },
  };
  declare api: DemoApi | undefined;

  static override styles = [
    designSystem,
    css`
      :host {
        display: block;
      }
      s3-upload {
        display: block;
        --s3-upload-font: inherit;
        --s3-upload-radius: 10px;
        --s3-upload-background: var(--surface);
        --s3-upload-color: var(--text);
        --s3-upload-muted-color: var(--muted);
        --s3-upload-border-color: var(--border);
        --s3-upload-accent-color: var(--accent);
        --s3-upload-accent-contrast: var(--accent-text);
        --s3-upload-dropzone-background: var(--surface-2);
        --s3-upload-danger-color: var(--danger);
        --s3-upload-success-color: var(--ok);
        --s3-upload-track-color: var(--border);
      }
    `,
  ];

  override render() {
    return html`
      <section class="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload</h2>
        <p class="muted small">
          Photos and any other files go from this page straight to S3, in parallel parts,
          with credentials that only allow writing under your own prefix. Give each a title
          and a description if you like, then press Upload.
        </p>
        <s3-upload
          endpoint="/api/credentials"
          multiple
          thumbnails=${PHOTO_THUMBNAILS}
          .fields=${PHOTO_FIELDS}
          .credentialsRequest=${(init: RequestInit) => this.api?.authorize(init) ?? init}
          @s3-upload-succeeded=${this.#stored}
        ></s3-upload>
      </section>
    `;
  }

  /**
   * What signing out would stop: `running` when uploads are under way (sending, pausing or
   * paused: parts may be on S3), `waiting` when files are picked but not sent (their rows ask
   * for details until Upload), undefined when nothing is pending.
   */
  get pending(): 'running' | 'waiting' | undefined {
    const element = this.renderRoot?.querySelector('s3-upload');
    if (!element?.endpoint) return undefined;
    // No engine yet (it loads after the first render): picked files wait in rows without a task.
    const tasks = element.uploader?.tasks ?? [];
    if (tasks.some((t) => ['uploading', 'pausing', 'paused'].includes(t.state))) return 'running';
    const picked = element.files.some((entry) => !entry.task && !entry.refusal);
    return picked || tasks.some((t) => t.state === 'queued') ? 'waiting' : undefined;
  }

  /**
   * Stops every upload for good (sign-out): the element cancels them and aborts their
   * multipart uploads on S3, so the next user of this browser finds nothing half-stored, and
   * no request of the signed-out user follows. Resolves once S3 has been told.
   */
  async stopUploads(): Promise<void> {
    const element = this.renderRoot?.querySelector('s3-upload');
    if (!element?.endpoint) return;
    await element.cancelAll();
  }

  #stored(event: HTMLElementEventMap['s3-upload-succeeded']) {
    const { key, task } = event.detail;
    // Thumbnails the engine stored beside a photo (its image report), so the gallery shows
    // the new card's thumbnail without listing.
    const detail: StoredFile = {
      key,
      size: task.size,
      renditions: (task.image?.renditions ?? []).map((rendition) => rendition.key),
    };
    this.dispatchEvent(new CustomEvent('library-changed', { bubbles: true, composed: true, detail }));
  }
}
customElements.define('demo-upload-card', UploadCard);

declare global {
  interface HTMLElementTagNameMap {
    'demo-upload-card': UploadCard;
  }
}
