import { css, html, LitElement } from 'lit';
import type { DemoApi, DemoConfig } from './demo-api.js';
import { designSystem } from './design-system.js';

/**
 * The sign-in screen: pick a demo user or type a name. The demo server signs a short JWT
 * for that name; the token server verifies it like any identity provider's.
 *
 * @example
 * html`<demo-sign-in .api=${api} .config=${config}></demo-sign-in>`
 */
export class SignInView extends LitElement {
  static override properties = {
    api: { attribute: false },
    config: { attribute: false },
    error: { state: true },
    busy: { state: true },
  };
  declare api: DemoApi | undefined;
  declare config: DemoConfig | undefined;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
  }

  static override styles = [
    designSystem,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: calc(100vh - 80px);
        padding: 24px;
      }
      .card {
        width: min(440px, 100%);
        padding: 28px;
      }
      h1 {
        font-size: 1.4rem;
        margin: 0 0 4px;
      }
      .users {
        display: grid;
        gap: 10px;
        margin: 20px 0;
      }
      .user {
        justify-content: flex-start;
        padding: 12px 14px;
        width: 100%;
      }
      .avatar {
        width: 32px;
        height: 32px;
        border-radius: 50%;
        display: grid;
        place-items: center;
        background: var(--accent);
        color: var(--accent-text);
        font-weight: 700;
      }
      form {
        display: flex;
        gap: 8px;
      }
      form input {
        flex: 1;
        min-width: 0;
      }
      .or {
        text-align: center;
        margin: 8px 0 12px;
      }
    `,
  ];

  override render() {
    const users = this.config?.users ?? [];
    return html`
      <section class="card" aria-labelledby="title">
        <h1 id="title">Sign in</h1>
        <p class="muted small">
          Pick a demo user. Each one gets temporary S3 credentials confined to
          <span class="mono">users/&lt;name&gt;/</span>, and sees only their own files.
        </p>
        <div class="users">
          ${users.map(
            (user) => html`
              <button class="user" data-user=${user.id} ?disabled=${this.busy} @click=${() => this.#signIn(user.id)}>
                <span class="avatar" aria-hidden="true">${user.name[0]}</span>
                <span>Continue as <strong>${user.name}</strong></span>
              </button>
            `,
          )}
        </div>
        <p class="or muted small">or any name</p>
        <form @submit=${this.#submit}>
          <label class="sr-only" for="name">User name</label>
          <input id="name" name="name" autocomplete="username" placeholder="e.g. dave" pattern="[a-zA-Z][a-zA-Z0-9\\-]{0,31}" required />
          <button class="primary" type="submit" ?disabled=${this.busy}>Sign in</button>
        </form>
        ${this.error ? html`<p class="error small" role="alert">${this.error}</p>` : null}
      </section>
    `;
  }

  #submit(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    void this.#signIn(input.value.trim().toLowerCase());
  }

  async #signIn(user: string) {
    if (!this.api) return;
    this.busy = true;
    this.error = '';
    try {
      await this.api.signIn(user);
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }
}
customElements.define('demo-sign-in', SignInView);

declare global {
  interface HTMLElementTagNameMap {
    'demo-sign-in': SignInView;
  }
}
