import type { Catalog } from './catalog.js';

/** The languages `<s3-upload>` ships, as BCP 47 tags. */
export const allLocales = ['en', 'ar', 'de', 'es', 'fr', 'it', 'ja', 'nl', 'pl', 'pt-BR', 'zh-CN'] as const;
export type SupportedLocale = (typeof allLocales)[number];
export const sourceLocale: SupportedLocale = 'en';

// Static imports per locale (not a template string): every bundler, Vite included, then
// splits each translation into its own chunk, loaded only when an element uses it.
// English is the exception: the file list (upload-list.ts) brings it whole, in its own chunk,
// and the first render speaks its first-render part (en-first-render.ts) until then.
const loaders: Record<SupportedLocale, () => Promise<{ default: Catalog }>> = {
  en: () => import('../upload-list.js').then(({ en }) => ({ default: en })),
  ar: () => import('./ar.js'),
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  it: () => import('./it.js'),
  ja: () => import('./ja.js'),
  nl: () => import('./nl.js'),
  pl: () => import('./pl.js'),
  'pt-BR': () => import('./pt-BR.js'),
  'zh-CN': () => import('./zh-CN.js'),
};

/** Languages written right to left: the element lays itself out `dir="rtl"` in them. */
export function isRightToLeft(locale: string): boolean {
  return locale === 'ar';
}

const loaded = new Map<SupportedLocale, Catalog>();
const loading = new Map<SupportedLocale, Promise<Catalog>>();

/**
 * The supported locale closest to `wanted` ("fr-CA" → "fr", "pt-PT" → "pt-BR"), else
 * English. Exact match first, then the language alone, because translations are per
 * language; Traditional Chinese (zh-TW, zh-HK, zh-MO, zh-Hant) is not given Simplified.
 */
export function matchLocale(wanted: readonly (string | null | undefined)[]): SupportedLocale {
  for (const candidate of wanted) {
    if (!candidate) continue;
    const lower = candidate.toLowerCase();
    const exact = allLocales.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const language = lower.split('-')[0];
    if (language === 'zh' && /-(hant|tw|hk|mo)\b/.test(lower)) continue;
    const sameLanguage = allLocales.find((l) => l.toLowerCase().split('-')[0] === language);
    if (sameLanguage) return sameLanguage;
  }
  return sourceLocale;
}

/** A catalogue loaded with other code (English, with the file list). */
export function addCatalog(locale: SupportedLocale, catalog: Catalog): void {
  loaded.set(locale, catalog);
}

/** The catalogue of `locale` if it is loaded already (English once the file list has loaded). */
export function loadedCatalog(locale: SupportedLocale): Catalog | undefined {
  return loaded.get(locale);
}

/** Loads the catalogue of `locale` (once per page, shared by every element using it). */
export function loadCatalog(locale: SupportedLocale): Promise<Catalog> {
  const ready = loaded.get(locale);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(locale);
  if (!pending) {
    pending = loaders[locale]().then(
      ({ default: catalog }) => {
        loaded.set(locale, catalog);
        loading.delete(locale);
        return catalog;
      },
      (error: unknown) => {
        // A chunk that failed to load (offline, a deploy removed it) may load next time.
        loading.delete(locale);
        throw error;
      },
    );
    loading.set(locale, pending);
  }
  return pending;
}
