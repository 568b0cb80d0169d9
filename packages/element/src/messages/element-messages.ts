import { type Catalog, type MessageOverrides, Messages } from './catalog.js';
import { enFirstRender } from './en-first-render.js';
import { loadCatalog, loadedCatalog, matchLocale, type SupportedLocale } from './locales.js';

/** What the texts of an element depend on. */
export interface TextsHost extends HTMLElement {
  /** The element's `locale` property. */
  readonly locale: string | undefined;
  /** The element's replacement texts. */
  readonly messages: MessageOverrides | undefined;
  requestUpdate(): void;
}

/**
 * One element's texts: each element has its own language (`locale`, else the nearest
 * `lang`, else the browser's), so two elements on a page may differ. A translation not
 * loaded yet is fetched (once per page) and the element renders again; until then it
 * speaks English. English itself comes whole with the file list (upload-list.ts): before,
 * the element shows only its drop zone, whose texts are en-first-render.ts. Resolved once per render (`rendering`): rows of a long list would
 * otherwise walk up the DOM each.
 */
export class ElementMessages {
  readonly #host: TextsHost;
  #rendering: Messages | undefined;
  #cached: Messages | undefined;
  #cachedFor: [Catalog, MessageOverrides | undefined] | undefined;

  constructor(host: TextsHost) {
    this.#host = host;
  }

  /** Between `willUpdate` and `updated`: the texts stay the same for the whole render. */
  set rendering(on: boolean) {
    this.#rendering = undefined;
    if (on) this.#rendering = this.current;
  }

  get current(): Messages {
    if (this.#rendering) return this.#rendering;
    const wanted = this.#locale;
    const catalog = loadedCatalog(wanted);
    if (!catalog && wanted !== 'en') {
      loadCatalog(wanted).then(
        () => this.#host.requestUpdate(),
        (error: unknown) => console.error(`<s3-upload> could not load the ${wanted} texts`, error),
      );
    }
    const locale = catalog ? wanted : 'en';
    // Before the file list has loaded, only the first render's texts are asked for.
    const texts = catalog ?? loadedCatalog('en') ?? (enFirstRender as Catalog);
    const overrides = this.#host.messages;
    const cached = this.#cached;
    if (cached && this.#cachedFor?.[0] === texts && this.#cachedFor[1] === overrides) return cached;
    this.#cached = new Messages(locale, texts, overrides);
    this.#cachedFor = [texts, overrides];
    return this.#cached;
  }

  /** The language asked for: `locale`, else the nearest `lang`, else the browser's. */
  get #locale(): SupportedLocale {
    const lang = this.#host.closest('[lang]')?.getAttribute('lang');
    return matchLocale([this.#host.locale, lang, ...(navigator.languages ?? [navigator.language])]);
  }
}
