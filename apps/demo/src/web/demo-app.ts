import { css, html, LitElement } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import './audit-panel.js';
import { CredentialWatch } from './credential-watch.js';
import { DemoApi, type DemoConfig } from './demo-api.js';
import { designSystem } from './design-system.js';
import './gallery-grid.js';
import type { GalleryGrid } from './gallery-grid.js';
import { PhotoLibrary } from './photo-library.js';
import './session-panel.js';
import './share-view.js';
import './sign-in-view.js';
import './upload-card.js';
import type { StoredFile } from './upload-card.js';

type Theme = 'system' | 'light' | 'dark';
const THEME_KEY = 's3up-demo.theme';

/**
 * The demo's shell: header (user, backend, theme), then either the sign-in screen, the
 * signed-in workspace (upload, gallery, session and audit panels) or, on `/share`, the
 * page a share link opens.
 *
 * @example
 * <demo-app></demo-app>
 */
export class DemoApp extends LitElement {
  static override properties = {
    config: { state: true },
    error: { state: true },
    theme: { state: true },
  };
  declare config: DemoConfig | undefined;
  declare error: string;
  declare theme: Theme;

  readonly api = new DemoApi();
  readonly watch = new CredentialWatch('/api/credentials');
  #library: PhotoLibrary | undefined;

  constructor() {
    super();
    this.error = '';
    this.theme = (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'system';
    this.watch.install();
    this.api.addEventListener('session-changed', () => {
      this.#library?.reset();
      this.#library = undefined;
      this.watch.clear();
      this.requestUpdate();
    });
  }

  static override styles = [
    designSystem,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      header {
        position: sticky;
        top: 0;
        z-index: 10;
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 12px clamp(16px, 4vw, 32px);
        background: color-mix(in srgb, var(--surface) 88%, transparent);
        backdrop-filter: blur(8px);
        border-bottom: 1px solid var(--border);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 10px;
        font-weight: 750;
        font-size: 1.1rem;
        color: var(--text);
        text-decoration: none;
      }
      .logo {
        width: 28px;
        height: 28px;
        border-radius: 8px;
        background: var(--accent);
        display: grid;
        place-items: center;
        color: var(--accent-text);
      }
      .spacer {
        flex: 1;
      }
      .user {
        display: flex;
        align-items: center;
        gap: 8px;
      }
      main {
        padding: clamp(16px, 3vw, 32px);
        max-width: 1320px;
        margin: 0 auto;
      }
      .workspace {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 360px;
        gap: var(--gap);
        align-items: start;
      }
      .column {
        display: grid;
        gap: var(--gap);
        min-width: 0;
      }
      @media (max-width: 960px) {
        .workspace {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      @media (max-width: 560px) {
        .backend,
        .user .name {
          display: none;
        }
      }
    `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    this.#applyTheme();
    this.api.config().then(
      (config) => {
        this.config = config;
      },
      (error: Error) => {
        this.error = error.message;
      },
    );
  }

  override render() {
    const share = location.pathname === '/share';
    const session = this.api.session;
    return html`
      <header>
        <a class="brand" href="/"><span class="logo" aria-hidden="true">▲</span>s3up photos</a>
        ${
          this.config
            ? html`<span class="badge backend" title=${`bucket ${this.config.bucket} in ${this.config.region}`}>
              ${this.config.backend === 'local' ? 'local S3 (Ceph RGW)' : `AWS ${this.config.region}`}
            </span>`
            : null
        }
        <span class="spacer"></span>
        <button @click=${this.#cycleTheme} aria-label="Colour theme: ${this.theme}" title="Theme: ${this.theme}">
          ${this.theme === 'dark' ? '☾' : this.theme === 'light' ? '☀' : '◐'}
        </button>
        ${
          session && !share
            ? html`<span class="user">
              <span class="name">Signed in as <strong data-testid="user">${session.user.name}</strong></span>
              <button @click=${this.#signOut}>Sign out</button>
            </span>`
            : null
        }
      </header>
      ${this.error ? html`<p class="error" role="alert" style="text-align:center">${this.error}</p>` : null}
      ${share ? html`<demo-share-view></demo-share-view>` : session ? this.#workspace(session.user.id) : html`<demo-sign-in .api=${this.api} .config=${this.config}></demo-sign-in>`}
    `;
  }

  #workspace(userId: string) {
    this.#library ??= new PhotoLibrary(this.api);
    // Keyed by user: signing in as someone else starts from fresh components and uploads.
    return keyed(
      userId,
      html`
        <main class="workspace">
          <div class="column">
            <demo-upload-card .api=${this.api} @library-changed=${this.#refreshGallery}></demo-upload-card>
            <demo-gallery .library=${this.#library} share-max-seconds=${this.config?.shareMaxSeconds ?? 3600}></demo-gallery>
          </div>
          <aside class="column">
            <demo-session-panel .watch=${this.watch}></demo-session-panel>
            <demo-audit-panel .api=${this.api}></demo-audit-panel>
          </aside>
        </main>
      `,
    );
  }

  /**
   * Sign-out stops this user's uploads first (their multipart uploads are aborted on S3),
   * asking before it throws running uploads (or picked files not uploaded yet) away.
   */
  readonly #signOut = async () => {
    const card = this.renderRoot.querySelector('demo-upload-card');
    const pending = card?.pending;
    if (
      pending === 'running' &&
      !confirm('Uploads are still running. Sign out and stop them? What they sent so far is deleted.')
    )
      return;
    if (pending === 'waiting' && !confirm('Files you picked are not uploaded yet. Sign out and drop them?'))
      return;
    try {
      await card?.stopUploads();
    } catch {
      // Nothing to stop it from signing out: the bucket's lifecycle rule removes what is left.
    }
    this.api.signOut();
  };

  /** One stored file joins the gallery: no re-listing, no re-signing of the others. */
  async #refreshGallery(event: CustomEvent<StoredFile>) {
    const gallery = this.renderRoot.querySelector<GalleryGrid>('demo-gallery');
    if (!gallery || !this.#library) return;
    const { key, size, renditions } = event.detail;
    try {
      gallery.add(await this.#library.uploaded(key, size, renditions));
    } catch {
      void gallery.refresh();
    }
  }

  #cycleTheme() {
    const order: Theme[] = ['system', 'light', 'dark'];
    this.theme = order[(order.indexOf(this.theme) + 1) % order.length]!;
    localStorage.setItem(THEME_KEY, this.theme);
    this.#applyTheme();
  }

  #applyTheme() {
    if (this.theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.dataset.theme = this.theme;
  }
}
customElements.define('demo-app', DemoApp);

declare global {
  interface HTMLElementTagNameMap {
    'demo-app': DemoApp;
  }
}
