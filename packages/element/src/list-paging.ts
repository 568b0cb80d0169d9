import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Messages } from './messages/catalog.js';

/**
 * Rows rendered at first, and added each time the user scrolls to the end or presses
 * "Show more": 200 keeps a first render of a dropped folder with thousands of files short.
 */
export const PAGE = 200;

/**
 * How many rows of a long list are rendered: pages of `PAGE`. Scrolling the "Show more"
 * button into view shows more, so mouse and touch users never need it; keyboard and
 * screen-reader users press it.
 */
export class ListPaging implements ReactiveController {
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  #shown = PAGE;
  #observer: IntersectionObserver | undefined;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }) {
    this.#host = host;
    host.addController(this);
  }

  /** Rows rendered so far. */
  get shown(): number {
    return this.#shown;
  }

  /** The "Show 200 more of 2,800" button, for `hidden` rows not rendered. */
  moreButton(m: Messages, hidden: number) {
    return html`<button part="more-button" class="more" type="button" @click=${this.#showMore}>
      ${m.text('showMore', { shown: Math.min(hidden, PAGE), count: hidden })}
    </button>`;
  }

  hostUpdated(): void {
    const more = this.#host.renderRoot.querySelector('.more');
    this.#observer?.disconnect();
    if (!more) return;
    this.#observer ??= new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting)) this.#showMore();
    });
    this.#observer.observe(more);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }

  #showMore = (): void => {
    this.#shown += PAGE;
    this.#host.requestUpdate();
  };
}
