import { css, html, LitElement } from 'lit';
import type { CredentialWatch, IssuedCredential } from './credential-watch.js';
import { designSystem } from './design-system.js';
import { formatDuration, formatTime } from './human-units.js';

/**
 * The current credentials of each scope (prefix, actions, a live countdown to expiry) and
 * each issuance or refresh as it happens. It shows what the page received, never the keys.
 *
 * @example
 * html`<demo-session-panel .watch=${watch}></demo-session-panel>`
 */
export class SessionPanel extends LitElement {
  static override properties = {
    watch: { attribute: false },
    now: { state: true },
  };
  declare watch: CredentialWatch | undefined;
  declare now: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #observed: CredentialWatch | undefined;
  readonly #onIssued = () => this.requestUpdate();

  constructor() {
    super();
    this.now = Date.now();
  }

  static override styles = [
    designSystem,
    css`
      :host {
        display: block;
      }
      .cred {
        border: 1px solid var(--border);
        border-radius: 10px;
        padding: 10px 12px;
        margin-bottom: 10px;
        background: var(--surface-2);
      }
      .row {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 8px;
        flex-wrap: wrap;
      }
      .countdown {
        font-variant-numeric: tabular-nums;
        font-weight: 650;
      }
      .bar {
        height: 4px;
        border-radius: 2px;
        background: var(--border);
        overflow: hidden;
        margin: 6px 0;
      }
      .bar > span {
        display: block;
        height: 100%;
        background: var(--ok);
      }
      ul.actions {
        list-style: none;
        padding: 0;
        margin: 4px 0 0;
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      ol.log {
        list-style: none;
        padding: 0;
        margin: 8px 0 0;
        max-height: 180px;
        overflow: auto;
      }
      ol.log li {
        display: flex;
        gap: 8px;
        padding: 3px 0;
        border-top: 1px solid var(--border);
      }
    `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    // One tick a second drives every countdown on the panel.
    this.#timer = setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.#observed?.removeEventListener('issued', this.#onIssued);
    this.#observed = undefined;
  }

  override willUpdate() {
    if (this.watch !== this.#observed) {
      this.#observed?.removeEventListener('issued', this.#onIssued);
      this.watch?.addEventListener('issued', this.#onIssued);
      this.#observed = this.watch;
    }
  }

  override render() {
    const current = this.watch?.current() ?? [];
    const history = this.watch?.history ?? [];
    return html`
      <section class="card" aria-labelledby="session-title">
        <h2 id="session-title">Session <span class="badge">temporary credentials</span></h2>
        ${
          current.length === 0
            ? html`<p class="muted small">No credentials yet: they are fetched when you upload or open the gallery.</p>`
            : current.map((cred) => this.#credential(cred))
        }
        ${
          history.length
            ? html`
              <h2 class="small">Issued and refreshed</h2>
              <ol class="log small" aria-live="polite" data-testid="credential-log">
                ${history.map(
                  (entry) => html`<li>
                    <span class="muted">${formatTime(entry.receivedAt)}</span>
                    <span>${entry.refresh ? 'refreshed' : 'issued'} <strong>${entry.scope}</strong></span>
                    <span class="muted">valid ${formatDuration(entry.expiresAt - entry.receivedAt)}</span>
                  </li>`,
                )}
              </ol>
            `
            : null
        }
      </section>
    `;
  }

  #credential(cred: IssuedCredential) {
    const left = cred.expiresAt - this.now;
    const lifetime = Math.max(1, cred.expiresAt - cred.receivedAt);
    const share = Math.max(0, Math.min(1, left / lifetime));
    const state = left <= 0 ? 'danger' : left < 60_000 ? 'warn' : 'ok';
    return html`
      <div class="cred" data-scope=${cred.scope}>
        <div class="row">
          <strong>${cred.scope}</strong>
          <span class="countdown badge ${state}" data-testid="countdown" aria-label="expires in">
            ${left > 0 ? `expires in ${formatDuration(left)}` : 'expired'}
          </span>
        </div>
        <div class="bar" aria-hidden="true"><span style="width:${(share * 100).toFixed(1)}%"></span></div>
        <div class="small"><span class="muted">prefix</span> <span class="mono" data-testid="prefix">${cred.prefix}</span></div>
        <ul class="actions small" aria-label="allowed actions">
          ${cred.actions.map((action) => html`<li class="badge mono">${action}</li>`)}
        </ul>
        ${
          Math.abs(cred.skewMs) > 2000
            ? html`<div class="small muted">clock skew ${Math.round(cred.skewMs / 1000)} s corrected</div>`
            : null
        }
      </div>
    `;
  }
}
customElements.define('demo-session-panel', SessionPanel);

declare global {
  interface HTMLElementTagNameMap {
    'demo-session-panel': SessionPanel;
  }
}
