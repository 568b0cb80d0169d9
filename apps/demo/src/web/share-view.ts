import { css, html, LitElement } from 'lit';
import { designSystem } from './design-system.js';
import { formatDateTime, formatDuration } from './human-units.js';

type LinkState = 'checking' | 'ok' | 'expired' | 'refused' | 'invalid';

/** What a share link carries in its fragment (see shareLink in share-dialog.ts). */
export function readShareFragment(
  hash: string,
): { url: string; name: string; expiresAt: Date | null } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const url = params.get('u');
  if (!url || !/^https?:\/\//.test(url)) return null;
  const expires = params.get('e');
  const expiresAt = expires ? new Date(expires) : null;
  return {
    url,
    name: params.get('n') || 'Shared file',
    expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : null,
  };
}

/**
 * The page a share link opens: the photo (or a download button), when the link expires,
 * and a clear message once S3 refuses it. No sign-in: the presigned URL is the permission.
 *
 * @example
 * html`<demo-share-view></demo-share-view>` // reads location.hash
 */
export class ShareView extends LitElement {
  static override properties = {
    state: { state: true },
    now: { state: true },
  };
  declare state: LinkState;
  declare now: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #link = readShareFragment(location.hash);

  constructor() {
    super();
    this.state = this.#link ? 'checking' : 'invalid';
    this.now = Date.now();
  }

  static override styles = [
    designSystem,
    css`
      :host {
        display: grid;
        place-items: center;
        padding: 24px;
        min-height: calc(100vh - 80px);
      }
      .card {
        width: min(960px, 100%);
        text-align: center;
      }
      img {
        max-width: 100%;
        max-height: 70vh;
        border-radius: 8px;
        display: block;
        margin: 12px auto;
      }
      h1 {
        font-size: 1.2rem;
        margin: 0 0 4px;
        overflow-wrap: anywhere;
      }
      .status {
        font-size: 1.05rem;
        margin: 24px 0;
      }
    `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    this.#timer = setInterval(() => {
      this.now = Date.now();
    }, 1000);
    void this.#check();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  /** Asks S3 for the first byte: 200/206 means the link works; anything else means it does not. */
  async #check() {
    const link = this.#link;
    if (!link) return;
    let ok = false;
    try {
      const response = await fetch(link.url, { headers: { range: 'bytes=0-0' }, cache: 'no-store' });
      await response.body?.cancel();
      ok = response.ok;
    } catch {
      // S3 error answers may lack CORS headers, so a refusal can surface as a network error.
      ok = false;
    }
    if (ok) this.state = 'ok';
    else this.state = link.expiresAt && link.expiresAt.getTime() <= Date.now() ? 'expired' : 'refused';
  }

  override render() {
    const link = this.#link;
    if (!link)
      return html`<section class="card"><h1>This share link is incomplete</h1>
        <p class="muted">Copy the whole link, including everything after “#”.</p></section>`;
    const left = link.expiresAt ? link.expiresAt.getTime() - this.now : null;
    const image = /\.(avif|bmp|gif|jpe?g|png|svg|webp)$/i.test(link.name);
    return html`
      <section class="card" aria-live="polite">
        <h1>${link.name}</h1>
        ${
          link.expiresAt
            ? html`<p class="small muted" data-testid="share-expiry">
              ${left !== null && left > 0 ? `Link expires in ${formatDuration(left)} (${formatDateTime(link.expiresAt)})` : `Link expired ${formatDateTime(link.expiresAt)}`}
            </p>`
            : null
        }
        ${this.state === 'checking' ? html`<p class="status muted">Opening…</p>` : null}
        ${
          this.state === 'ok'
            ? html`
              ${image ? html`<img src=${link.url} alt=${link.name} data-testid="shared-image" @error=${() => void this.#check()} />` : null}
              <a class="button primary" href=${link.url} target="_blank" rel="noopener">Open original</a>`
            : null
        }
        ${
          this.state === 'expired'
            ? html`<p class="status error" role="alert" data-testid="share-state">This link has expired. Ask the owner for a new one.</p>`
            : null
        }
        ${
          this.state === 'refused'
            ? html`<p class="status error" role="alert" data-testid="share-state">This link no longer works (S3 refused it). Ask the owner for a new one.</p>`
            : null
        }
      </section>
    `;
  }
}
customElements.define('demo-share-view', ShareView);

declare global {
  interface HTMLElementTagNameMap {
    'demo-share-view': ShareView;
  }
}
