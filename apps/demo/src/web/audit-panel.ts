import { css, html, LitElement } from 'lit';
import type { AuditEntry, DemoApi } from './demo-api.js';
import { designSystem } from './design-system.js';
import { formatTime } from './human-units.js';

/**
 * Poll interval. Default 2 s: the operator sees an issuance about as soon as the user does,
 * at a cost of one tiny request every two seconds on a local demo.
 */
const POLL_MS = 2000;
const SHOWN = 40;

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** First present field among several spellings: the panel reads the token server's lines as they are. */
function field(line: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = text(line[name]);
    if (value) return value;
  }
  return undefined;
}

/**
 * The operator's view of the token server's audit log: the latest issuance and refusal
 * lines, newest first. In production these lines go to your log pipeline; the demo keeps
 * the last few in memory to show them here.
 *
 * @example
 * html`<demo-audit-panel .api=${api}></demo-audit-panel>`
 */
export class AuditPanel extends LitElement {
  static override properties = {
    api: { attribute: false },
    entries: { state: true },
    error: { state: true },
  };
  declare api: DemoApi | undefined;
  declare entries: AuditEntry[];
  declare error: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSeq = 0;

  constructor() {
    super();
    this.entries = [];
    this.error = '';
  }

  static override styles = [
    designSystem,
    css`
      :host {
        display: block;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 360px;
        overflow: auto;
      }
      li {
        padding: 8px 0;
        border-top: 1px solid var(--border);
        display: grid;
        gap: 2px;
      }
      .head {
        display: flex;
        gap: 8px;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .refused .event {
        color: var(--danger);
      }
      .issued .event {
        color: var(--ok);
      }
      .event {
        font-weight: 650;
      }
    `,
  ];

  override connectedCallback() {
    super.connectedCallback();
    void this.#poll();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #poll() {
    clearTimeout(this.#timer);
    if (this.api) {
      try {
        const { entries } = await this.api.audit(this.#lastSeq);
        if (entries.length) {
          this.#lastSeq = entries[entries.length - 1]!.seq;
          this.entries = [...entries.reverse(), ...this.entries].slice(0, SHOWN);
        }
        this.error = '';
      } catch (error) {
        this.error = (error as Error).message;
      }
    }
    if (this.isConnected) this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
  }

  override render() {
    return html`
      <section class="card" aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log <span class="badge">operator</span></h2>
        ${this.error ? html`<p class="error small">${this.error}</p>` : null}
        ${
          this.entries.length === 0
            ? html`<p class="muted small">Every credential and presigned URL the token server issues or refuses appears here.</p>`
            : html`<ol class="small" data-testid="audit-lines">${this.entries.map((entry) => this.#line(entry))}</ol>`
        }
      </section>
    `;
  }

  #line({ seq, line }: AuditEntry) {
    const event = field(line, 'event', 'action', 'msg') ?? 'audit';
    const outcome = field(line, 'outcome', 'result', 'decision');
    const refused =
      /refus|deni|reject|fail/i.test(`${event} ${outcome ?? ''}`) ||
      (typeof line.status === 'number' && line.status >= 400);
    const time =
      typeof line.time === 'number' || typeof line.time === 'string' ? new Date(line.time) : undefined;
    const user = field(line, 'user', 'userId', 'sub');
    const scope = field(line, 'scope');
    const detail = field(line, 'key', 'prefix', 'reason', 'code');
    return html`
      <li class=${refused ? 'refused' : 'issued'} data-seq=${seq}>
        <div class="head">
          <span class="muted">${time && !Number.isNaN(time.getTime()) ? formatTime(time) : ''}</span>
          <span class="event">${event}</span>
          ${outcome && outcome !== event ? html`<span class="badge ${refused ? 'danger' : 'ok'}">${outcome}</span>` : null}
        </div>
        <div>
          ${user ? html`<span>user <strong>${user}</strong></span>` : null}
          ${scope ? html`<span class="muted"> · scope ${scope}</span>` : null}
          ${detail ? html`<span class="muted mono"> · ${detail}</span>` : null}
        </div>
      </li>
    `;
  }
}
customElements.define('demo-audit-panel', AuditPanel);

declare global {
  interface HTMLElementTagNameMap {
    'demo-audit-panel': AuditPanel;
  }
}
