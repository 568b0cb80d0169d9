import { css, html, LitElement } from 'lit';
import { designSystem } from './design-system.js';
import { formatDateTime, formatDuration } from './human-units.js';
import type { LibraryItem, PhotoLibrary, ShareLink } from './photo-library.js';

/** The expiries offered first; "custom" covers the rest from 1 minute to the maximum. */
const PRESETS = [
  { label: '5 minutes', seconds: 300 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
];
const UNIT_SECONDS = { minutes: 60, hours: 3600, days: 86_400 } as const;
type Unit = keyof typeof UNIT_SECONDS;

/** Where a share link points: this app's share page, with the presigned URL in the fragment. */
export function shareLink(origin: string, link: ShareLink, name: string): string {
  // The fragment never reaches a server: the presigned URL is not in any access log.
  const fragment = new URLSearchParams({ u: link.url, n: name, e: link.expiresAt.toISOString() });
  return `${origin}/share#${fragment}`;
}

/**
 * Creates a share link for one file with an expiry the user picks (1 minute to the
 * maximum, 7 days by default), and shows clearly when it really expires: the token server
 * may sign for less than asked (the signing credential's lifetime bounds the URL).
 *
 * @example
 * html`<demo-share-dialog .library=${library} .item=${item} @close=${...}></demo-share-dialog>`
 */
export class ShareDialog extends LitElement {
  static override properties = {
    library: { attribute: false },
    item: { attribute: false },
    maxSeconds: { type: Number, attribute: 'max-seconds' },
    choice: { state: true },
    amount: { state: true },
    unit: { state: true },
    link: { state: true },
    error: { state: true },
    busy: { state: true },
    copied: { state: true },
    now: { state: true },
  };
  declare library: PhotoLibrary | undefined;
  declare item: LibraryItem | undefined;
  declare maxSeconds: number;
  declare choice: number | 'custom';
  declare amount: number;
  declare unit: Unit;
  declare link: { href: string; share: ShareLink } | undefined;
  declare error: string;
  declare busy: boolean;
  declare copied: boolean;
  /** The clock the countdown shows, ticking each second while a link is shown. */
  declare now: number;
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.maxSeconds = 604_800;
    this.choice = 3600;
    this.amount = 30;
    this.unit = 'minutes';
    this.error = '';
    this.busy = false;
    this.copied = false;
    this.now = Date.now();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopTicking();
  }

  #startTicking() {
    this.now = Date.now();
    this.#ticker ??= setInterval(() => {
      this.now = Date.now();
      // Nothing changes after expiry: stop until the next link.
      if (!this.link || this.link.share.expiresAt.getTime() <= this.now) this.#stopTicking();
    }, 1000);
  }

  #stopTicking() {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  static override styles = [
    designSystem,
    css`
      dialog {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
        color: var(--text);
        box-shadow: var(--shadow);
        /* border-box: the padding is inside the width, so a 390 px phone keeps 12 px each side. */
        box-sizing: border-box;
        width: min(520px, calc(100vw - 24px));
        max-width: calc(100vw - 24px);
        max-height: calc(100dvh - 24px);
        padding: clamp(16px, 4vw, 24px);
      }
      h2 {
        overflow-wrap: anywhere;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 45%);
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 12px 0;
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
      }
      legend {
        font-weight: 600;
        margin-bottom: 8px;
      }
      label.chip {
        border: 1px solid var(--border);
        border-radius: 999px;
        padding: 6px 12px;
        cursor: pointer;
        background: var(--surface-2);
      }
      label.chip:has(input:checked) {
        border-color: var(--accent);
        color: var(--accent);
        font-weight: 600;
      }
      label.chip.disabled {
        opacity: 0.45;
        cursor: not-allowed;
      }
      label.chip input {
        position: absolute;
        opacity: 0;
      }
      .custom {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-bottom: 8px;
      }
      .custom input {
        width: 96px;
      }
      .result {
        background: var(--surface-2);
        border: 1px solid var(--border);
        border-radius: 10px;
        padding: 12px;
        margin: 12px 0;
      }
      .result input {
        box-sizing: border-box;
        width: 100%;
        margin: 6px 0;
      }
      .result.expired {
        border-color: var(--danger);
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 8px;
        flex-wrap: wrap;
      }
    `,
  ];

  /** Opens the dialog for {@link item}. */
  async open() {
    this.link = undefined;
    this.error = '';
    this.copied = false;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
    this.#stopTicking();
  }

  get #seconds(): number {
    return this.choice === 'custom' ? Math.round(this.amount * UNIT_SECONDS[this.unit]) : this.choice;
  }

  get #invalid(): string {
    const seconds = this.#seconds;
    if (!Number.isFinite(seconds) || seconds < 60) return 'Pick at least 1 minute.';
    if (seconds > this.maxSeconds) return `At most ${formatDuration(this.maxSeconds * 1000)}.`;
    return '';
  }

  override render() {
    const invalid = this.#invalid;
    return html`
      <dialog aria-labelledby="share-title" @close=${() => {
        this.#stopTicking();
        this.dispatchEvent(new Event('share-closed'));
      }}>
        <h2 id="share-title">Share “${this.item?.name ?? ''}”</h2>
        <p class="muted small">
          Anyone with the link can open this file until it expires. After that the link is refused by S3.
        </p>
        <fieldset>
          <legend>Link expires after</legend>
          ${PRESETS.map((preset) => {
            const tooLong = preset.seconds > this.maxSeconds;
            return html`
              <label class="chip ${tooLong ? 'disabled' : ''}" title=${tooLong ? 'Longer than the signing credentials can live on this server' : ''}>
                <input type="radio" name="expiry" ?disabled=${tooLong} .checked=${this.choice === preset.seconds}
                  @change=${() => this.#pick(preset.seconds)} />${preset.label}
              </label>
            `;
          })}
          <label class="chip">
            <input type="radio" name="expiry" value="custom" .checked=${this.choice === 'custom'}
              @change=${() => this.#pick('custom')} />Custom
          </label>
        </fieldset>
        ${
          this.choice === 'custom'
            ? html`<div class="custom">
              <label class="sr-only" for="amount">Amount</label>
              <input id="amount" type="number" min="1" step="1" .value=${String(this.amount)}
                @input=${(e: Event) => {
                  this.amount = Number((e.target as HTMLInputElement).value);
                  this.link = undefined;
                }} />
              <label class="sr-only" for="unit">Unit</label>
              <select id="unit" @change=${(e: Event) => {
                this.unit = (e.target as HTMLSelectElement).value as Unit;
                this.link = undefined;
              }}>
                ${Object.keys(UNIT_SECONDS).map((unit) => html`<option ?selected=${unit === this.unit}>${unit}</option>`)}
              </select>
            </div>`
            : null
        }
        <p class="small muted" data-testid="share-bounds">
          From 1 minute to ${formatDuration(this.maxSeconds * 1000)}${
            this.maxSeconds < 604_800
              ? ': a link dies with the temporary credentials that sign it, and this server issues them for at most that long'
              : ''
          }.
          ${invalid ? html`<span class="error">${invalid}</span>` : html`Requested: until ${formatDateTime(Date.now() + this.#seconds * 1000)}.`}
        </p>
        ${this.link ? this.#result(this.link) : null}
        ${this.error ? html`<p class="error small" role="alert">${this.error}</p>` : null}
        <div class="actions">
          <button @click=${() => this.close()}>Close</button>
          <button class="primary" data-testid="create-link" ?disabled=${this.busy || Boolean(invalid)} @click=${this.#create}>
            ${this.busy ? 'Creating…' : this.link ? 'Create another' : 'Create link'}
          </button>
        </div>
      </dialog>
    `;
  }

  #result({ href, share }: { href: string; share: ShareLink }) {
    const left = share.expiresAt.getTime() - this.now;
    if (left <= 0) {
      return html`
        <div class="result expired" data-testid="share-result" data-state="expired">
          <p class="error small" role="alert" style="margin:0">
            <strong>This link has expired</strong> (${formatDateTime(share.expiresAt)}): S3 now refuses it.
            Create another to share the file again.
          </p>
        </div>
      `;
    }
    const shortened = share.expiresAt.getTime() < share.createdAt + share.requestedSeconds * 1000 - 5000;
    return html`
      <div class="result" data-testid="share-result" data-state="valid">
        <label for="link" class="small"><strong>Share link</strong></label>
        <input id="link" data-testid="share-link" readonly .value=${href} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
        <div class="small">
          Works until <strong data-testid="share-expires">${formatDateTime(share.expiresAt)}</strong>
          (<span data-testid="share-left">${formatDuration(left)} left</span>).
          ${
            shortened
              ? html`<div class="badge warn">Shorter than requested: the signing credentials expire sooner.</div>`
              : null
          }
        </div>
        <div class="actions" style="margin-top:8px">
          <a class="button" href=${href} target="_blank" rel="noopener">Open</a>
          <button @click=${() => this.#copy(href)}>${this.copied ? 'Copied' : 'Copy link'}</button>
        </div>
      </div>
    `;
  }

  #pick(choice: number | 'custom') {
    this.choice = choice;
    this.link = undefined;
  }

  async #create() {
    if (!this.library || !this.item) return;
    this.busy = true;
    this.error = '';
    try {
      const share = await this.library.share(this.item, this.#seconds);
      this.link = { href: shareLink(location.origin, share, this.item.name), share };
      this.copied = false;
      this.#startTicking();
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  async #copy(href: string) {
    try {
      await navigator.clipboard.writeText(href);
      this.copied = true;
    } catch {
      // Clipboard refused (insecure origin, permissions): the field is selectable instead.
      this.renderRoot.querySelector<HTMLInputElement>('#link')?.select();
    }
  }
}
customElements.define('demo-share-dialog', ShareDialog);

declare global {
  interface HTMLElementTagNameMap {
    'demo-share-dialog': ShareDialog;
  }
}
