import { configureLocalization } from '@lit/localize';
import { allLocales, sourceLocale, targetLocales } from './generated/locale-codes.js';

export { allLocales };
export type SupportedLocale = (typeof allLocales)[number];

// Static imports per locale (not a template string): every bundler, Vite included, then
// splits each translation into its own chunk, loaded only when that locale is used.
const loaders: Record<string, () => Promise<import('@lit/localize').LocaleModule>> = {
  de: () => import('./generated/locales/de.js'),
  fr: () => import('./generated/locales/fr.js'),
};

// @lit/localize's runtime mode keeps one active locale per page: every <s3-upload> on the
// page shows the last locale set. configureLocalization may run only once per page.
const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: (locale) => {
    const load = loaders[locale];
    if (!load) return Promise.reject(new Error(`no translation for ${locale}`));
    return load();
  },
});

export { getLocale };

/**
 * The supported locale closest to `wanted` ("fr-CA" → "fr"), else English. Exact match
 * first, then the language alone, because translations are per language.
 */
export function matchLocale(wanted: readonly (string | null | undefined)[]): SupportedLocale {
  for (const candidate of wanted) {
    if (!candidate) continue;
    const lower = candidate.toLowerCase();
    const exact = allLocales.find((l) => l.toLowerCase() === lower);
    if (exact) return exact;
    const language = allLocales.find((l) => l.toLowerCase() === lower.split('-')[0]);
    if (language) return language;
  }
  return sourceLocale;
}

/** Switches the page's active translation (shared by every <s3-upload>). */
export async function useLocale(locale: SupportedLocale): Promise<void> {
  if (getLocale() !== locale) await setLocale(locale);
}
